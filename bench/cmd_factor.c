/* incbench factor: do Inception's factorizations pay off here? Both forms of every pair,
 * verified, then timed per implementation; theoretical against measured savings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/commands.h"
#include "bench/factor.h"
#include "bench/results.h"
#include "bench/verify.h"
#include "kernels/registry.h"

enum { MAX_FAM = 8, MAX_CASES = 64 };

/* One form on one implementation family: verified instances, then the timing. */
typedef struct ftime {
    int state; /* 0 not run (n/a), 1 timed, -1 verification failed */
    char why[320];
    ib_timing t;
    double peak;
} ftime;

typedef struct fctx {
    ib_instance **inst;
    int n;
} fctx;

static int run_form(void *p)
{
    const fctx *c = p;
    for (int i = 0; i < c->n; i++)
        if (ib_instance_run(c->inst[i]) != IB_OK)
            return 1;
    return 0;
}

/* Verifies every layer of f on every family, then times the families that have them all. */
static int measure_form(const ib_run_opts *o, const ib_form *f, const char **fam, int nfam,
                        int threads, ftime *res)
{
    ib_instance *inst[MAX_FAM][IB_FORM_MAX];
    memset(inst, 0, sizeof inst);
    int rc = 0;
    for (int k = 0; k < nfam; k++) {
        memset(&res[k], 0, sizeof res[k]);
        res[k].state = 1;
    }
    for (int i = 0; i < f->n; i++) {
        ib_vcase vc;
        ib_err e = {{0}};
        int have = 0;
        for (int k = 0; k < nfam; k++) {
            if (res[k].state != 1)
                continue;
            const ib_impl *im = ib_registry_lookup(f->d[i].op, fam[k]);
            const char *why = NULL;
            if (!im || !ib_impl_usable(im, &why) || (im->supports && !im->supports(&f->d[i], &why))) {
                res[k].state = 0;
                snprintf(res[k].why, sizeof res[k].why, "no %s %s%s%s", fam[k],
                         ib_op_name(f->d[i].op), why ? ": " : "", why ? why : "");
                continue;
            }
            if (!have) {
                if (ib_vcase_init(&vc, &f->d[i], 0xfac7 + (uint64_t)i, &e) != IB_OK) {
                    fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
                    rc = 2;
                    goto out;
                }
                have = 1;
            }
            ib_verify_result vr;
            ib_status st = ib_vcase_verify_impl(&vc, im, &inst[k][i], &vr, &e);
            if (st == IB_UNSUPPORTED) {
                res[k].state = 0;
                snprintf(res[k].why, sizeof res[k].why, "%s", e.msg);
            } else if (st != IB_OK || !vr.ok) {
                res[k].state = -1;
                snprintf(res[k].why, sizeof res[k].why, "verification FAILED: %s",
                         st != IB_OK ? e.msg : vr.msg);
                fprintf(stderr, "incbench %s: %s %s layer %d: %s\n", o->cmd, fam[k], f->name, i,
                        res[k].why);
                rc = 1;
            }
        }
        if (have)
            ib_vcase_free(&vc);
    }
    for (int k = 0; k < nfam; k++) {
        if (res[k].state != 1)
            continue;
        fctx c = {inst[k], f->n};
        if (ib_time(run_form, &c, o->min_time, (int)o->reps, &res[k].t) != 0) {
            res[k].state = -1;
            snprintf(res[k].why, sizeof res[k].why, "a run failed while timing");
            rc = rc ? rc : 1;
        }
        const ib_impl *im = ib_registry_lookup(f->d[0].op, fam[k]);
        res[k].peak = im ? ib_impl_peak(im, threads) : 0;
    }
out:
    for (int k = 0; k < nfam; k++)
        for (int i = 0; i < f->n; i++)
            ib_instance_destroy(inst[k][i]);
    return rc;
}

static const char *fmt_t(const ftime *r, char *buf, int len)
{
    char a[24], b[24], c[24];
    if (r->state != 1)
        snprintf(buf, (size_t)len, "%s", r->state < 0 ? "FAILED" : "n/a");
    else
        snprintf(buf, (size_t)len, "%s [%s, %s]", ib_fmt_time(r->t.med, a, sizeof a),
                 ib_fmt_time(r->t.min, b, sizeof b), ib_fmt_time(r->t.max, c, sizeof c));
    return buf;
}

