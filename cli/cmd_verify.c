/* incbench verify: every (layer, implementation) that runs here against the reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/registry.h"
#include "harness/cases.h"
#include "harness/run_common.h"
#include "harness/verify.h"
#include "report/results.h"

static double max_abs_want(const ib_vcase *vc)
{
    double m = 0;
    for (int j = 0; j < vc->shapes.nout; j++) {
        int64_t n = ib_dims_count(vc->shapes.out[j]);
        for (int64_t k = 0; k < n; k++)
            if (isfinite(vc->want[j][k]))
                m = fmax(m, fabs(vc->want[j][k]));
    }
    return m;
}

static void row(FILE *t, FILE *csv, int show, const char *op, const char *layer, const char *impl,
                const char *status, double abs_err, double rel_err, const char *why)
{
    if (t && show) {
        if (abs_err >= 0)
            fprintf(t, "%-8s %-34.34s %-14s %-8s %10.3g %10.3g  %s\n", op, layer, impl, status,
                    abs_err, rel_err, why);
        else
            fprintf(t, "%-8s %-34.34s %-14s %-8s %10s %10s  %s\n", op, layer, impl, status, "-",
                    "-", why);
    }
    if (csv) {
        fprintf(csv, "%s,%s,%s,%s,", op, layer, impl, status);
        if (abs_err >= 0)
            fprintf(csv, "%.6g,%.6g,", abs_err, rel_err);
        else
            fprintf(csv, ",,");
        for (const char *p = why; *p; p++) /* one field: no commas or newlines */
            fputc(*p == ',' ? ';' : *p == '\n' ? ' ' : *p, csv);
        fputc('\n', csv);
    }
}

int ib_verify_job(const ib_run_opts *o, FILE *t, int all_rows, ib_verify_summary *s)
{
    memset(s, 0, sizeof *s);
    ib_problem *cases = calloc(IB_MAX_CASES, sizeof *cases);
    ib_err e = {{0}};
    int n = cases ? ib_run_cases(o, cases, IB_MAX_CASES, &e) : -1;
    if (n < 0) {
        fprintf(stderr, "incbench %s: %s\n", o->cmd, cases ? e.msg : "out of memory");
        free(cases);
        return 2;
    }
    FILE *csv = o->out ? ib_results_open(o->out, "verify.csv") : NULL;
    if (o->out && !csv) { /* asked for results that cannot be written: an error, not a run */
        free(cases);
        return 2;
    }
    if (csv)
        fprintf(csv, "op,layer,impl,status,max_abs_err,max_rel_err,why\n");
    if (t)
        fprintf(t, "%-8s %-34s %-14s %-8s %10s %10s  %s\n", "op", "layer", "impl", "status",
                "max abs", "max rel", "why");
    int matched = 0;
    for (int i = 0; i < n; i++) {
        const ib_problem *c = &cases[i];
        if (!ib_layer_matches(o->layer, c->layer))
            continue;
        matched++;
        const char *op = ib_op_name(c->desc.op);
        ib_progress(o, i + 1, n, "%s %s", op, c->layer);
        ib_vcase vc;
        int have = 0;
        for (int r = 0; r < ib_registry_count(); r++) {
            const ib_impl *im = ib_registry_at(r);
            if (im->op != c->desc.op || im->test_only || !ib_impl_selected(o->impls, im))
                continue;
            const char *why = NULL;
            char msg[300];
            if (!ib_impl_usable(im, &why)) {
                snprintf(msg, sizeof msg, "ISA absent: %s", why ? why : ib_isa_name(im->isa));
                row(t, csv, all_rows, op, c->layer, im->name, "SKIPPED", -1, -1, msg);
                s->skipped++;
                continue;
            }
            if (im->supports && !im->supports(&c->desc, &why)) {
                snprintf(msg, sizeof msg, "shape unsupported: %s", why ? why : "");
                row(t, csv, all_rows, op, c->layer, im->name, "SKIPPED", -1, -1, msg);
                s->skipped++;
                continue;
            }
            if (!have) {
                if (ib_vcase_init(&vc, &c->desc, 0x5eed + (uint64_t)i, &e) != IB_OK) {
                    fprintf(stderr, "incbench %s: %s: %s\n", o->cmd, c->layer, e.msg);
                    if (csv)
                        fclose(csv);
                    free(cases);
                    return 2;
                }
                have = 1;
            }
            ib_verify_result vr;
            ib_status st = ib_vcase_verify_impl(&vc, im, NULL, &vr, &e);
            if (st == IB_UNSUPPORTED) {
                snprintf(msg, sizeof msg, "shape unsupported: %s", e.msg);
                row(t, csv, all_rows, op, c->layer, im->name, "SKIPPED", -1, -1, msg);
                s->skipped++;
            } else if (st != IB_OK || !vr.ok) {
                if (st != IB_OK)
                    snprintf(msg, sizeof msg, "error: %s", e.msg);
                else
                    snprintf(msg, sizeof msg, "%lld elements out of bound; first: %s",
                             (long long)vr.bad, vr.msg);
                double m = max_abs_want(&vc);
                row(t, csv, 1, op, c->layer, im->name, "FAILED", st ? -1 : vr.max_abs,
                    st ? -1 : (m > 0 ? vr.max_abs / m : vr.max_abs), msg);
                s->failed++;
            } else {
                double m = max_abs_want(&vc);
                row(t, csv, all_rows, op, c->layer, im->name, "PASSED", vr.max_abs,
                    m > 0 ? vr.max_abs / m : vr.max_abs,
                    vr.exact ? "exact (integer fills)" : "within the derived bound");
                s->passed++;
            }
        }
        if (have)
            ib_vcase_free(&vc);
    }
    if (csv)
        fclose(csv);
    free(cases);
    if (!matched) {
        fprintf(stderr, "incbench %s: no layer matches '%s'\n", o->cmd, o->layer ? o->layer : "");
        return 2;
    }
    if (t)
        fprintf(t,
                "verify: %d passed, %d failed, %d skipped (max rel = max abs error / max "
                "|reference|)\n",
                s->passed, s->failed, s->skipped);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench verify [--layer PATTERN] [--impl LIST] [--shape DESC]... [opts]\n\n"
               "Checks every (layer, implementation) against the scalar reference on the same\n"
               "integer-filled inputs (exact where every partial sum is exact in fp32, else\n"
               "within a bound derived from the operation): the distinct layers of\n"
               "Inception-v3 (batch-norm and ReLU standalone on each conv output, the loss on\n"
               "the logits), or your own shapes. Prints PASSED / FAILED / SKIPPED (and why),\n"
               "max abs and rel error; exits 1 on any failure.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(verify));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(verify, 0, 0, usage);

int ib_cmd_verify(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "verify");
    int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    ib_run_opts_threads(&o);
    ib_verify_summary s;
    rc = ib_verify_job(&o, stdout, 1, &s);
    return rc ? rc : s.failed ? 1 : 0;
}
