/* Mutation test of the verifier: every mutant (the reference with one classic bug) must be
 * reported FAILED by the shared harness on at least one standard shape, and every control (the
 * mutants' own loops, bug-free) must pass them all. A surviving mutant means a weak verifier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"
#include "tests/check.h"
#include "tests/harness.h"
#include "tests/mutants.h"
#include "tests/shapes.h"
#include "tests/specials.h"

enum { MAX_SHAPES = 512 };

/* Where a mutant was first caught, or where a control failed. */
typedef struct outcome {
    int failed;
    char where[300];
    char why[320];
} outcome;

/* One case: the verifier's integer fills (sp NULL) or special values written over them. */
static void check_one(const ib_impl *im, const ib_test_shape *sh, int seed, const ib_special *sp,
                      outcome *o, int *ran)
{
    ib_case c;
    ib_err e = {{0}};
    if (ib_case_init(&c, &sh->desc, sh->label, 1234u + (uint32_t)seed, &e) != IB_OK) {
        o->failed = 1;
        snprintf(o->where, sizeof o->where, "%s (setup)", sh->label);
        snprintf(o->why, sizeof o->why, "%s", e.msg);
        return;
    }
    if (sp)
        ib_special_apply(sp, &c.v);
    ib_check_result r;
    ib_case_check(&c, im, NULL, &r);
    if (r.status >= 0)
        (*ran)++;
    if (r.status == 0) {
        char shape[160];
        ib_desc_str(&c.v.desc, shape, sizeof shape);
        o->failed = 1;
        snprintf(o->where, sizeof o->where, "%s [%s], %s", sh->label, shape,
                 sp ? sp->name : "integer fills");
        snprintf(o->why, sizeof o->why, "%s", r.why);
    }
    ib_case_free(&c);
}

/* Runs im over the shapes, integer fills first, then each special-value pattern of its op.
 * A mutant stops at its first failure; a control runs everything. */
static void run_impl(const ib_mutant *m, const ib_test_shape *shapes, int nshapes, outcome *o,
                     int *ran)
{
    memset(o, 0, sizeof *o);
    for (int s = 0; s < nshapes && !(o->failed && !m->control); s++)
        check_one(m->impl, &shapes[s], s, NULL, o, ran);
    for (int i = 0; i < ib_special_count() && !(o->failed && !m->control); i++) {
        const ib_special *sp = ib_special_at(i);
        if (sp->op != m->impl->op)
            continue;
        for (int s = 0; s < nshapes && !(o->failed && !m->control); s++)
            check_one(m->impl, &shapes[s], s, sp, o, ran);
    }
}

int main(int argc, char **argv)
{
    int reduced = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full"))
            reduced = 0;
        else {
            fprintf(stderr, "usage: test_mutants [--full]  (--full: the network's shapes at "
                            "full size, not the reduced set)\n");
            return 2;
        }
    }
    ib_mutants_register();
    static ib_test_shape shapes[MAX_SHAPES];
    int nmutants = 0, ncaught = 0, ncontrols = 0;
    printf("mutation test of the verifier: each mutant must FAIL on a standard shape "
           "(%s shapes)\n",
           reduced ? "reduced" : "full");
    for (int i = 0; i < ib_mutant_count(); i++) {
        const ib_mutant *m = ib_mutant_at(i);
        ib_err e = {{0}};
        const int nshapes = ib_test_shapes(m->impl->op, reduced, shapes, MAX_SHAPES, &e);
        if (nshapes < 0) {
            ib_check(0, "%s: cannot build shapes: %s", m->impl->name, e.msg);
            continue;
        }
        outcome o;
        int ran = 0;
        run_impl(m, shapes, nshapes, &o, &ran);
        if (m->control) {
            ncontrols++;
            ib_check(!o.failed, "control %s (%s) on %s: %s", m->impl->name, m->bug, o.where, o.why);
            if (!o.failed)
                printf("control %-30s passed %d cases of %s\n", m->impl->name, ran,
                       ib_op_name(m->impl->op));
            continue;
        }
        nmutants++;
        ib_check(o.failed, "mutant %s (%s) passed all %d cases: the verifier misses it",
                 m->impl->name, m->bug, ran);
        if (o.failed) {
            printf("caught  %-30s %s\n        FAILED on %s: %s\n", m->impl->name, m->bug, o.where,
                   o.why);
            ncaught++;
        }
    }
    printf("%d mutants, %d caught; %d controls\n", nmutants, ncaught, ncontrols);
    return ib_check_done();
}