static void fmt_pct(double v, char *buf, int len)
{
    if (isfinite(v))
        snprintf(buf, (size_t)len, "%.1f%%", v * 100);
    else
        snprintf(buf, (size_t)len, "n/a");
}

static void print_case_head(FILE *out, const ib_fcase *c)
{
    fprintf(out, "\n[%d] %s | %s\n", c->pair, c->pair_name, c->name);
    fprintf(out, "    A %-20s %9.2f MMAC %9.1f kparam\n", c->a.name, c->a.macs * 1e-6,
            c->a.params * 1e-3);
    fprintf(out, "    B %-20s %9.2f MMAC %9.1f kparam    theoretical saving %.1f%%\n", c->b.name,
            c->b.macs * 1e-6, c->b.params * 1e-3, ib_fcase_theory(c) * 100);
}

/* Measured saving 1 - tB/tA and realized fraction measured/theory (NaN when undefined). */
static void savings(const ib_fcase *c, const ftime *ra, const ftime *rb, double *meas,
                    double *real)
{
    *meas = *real = NAN;
    if (ra->state == 1 && rb->state == 1 && ra->t.med > 0) {
        *meas = 1.0 - rb->t.med / ra->t.med;
        double th = ib_fcase_theory(c);
        if (fabs(th) > 1e-9)
            *real = *meas / th;
    }
}

static int run_cases(const ib_run_opts *o, FILE *out, const ib_fcase *cases, int n,
                     const char **fam, int nfam, int threads, FILE *csv, ib_gbjson *js,
                     int sweep)
{
    int rc = 0;
    ftime ra[MAX_FAM], rb[MAX_FAM];
    if (sweep && out) {
        fprintf(out, "\n%-26s %5s %5s %8s", "sweep: pair", "grid", "C", "theory");
        for (int k = 0; k < nfam; k++)
            fprintf(out, "  %8s meas/real", fam[k]);
        fputc('\n', out);
    }
    for (int i = 0; i < n; i++) {
        const ib_fcase *c = &cases[i];
        ib_progress(o, i + 1, n, "%s%s | %s", sweep ? "sweep " : "", c->pair_name, c->name);
        int r1 = measure_form(o, &c->a, fam, nfam, threads, ra);
        int r2 = measure_form(o, &c->b, fam, nfam, threads, rb);
        int r = r1 > r2 ? r1 : r2;
        if (r == 2)
            return 2;
        rc = r > rc ? r : rc;
        const double th = ib_fcase_theory(c);
        if (out && !sweep) {
            print_case_head(out, c);
            fprintf(out, "    %-8s %-34s %-34s %9s %9s %11s\n", "impl", "A median [min, max]",
                    "B median [min, max]", "measured", "realized", "%peak A/B");
        }
        if (out && sweep)
            fprintf(out, "%-26.26s %5d %5d %7.1f%%", c->pair_name, c->grid, c->channels, th * 100);
        for (int k = 0; k < nfam; k++) {
            double meas, real;
            savings(c, &ra[k], &rb[k], &meas, &real);
            char ta[64], tb[64], m[16], rl[16], pk[24] = "-";
            fmt_pct(meas, m, sizeof m);
            fmt_pct(real, rl, sizeof rl);
            double pa = NAN, pb = NAN;
            if (ra[k].state == 1 && ra[k].peak > 0)
                pa = 2.0 * c->a.macs / ra[k].t.med / ra[k].peak;
            if (rb[k].state == 1 && rb[k].peak > 0)
                pb = 2.0 * c->b.macs / rb[k].t.med / rb[k].peak;
            if (isfinite(pa) && isfinite(pb))
                snprintf(pk, sizeof pk, "%.0f%%/%.0f%%", pa * 100, pb * 100);
            if (out && !sweep) {
                fprintf(out, "    %-8s %-34s %-34s %9s %9s %11s", fam[k], fmt_t(&ra[k], ta, 64),
                        fmt_t(&rb[k], tb, 64), m, rl, pk);
                const ftime *bad = ra[k].state != 1 ? &ra[k] : rb[k].state != 1 ? &rb[k] : NULL;
                if (bad)
                    fprintf(out, "  (%s)", bad->why);
                fputc('\n', out);
            }
            if (out && sweep)
                fprintf(out, "  %8s %8s", m, rl);
            if (csv) {
                fprintf(csv, "%d,%s,%s,%d,%d,%s,%s,%s,%lld,%lld,%lld,%lld,%.6f,", c->pair,
                        c->pair_name, c->name, c->grid, c->channels, c->a.name, c->b.name,
                        fam[k], (long long)c->a.macs, (long long)c->b.macs,
                        (long long)c->a.params, (long long)c->b.params, th);
                const ftime *rr[2] = {&ra[k], &rb[k]};
                for (int s = 0; s < 2; s++) {
                    if (rr[s]->state == 1)
                        fprintf(csv, "%.6e,%.6e,%.6e,%.4f,", rr[s]->t.med, rr[s]->t.min,
                                rr[s]->t.max, rr[s]->t.cv);
                    else
                        fprintf(csv, ",,,,");
                }
                fprintf(csv, "%s,%s,%s,%s\n", isfinite(meas) ? m : "", isfinite(real) ? rl : "",
                        isfinite(pa) ? (snprintf(ta, 64, "%.4f", pa), ta) : "",
                        isfinite(pb) ? (snprintf(tb, 64, "%.4f", pb), tb) : "");
            }
            if (js) {
                const ib_form *fs[2] = {&c->a, &c->b};
                const ftime *rr[2] = {&ra[k], &rb[k]};
                for (int s = 0; s < 2; s++) {
                    if (rr[s]->state != 1)
                        continue;
                    char nm[256];
                    snprintf(nm, sizeof nm, "%s/%d/%s/%s/%s", sweep ? "sweep" : "factor",
                             c->pair, c->name, fs[s]->name, fam[k]);
                    ib_gbjson_add(js, nm, &rr[s]->t, 2.0 * fs[s]->macs, rr[s]->peak, NULL);
                }
            }
        }
        if (out && sweep)
            fputc('\n', out);
        if (out)
            fflush(out);
    }
    return rc;
}

