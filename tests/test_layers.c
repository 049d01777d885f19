/* The layer harness: every layer type x every implementation that runs here x its shapes
 * (Inception-v3's and edge shapes), against the reference. New ISAs plug in through the
 * registry; this file does not change for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/registry.h"
#include "tests/check.h"
#include "tests/extras.h"
#include "tests/harness.h"
#include "tests/shapes.h"

enum { MAX_SHAPES = 512, MAX_IMPLS = 32 };

typedef struct tally {
    const char *impl;
    int passed, failed, skipped;
    char skip_why[320];
} tally;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr, "usage: test_layers [--op NAME] [--impl NAME] [--reduced] [-v]\n"
                    "  --reduced (or INCBENCH_TEST_REDUCED=1): cut-down shapes for emulators\n");
}

int main(int argc, char **argv)
{
    const char *only_op = NULL, *only_impl = NULL;
    int reduced = getenv("INCBENCH_TEST_REDUCED") && atoi(getenv("INCBENCH_TEST_REDUCED"));
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--op") && i + 1 < argc)
            only_op = argv[++i];
        else if (!strcmp(argv[i], "--impl") && i + 1 < argc)
            only_impl = argv[++i];
        else if (!strcmp(argv[i], "--reduced"))
            reduced = 1;
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else {
            fprintf(stderr, "test_layers: unknown argument '%s'\n", argv[i]);
            usage();
            return 2;
        }
    }
    ib_op op_filter = IB_OP_COUNT;
    if (only_op && !ib_op_from_name(only_op, &op_filter)) {
        fprintf(stderr, "test_layers: unknown op '%s'\n", only_op);
        return 2;
    }
    ib_test_register_extras();

    static ib_test_shape shapes[MAX_SHAPES];
    printf("layer harness%s: implementations x shapes against the reference\n",
           reduced ? " (reduced shapes)" : "");
    for (int op = 0; op < IB_OP_COUNT; op++) {
        if (op_filter != IB_OP_COUNT && op != (int)op_filter)
            continue;
        ib_err e = {{0}};
        int nshapes = ib_test_shapes((ib_op)op, reduced, shapes, MAX_SHAPES, &e);
        if (nshapes < 0) {
            ib_check(0, "%s: cannot build shapes: %s", ib_op_name((ib_op)op), e.msg);
            continue;
        }
        /* every implementation compiled in, usable or not, so absent ISAs show as skipped */
        tally t[MAX_IMPLS];
        const ib_impl *impls[MAX_IMPLS];
        int nimpl = 0;
        for (int i = 0; i < ib_registry_count() && nimpl < MAX_IMPLS; i++) {
            const ib_impl *im = ib_registry_at(i);
            if (im->op != (ib_op)op || (only_impl && strcmp(im->name, only_impl)))
                continue;
            if (im->test_only && strstr(im->name, "mutant"))
                continue; /* mutants are the verifier's own test, elsewhere */
            impls[nimpl] = im;
            t[nimpl] = (tally){.impl = im->name};
            nimpl++;
        }
        double t0 = now();
        for (int s = 0; s < nshapes; s++) {
            ib_case c;
            if (ib_case_init(&c, &shapes[s].desc, shapes[s].label, 1234u + (uint32_t)s, &e) !=
                IB_OK) {
                ib_check(0, "%s %s: %s", ib_op_name((ib_op)op), shapes[s].label, e.msg);
                continue;
            }
            int network_shape = strncmp(shapes[s].label, "edge.", 5) != 0;
            for (int k = 0; k < nimpl; k++) {
                /* the reference through the registry checks the instance plumbing; on the
                 * network's large convolutions it would only repeat the oracle */
                if (!strcmp(impls[k]->name, "ref") && op == IB_OP_CONV && network_shape)
                    continue;
                ib_check_result r;
                ib_case_check(&c, impls[k], stdout, &r);
                if (r.status >= 0) { /* the table's tally; the count is ib_check's */
                    ib_check(r.status == 1, "%s %s %s", ib_op_name((ib_op)op), c.label,
                             impls[k]->name);
                    t[k].passed += r.status == 1;
                    t[k].failed += r.status == 0;
                } else {
                    ib_check_skip();
                    t[k].skipped++;
                    snprintf(t[k].skip_why, sizeof t[k].skip_why, "%s", r.why);
                    if (verbose)
                        printf("SKIPPED %s %s %s: %s\n", ib_op_name((ib_op)op), c.label,
                               impls[k]->name, r.why);
                }
            }
            ib_case_free(&c);
        }
        for (int k = 0; k < nimpl; k++) {
            printf("  %-8s %-14s %4d passed %3d failed %4d skipped", ib_op_name((ib_op)op),
                   t[k].impl, t[k].passed, t[k].failed, t[k].skipped);
            if (t[k].skipped)
                printf("  (%s)", t[k].skip_why);
            printf("\n");
        }
        printf("  %-8s %d shapes, %.1f s\n", ib_op_name((ib_op)op), nshapes, now() - t0);
        fflush(stdout);
    }
    return ib_check_done();
}