static const char *csv_head = "pair,pair_name,case,grid,channels,form_a,form_b,impl,macs_a,"
                              "macs_b,params_a,params_b,theory,med_a,min_a,max_a,cv_a,med_b,"
                              "min_b,max_b,cv_b,measured,realized,peak_frac_a,peak_frac_b\n";

int ib_factor_job(const ib_run_opts *o, FILE *out)
{
    const int threads = ib_run_opts_threads(o);
    const char *fam[MAX_FAM];
    int nfam = ib_families(o->impls, fam, MAX_FAM);
    if (nfam == 0) {
        fprintf(stderr, "incbench %s: no selected implementation runs here\n", o->cmd);
        return 2;
    }
    ib_fcase *cases = calloc(MAX_CASES, sizeof *cases);
    if (!cases) {
        fprintf(stderr, "incbench %s: out of memory\n", o->cmd);
        return 2;
    }
    ib_err e = {{0}};
    int n = 0;
    if (o->nshapes) {
        for (int i = 0; i < o->nshapes && n >= 0; i++) {
            int k = ib_factor_user_cases(o->shapes[i].name, &o->shapes[i].desc, cases + n,
                                         MAX_CASES - n, &e);
            if (k == 0)
                fprintf(stderr, "incbench %s: %s: no factorization applies (a square kernel "
                                "of 3 or more, stride 1, 'valid' or 'same' padding)\n",
                        o->cmd, o->shapes[i].name);
            n = k < 0 ? -1 : n + k;
        }
    } else {
        n = ib_factor_cases(o->batch, o->quick, cases, MAX_CASES, &e);
    }
    if (n < 0) {
        fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
        free(cases);
        return 2;
    }
    if (out) {
        const ib_cpu *cpu = ib_cpu_get();
        fprintf(out, "Factorization report: %s, %d thread%s, batch %lld; equal filter counts;\n"
                     "times are the median [min, max] of %lld repetitions of at least %.3g s;\n"
                     "every layer verified against the reference before it is timed.\n"
                     "theoretical saving = 1 - MACs(B)/MACs(A); measured = 1 - time(B)/time(A);\n"
                     "realized = measured / theoretical; %%peak against the FMA peak of the ISA\n"
                     "each implementation uses (pools and concats count no FLOPs).\n",
                cpu->model, threads, threads > 1 ? "s" : "", (long long)o->batch,
                (long long)o->reps, o->min_time);
    }
    /* every results file opened before the work: one that cannot be written is an error */
    FILE *csv = NULL, *sc = NULL;
    ib_gbjson js = {0}, *jsp = NULL;
    if (o->out) {
        if ((csv = ib_results_open(o->out, "factor.csv")) != NULL &&
            (!o->sweep || (sc = ib_results_open(o->out, "sweep.csv")) != NULL) &&
            ib_gbjson_begin(&js, o->out, "factor.json", threads) == 0) {
            jsp = &js;
        } else {
            if (csv)
                fclose(csv);
            if (sc)
                fclose(sc);
            free(cases);
            return 2;
        }
    }
    if (csv)
        fputs(csv_head, csv);
    if (sc)
        fputs(csv_head, sc);
    int rc = n ? run_cases(o, out, cases, n, fam, nfam, threads, csv, jsp, 0) : 0;
    if (csv)
        fclose(csv);
    if (rc != 2 && o->sweep) {
        int m = ib_factor_sweep_cases(o->batch, o->quick, cases, MAX_CASES, &e);
        if (out)
            fprintf(out, "\nSweep of pairs 1-3 (C -> C, 'same' padding): where the theoretical "
                         "saving is realized.\nThe paper advises asymmetric factorization on "
                         "12..20 grids only; measured/realized per implementation:\n");
        int r = m < 0 ? 2 : run_cases(o, out, cases, m, fam, nfam, threads, sc, jsp, 1);
        if (m < 0)
            fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
        rc = r > rc ? r : rc;
    }
    if (sc)
        fclose(sc);
    ib_gbjson_end(&js);
    free(cases);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench factor [--sweep] [--impl LIST] [--shape DESC]... [options]\n\n"
               "The factorization report: for each pair, on Inception-v3's real shapes and at\n"
               "equal filter counts, the MACs and parameters of both forms, the theoretical\n"
               "saving, the measured time of both forms per implementation (median [min, max]\n"
               "of repetitions; every layer verified first), the measured saving and the\n"
               "realized fraction. Pairs: 1 5x5 vs 3x3->3x3; 2 3x3 vs 1x3->3x1; 3 7x7 vs\n"
               "1x7->7x1; 4 3x3 vs 2x2->2x2; 5 grid reduction (conv->pool vs pool->conv and\n"
               "vs the parallel stride-2 branches, Mixed_6a/7a); 6 whole modules (kxk vs 3x3\n"
               "chains vs 1xk->kx1); 7 batch-norm and ReLU fused into the conv vs separate.\n"
               "--sweep adds pairs 1-3 over grids 8..35 and two channel counts. With --shape,\n"
               "your square convolutions get their 3x3/2x2 chain and 1xk->kx1 counterparts.\n\n");
    ib_run_opts_help(f, IB_OPT_SWEEP | IB_OPT_IMPL | IB_OPT_SHAPES | IB_OPT_THREADS |
                            IB_OPT_BATCH | IB_OPT_TIMING | IB_OPT_QUICK | IB_OPT_OUT);
}

int ib_cmd_factor(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "factor");
    int rc = ib_run_opts_parse(&o, IB_OPT_SWEEP | IB_OPT_IMPL | IB_OPT_SHAPES | IB_OPT_THREADS |
                                       IB_OPT_BATCH | IB_OPT_TIMING | IB_OPT_QUICK | IB_OPT_OUT,
                               argc, argv, usage);
    if (rc >= 0)
        return rc;
    return ib_factor_job(&o, stdout);
}
