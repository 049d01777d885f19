/* incbench factor: do Inception's factorizations pay off here? Both forms of every pair,
 * verified, then timed interleaved per implementation; the measured saving with its interval,
 * decomposed into the work saved and the efficiency of the two forms' kernels. */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/registry.h"
#include "report/csv.h"
#include "report/results.h"
#include "studies/factor.h"
#include "studies/factor_measure.h"
#include "studies/factor_verdict.h"

/* FACTOR_REPS x FACTOR_MIN_TIME: a round's repetitions by default. The rounds sample buffer
 * placement and CPU (6 rounds are the fewest whose centre has a 95% distribution-free
 * interval); within a round, many short repetitions rather than a few long ones: a
 * repetition of a 5 ms module form on a shared machine varies by several percent from one to
 * the next (oneDNN's by 5-10% between its fastest and its median), so the round's ratio is
 * the Hodges-Lehmann ratio of the faster halves of its repetitions, and 10 of 8 ms give it
 * 5 x 5 pairs in the time 4 of 20 ms took. 10 per round x --max-rounds 96 fill the IB_MAX_REPS a
 * form holds. Only round 0 runs the reference, so a later round costs its timing alone, and
 * 10 rounds by default (an interval from the 9th smallest to the 9th largest of 55 Walsh
 * averages, not from the extreme rounds as with 6) cost less than 6 that each verified. */
enum { MAX_FAM = 8, MAX_CASES = 64, MIN_REPS = 6, FACTOR_REPS = 10 };

/* The sweep is a map of where a pair's saving is realized over grids and channel counts, 30
 * cases beside the verdicts of the real shapes: each takes at most SWEEP_ROUNDS rounds (the
 * fewest with a 95% distribution-free interval) and no extra rounds when open, so the main
 * job's sweep costs a third of what the pairs' rounds would. */
enum { SWEEP_ROUNDS = 6 };
#define FACTOR_MIN_TIME 0.008

static const char *fmt_pct(double v, char *buf, int len, int sign)
{
    if (isfinite(v))
        snprintf(buf, (size_t)len, sign ? "%+.1f%%" : "%.1f%%", v * 100);
    else
        snprintf(buf, (size_t)len, "n/a");
    return buf;
}

static const char *fmt_form(const ib_fform_time *r, const ib_fpair *p, int b, char *buf, int len)
{
    char m[24], lo[24], hi[24], pk[24];
    if (r->state != 1) {
        snprintf(buf, (size_t)len, "%s", r->state < 0 ? "FAILED" : "n/a");
        return buf;
    }
    const double med = b ? p->med_b : p->med_a, l = b ? p->lo_b : p->lo_a,
                 h = b ? p->hi_b : p->hi_a, peak = b ? p->peak_b : p->peak_a;
    snprintf(buf, (size_t)len, "%s %s [%s, %s] %s of peak", b ? "B" : "A",
             ib_fmt_time(med, m, sizeof m), ib_fmt_time(l, lo, sizeof lo),
             ib_fmt_time(h, hi, sizeof hi), fmt_pct(peak, pk, sizeof pk, 0));
    return buf;
}

static void print_case_head(FILE *out, const ib_fcase *c)
{
    char n[16], x[16];
    fprintf(out, "\n[%d] %s | %s\n", c->pair, c->pair_name, c->name);
    fprintf(out, "    A %-20s %9.2f MMAC nominal %9.2f executed %9.1f kparam\n", c->a.name,
            c->a.macs * 1e-6, c->a.macs_exec * 1e-6, c->a.params * 1e-3);
    fprintf(out, "    B %-20s %9.2f MMAC nominal %9.2f executed %9.1f kparam\n", c->b.name,
            c->b.macs * 1e-6, c->b.macs_exec * 1e-6, c->b.params * 1e-3);
    fprintf(out, "    work saving: %s nominal, %s executed (padding taps left out)\n",
            fmt_pct(ib_fcase_theory(c), n, sizeof n, 0),
            fmt_pct(ib_fcase_theory_exec(c), x, sizeof x, 0));
}

static const char *artefact_note(ib_fartefact a)
{
    switch (a) {
    case IB_FA_BASE_SLOW:
        return "; A's kernels run below 80% of B's efficiency: the saving is partly a "
               "kernel artefact";
    case IB_FA_FACTORED_SLOW:
        return "; B's kernels run below 80% of A's efficiency: the saving is understated by "
               "slow kernels";
    default:
        return "";
    }
}

/* "5 rounds", or "8 rounds, the cap" when the pair is still open after the most allowed. */
static const char *rounds_note(int rounds, const ib_fpair *p, int cap, char *buf, int len)
{
    snprintf(buf, (size_t)len, "%d round%s%s", rounds, rounds == 1 ? "" : "s",
             rounds >= cap && ib_fpair_open(p) ? ", the cap" : "");
    return buf;
}

/* The lines of one (case, family): times, then the saving and its decomposition. */
static void print_family(FILE *out, const char *fam, const ib_fform_time *ra,
                         const ib_fform_time *rb, const ib_fpair *p, int ok, int cap)
{
    char rn[40];
    char a[96], b[96], s[16], lo[16], hi[16], w[16], rl[16];
    fprintf(out, "    %-8s %s | %s\n", fam, fmt_form(ra, p, 0, a, sizeof a),
            fmt_form(rb, p, 1, b, sizeof b));
    if (!ok) {
        const ib_fform_time *bad = ra->state != 1 ? ra : rb;
        fprintf(out, "             (%s)\n", bad->why[0] ? bad->why : "not timed");
        return;
    }
    /* the realized fraction's interval: the saving's over the work saving, so that a small
     * work saving's realized fraction is read with the spread it inherits */
    char ri[40] = "", rlo[16], rhi[16];
    if (isfinite(p->realized)) {
        const double r1 = p->saving_lo / p->work_saving, r2 = p->saving_hi / p->work_saving;
        snprintf(ri, sizeof ri, " [%s, %s]", fmt_pct(r1 < r2 ? r1 : r2, rlo, sizeof rlo, 0),
                 fmt_pct(r1 < r2 ? r2 : r1, rhi, sizeof rhi, 0));
    }
    /* "1 - (1 - 10.2% work)", or "1 - (1 + 227.1% work ...)" when B's algorithms do more */
    fprintf(out,
            "             saving %s [%s, %s] = 1 - (1 %c %s work%s) x %.2f efficiency A/B; "
            "realized %s%s: %s (%s)%s\n",
            fmt_pct(p->saving, s, sizeof s, 1), fmt_pct(p->saving_lo, lo, sizeof lo, 1),
            fmt_pct(p->saving_hi, hi, sizeof hi, 1), p->work_saving < 0 ? '+' : '-',
            fmt_pct(fabs(p->work_saving), w, sizeof w, 0),
            p->work_on_algo ? " by the algorithms run" : "", p->eff_ratio,
            fmt_pct(p->realized, rl, sizeof rl, 0), ri, ib_fverdict_name(p->verdict),
            rounds_note(ra->rounds, p, cap, rn, sizeof rn), artefact_note(p->artefact));
    if (p->peak_a > 1.02 || p->peak_b > 1.02)
        fprintf(out,
                "             WARNING: above 102%% of the FMA peak: the FMA probe (%.1f GFLOP/s "
                "here) was disturbed or the work count is wrong; these %%peak figures are "
                "not trustworthy\n",
                ra->peak * 1e-9);
    if (ra->kernel[0] || rb->kernel[0])
        fprintf(out, "             kernels: A %s; B %s\n", ra->kernel[0] ? ra->kernel : "-",
                rb->kernel[0] ? rb->kernel : "-");
}

static void print_sweep_row(FILE *out, const ib_fcase *c, const char *fam, const ib_fpair *p,
                            int ok, int rounds)
{
    char w[16], s[16], lo[16], hi[16], rl[16];
    /* the work saving the row's realized fraction divides by: the algorithms' it ran */
    fprintf(out, "%-22.22s %4d %4d %7s  %-8s", c->pair_name, c->grid, c->channels,
            fmt_pct(ok ? p->work_saving : ib_fcase_theory_exec(c), w, sizeof w, 0), fam);
    if (!ok) {
        fprintf(out, "  n/a\n");
        return;
    }
    fprintf(out, " %7s [%7s, %7s] %6.2f %7s %6d  %s\n", fmt_pct(p->saving, s, sizeof s, 1),
            fmt_pct(p->saving_lo, lo, sizeof lo, 1), fmt_pct(p->saving_hi, hi, sizeof hi, 1),
            p->eff_ratio, fmt_pct(p->realized, rl, sizeof rl, 0), rounds,
            ib_fverdict_name(p->verdict));
}

static const char *csv_head =
    "pair,pair_name,case,grid,channels,form_a,form_b,impl,threads,reps,rounds,macs_a,macs_b,"
    "macs_exec_a,macs_exec_b,params_a,params_b,theory,theory_exec,med_a,lo_a,hi_a,med_b,lo_b,"
    "hi_b,peak_frac_a,peak_frac_b,measured,measured_lo,measured_hi,work_saving_run,eff_ratio,"
    "realized,verdict,"
    "artefact,kernel_a,kernel_b,fastest_a,fastest_b,fastest,fastest_lo,fastest_hi,fastest_"
    "verdict\n";

/* A row's fastest-algorithm columns: the algorithm (family) each form ran, the saving
 * [interval] and its verdict; empty where fam has no Winograd sibling (f NULL). */
static void csv_fastest(FILE *csv, const char *fam, const char *wino, const ib_ffast *f)
{
    ib_csv_put(csv, !f ? "" : f->fast_a ? wino : fam, ',');
    ib_csv_put(csv, !f ? "" : f->fast_b ? wino : fam, ',');
    ib_csv_num(csv, f ? f->p.saving : NAN, 6, ',');
    ib_csv_num(csv, f ? f->p.saving_lo : NAN, 6, ',');
    ib_csv_num(csv, f ? f->p.saving_hi : NAN, 6, ',');
    ib_csv_put(csv, f ? ib_fverdict_name(f->p.verdict) : "", '\n');
}

static void csv_row(FILE *csv, const ib_fcase *c, const char *fam, int threads,
                    const ib_fform_time *ra, const ib_fform_time *rb, const ib_fpair *p, int ok)
{
    fprintf(csv, "%d,", c->pair);
    ib_csv_put(csv, c->pair_name, ',');
    ib_csv_put(csv, c->name, ',');
    fprintf(csv, "%d,%d,", c->grid, c->channels);
    ib_csv_put(csv, c->a.name, ',');
    ib_csv_put(csv, c->b.name, ',');
    ib_csv_put(csv, fam, ',');
    fprintf(csv, "%d,%d,%d,%lld,%lld,%lld,%lld,%lld,%lld,%.6f,%.6f,", threads, ra->t.reps,
            ra->rounds, (long long)c->a.macs, (long long)c->b.macs, (long long)c->a.macs_exec,
            (long long)c->b.macs_exec, (long long)c->a.params, (long long)c->b.params,
            ib_fcase_theory(c), ib_fcase_theory_exec(c));
    const double nan = NAN;
    const double v[] = {ok ? p->med_a : nan,  ok ? p->lo_a : nan,  ok ? p->hi_a : nan,
                        ok ? p->med_b : nan,  ok ? p->lo_b : nan,  ok ? p->hi_b : nan,
                        ok ? p->peak_a : nan, ok ? p->peak_b : nan};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ib_csv_num(csv, v[i], 6, ',');
    /* measured as "12.3%", as the report reads it; the other fractions plain */
    char m[16] = "";
    if (ok)
        snprintf(m, sizeof m, "%.1f%%", p->saving * 100);
    ib_csv_put(csv, m, ',');
    ib_csv_num(csv, ok ? p->saving_lo : nan, 6, ',');
    ib_csv_num(csv, ok ? p->saving_hi : nan, 6, ',');
    ib_csv_num(csv, ok ? p->work_saving : nan, 6, ',');
    ib_csv_num(csv, ok ? p->eff_ratio : nan, 6, ',');
    ib_csv_num(csv, ok ? p->realized : nan, 6, ',');
    ib_csv_put(csv, ok ? ib_fverdict_name(p->verdict) : "", ',');
    ib_csv_put(csv,
               !ok                                  ? ""
               : p->artefact == IB_FA_BASE_SLOW     ? "base kernels slow"
               : p->artefact == IB_FA_FACTORED_SLOW ? "factored kernels slow"
                                                    : "",
               ',');
    ib_csv_put(csv, ra->kernel, ',');
    ib_csv_put(csv, rb->kernel, ',');
}

/* The sum over the layers of form f of per_layer(the implementation family fam runs it with,
 * the layer). */
static double form_sum(const char *fam, const ib_form *f,
                       double (*per_layer)(const ib_impl *, const ib_desc *))
{
    double sum = 0;
    for (int i = 0; i < f->n; i++)
        sum += per_layer(ib_registry_family_impl(fam, &f->d[i]), &f->d[i]);
    return sum;
}

/* 1 when family fam runs a layer of f with its own implementation (not a fallback). */
static int form_runs_own(const char *fam, const ib_form *f)
{
    for (int i = 0; i < f->n; i++) {
        const ib_impl *im = ib_registry_family_impl(fam, &f->d[i]);
        if (im && strcmp(im->name, fam) == 0)
            return 1;
    }
    return 0;
}

/* The Winograd sibling of direct family fam[j] (wino_X beside X) among the families, -1 when
 * there is none. */
static int wino_sibling(const char **fam, int nfam, int j)
{
    for (int k = 0; k < nfam; k++)
        if (strncmp(fam[k], "wino_", 5) == 0 && strcmp(fam[k] + 5, fam[j]) == 0)
            return k;
    return -1;
}

/* Family j's fastest-algorithm saving: each form on the faster of j and its Winograd sibling
 * by measured median (a form with no layer Winograd suits runs directly on both, so it stays
 * direct). 1 when computed into r, else 0 (no sibling, or either family not measured). */
static int fastest_of(const ib_fcase *c, const char **fam, int nfam, int j, const ib_fpair_in *in,
                      const int *ok, ib_ffast *r)
{
    const int k = wino_sibling(fam, nfam, j);
    if (k < 0 || !ok[j] || !ok[k])
        return 0;
    return ib_ffast_analyze(&in[j], &in[k], form_runs_own(fam[k], &c->a),
                            form_runs_own(fam[k], &c->b), r) == 0;
}

/* Per ISA with a Winograd family: the saving with each form on its fastest algorithm beside
 * the direct-only one, and whether the factorization still pays once the 3x3 can be
 * Winograd. */
static void print_fastest(FILE *out, const char *fam, const char *wino, const ib_fpair *direct,
                          const ib_ffast *f)
{
    char s1[16], l1[16], h1[16], s2[16], l2[16], h2[16];
    const ib_fpair *p = &f->p;
    fprintf(out,
            "    fastest  %s: A on %s, B on %s: saving %s [%s, %s] %s; direct only %s [%s, %s] "
            "%s\n",
            fam, f->fast_a ? wino : fam, f->fast_b ? wino : fam,
            fmt_pct(p->saving, s1, sizeof s1, 1), fmt_pct(p->saving_lo, l1, sizeof l1, 1),
            fmt_pct(p->saving_hi, h1, sizeof h1, 1), ib_fverdict_name(p->verdict),
            fmt_pct(direct->saving, s2, sizeof s2, 1), fmt_pct(direct->saving_lo, l2, sizeof l2, 1),
            fmt_pct(direct->saving_hi, h2, sizeof h2, 1), ib_fverdict_name(direct->verdict));
}

/* The inputs of the analysis of case c on family fam. */
static ib_fpair_in pair_input(const ib_fcase *c, const char *fam, const ib_fform_time *fa,
                              const ib_fform_time *fb)
{
    return (ib_fpair_in){.ta = fa->on_cpu ? fa->t.cpu_samples : fa->t.samples,
                         .tb = fb->on_cpu ? fb->t.cpu_samples : fb->t.samples,
                         .na = fa->t.reps,
                         .nb = fb->t.reps,
                         .work_a = (double)c->a.macs_exec,
                         .work_b = (double)c->b.macs_exec,
                         .work_nom_a = (double)c->a.macs,
                         .work_nom_b = (double)c->b.macs,
                         .peak = fa->peak,
                         /* the FLOPs %peak counts, and the MACs the algorithms execute */
                         .peak_work_a = form_sum(fam, &c->a, ib_impl_peak_flops) / 2,
                         .peak_work_b = form_sum(fam, &c->b, ib_impl_peak_flops) / 2,
                         .ends_a = fa->ends,
                         .ends_b = fb->ends,
                         .rounds = fa->rounds < fb->rounds ? fa->rounds : fb->rounds,
                         .algo_work_a = form_sum(fam, &c->a, ib_impl_algo_macs),
                         .algo_work_b = form_sum(fam, &c->b, ib_impl_algo_macs)};
}

/* The analysis of case c on family fam into p; 1 when both forms were timed and analysed. */
static int analyze(const ib_fcase *c, const char *fam, const ib_fform_time *fa,
                   const ib_fform_time *fb, ib_fpair_in *in, ib_fpair *p)
{
    *in = pair_input(c, fam, fa, fb);
    *p = (ib_fpair){0};
    return fa->state == 1 && fb->state == 1 && ib_fpair_analyze(in, p) == 0;
}

/* 1 when more rounds could settle a verdict of the case: some family's is open. */
static int case_open(const ib_fcase *c, const char **fam, int nfam, const ib_fform_time *fa,
                     const ib_fform_time *fb)
{
    for (int k = 0; k < nfam; k++) {
        ib_fpair_in in;
        ib_fpair p;
        if (analyze(c, fam[k], &fa[k], &fb[k], &in, &p) && ib_fpair_open(&p))
            return 1;
    }
    return 0;
}

/* The rounds a case may take: --rounds, and up to --max-rounds while the case is open. */
static int rounds_cap(const ib_run_opts *o)
{
    return (int)(o->max_rounds > o->rounds ? o->max_rounds : o->rounds);
}

/* The rounds every case of the sweep, or of the pairs, takes, and the most an open case may. */
static int rounds_of(const ib_run_opts *o, int sweep)
{
    return sweep && o->rounds > SWEEP_ROUNDS ? SWEEP_ROUNDS : (int)o->rounds;
}

static int cap_of(const ib_run_opts *o, int sweep)
{
    return sweep ? rounds_of(o, sweep) : rounds_cap(o);
}

/* Every case measured in its rounds (all cases once per round, each round on fresh
 * instances and, when pinned, on the next CPU), so each case's repetitions are spread over the
 * run and over memory placements; then, sequentially, the cases still open
 * get more rounds, up to the cap; then analysed and printed. */
static int run_cases(const ib_run_opts *o, ib_run_env *env, FILE *out, const ib_fcase *cases, int n,
                     const char **fam, int nfam, FILE *csv, ib_gbjson *js, int sweep)
{
    const int threads = env->threads;
    int rc = 0;
    ib_fform_time *ra = calloc(2 * (size_t)n * MAX_FAM, sizeof *ra);
    ib_fform_time *rb = ra ? ra + (size_t)n * MAX_FAM : NULL;
    int *open = calloc((size_t)n, sizeof *open);
    if (!ra || !open) {
        fprintf(stderr, "incbench %s: out of memory\n", o->cmd);
        free(ra);
        free(open);
        return 2;
    }
    const int rounds = rounds_of(o, sweep), cap = cap_of(o, sweep);
    int more = n;
    for (int r = 0; r < cap && more && rc != 2; r++) {
        ib_run_env_round(env, r);
        for (int i = 0; i < n && rc != 2; i++) {
            const ib_fcase *c = &cases[i];
            if (r >= rounds && !open[i])
                continue;
            if (r < rounds)
                ib_progress(o, r * n + i + 1, rounds * n, "%sround %d/%d %s | %s",
                            sweep ? "sweep " : "", r + 1, rounds, c->pair_name, c->name);
            else
                ib_progress(o, r + 1, cap, "%sextra round, still open: %s | %s",
                            sweep ? "sweep " : "", c->pair_name, c->name);
            int q = ib_factor_measure(o, sweep ? "sweep" : "factor", c, fam, nfam, threads, r,
                                      ra + (size_t)i * MAX_FAM, rb + (size_t)i * MAX_FAM);
            rc = q > rc ? q : rc;
        }
        if (r + 1 < rounds)
            continue;
        more = 0;
        for (int i = 0; i < n; i++) {
            open[i] =
                case_open(&cases[i], fam, nfam, ra + (size_t)i * MAX_FAM, rb + (size_t)i * MAX_FAM);
            more += open[i];
        }
    }
    free(open);
    if (sweep && out && rc != 2)
        fprintf(out, "\n%-22s %4s %4s %7s  %-8s %7s [%-16s] %6s %7s %6s  %s\n", "pair", "grid", "C",
                "work", "impl", "saving", "95% interval", "eff", "realized", "rounds", "verdict");
    for (int i = 0; i < n && rc != 2; i++) {
        const ib_fcase *c = &cases[i];
        const ib_fform_time *fa = ra + (size_t)i * MAX_FAM, *fb = rb + (size_t)i * MAX_FAM;
        if (out && !sweep)
            print_case_head(out, c);
        ib_fpair pk[MAX_FAM];
        ib_fpair_in ins[MAX_FAM];
        int okk[MAX_FAM];
        for (int k = 0; k < nfam; k++) {
            okk[k] = analyze(c, fam[k], &fa[k], &fb[k], &ins[k], &pk[k]);
            const ib_fpair *p = &pk[k];
            if (out && !sweep)
                print_family(out, fam[k], &fa[k], &fb[k], p, okk[k], cap);
            if (out && sweep)
                print_sweep_row(out, c, fam[k], p, okk[k], ins[k].rounds);
            if (js && okk[k]) {
                const ib_form *fs[2] = {&c->a, &c->b};
                const ib_fform_time *rr[2] = {&fa[k], &fb[k]};
                for (int s = 0; s < 2; s++)
                    ib_gbjson_add(js, rr[s]->name, &rr[s]->t,
                                  form_sum(fam[k], fs[s], ib_impl_peak_flops), rr[s]->peak,
                                  rr[s]->kernel);
            }
        }
        for (int k = 0; k < nfam; k++) {
            ib_ffast f;
            const int w = wino_sibling(fam, nfam, k);
            const int has = fastest_of(c, fam, nfam, k, ins, okk, &f);
            if (out && !sweep && has)
                print_fastest(out, fam[k], fam[w], &pk[k], &f);
            if (csv) {
                csv_row(csv, c, fam[k], threads, &fa[k], &fb[k], &pk[k], okk[k]);
                csv_fastest(csv, fam[k], has ? fam[w] : "", has ? &f : NULL);
            }
        }
        if (out)
            fflush(out);
    }
    free(ra);
    return rc;
}

/* Keeps the cases --pair and --case select, in order; returns how many. */
static int select_cases(const ib_run_opts *o, ib_fcase *cases, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        char line[240];
        snprintf(line, sizeof line, "%s | %s", cases[i].pair_name, cases[i].name);
        if ((o->pair && cases[i].pair != o->pair) ||
            (o->fcase && !ib_layer_matches(o->fcase, line)))
            continue;
        if (k != i)
            cases[k] = cases[i];
        k++;
    }
    return k;
}

/* The cases of the run: the user's shapes' counterparts, or pairs 1-7 on the real shapes. */
static int build_cases(const ib_run_opts *o, ib_fcase *cases, ib_err *e)
{
    if (!o->nshapes) {
        const int n = ib_factor_cases(o->batch, o->quick, cases, MAX_CASES, e);
        return n < 0 ? n : select_cases(o, cases, n);
    }
    int n = 0;
    for (int i = 0; i < o->nshapes && n >= 0; i++) {
        int k = ib_factor_user_cases(o->shapes[i].name, &o->shapes[i].desc, cases + n,
                                     MAX_CASES - n, e);
        if (k == 0)
            fprintf(stderr,
                    "incbench %s: %s: no factorization applies (a square kernel "
                    "of 3 or more, stride 1, 'valid' or 'same' padding)\n",
                    o->cmd, o->shapes[i].name);
        n = k < 0 ? -1 : n + k;
    }
    return n < 0 ? n : select_cases(o, cases, n);
}

static void print_head(const ib_run_opts *o, FILE *out, int threads, int pinned)
{
    const ib_cpu *cpu = ib_cpu_get();
    char ld[160];
    fprintf(out, "Factorization report: %d thread%s%s, %s, batch %lld, %s\n", threads,
            threads > 1 ? "s" : "", pinned ? " pinned to one CPU" : "", cpu->model,
            (long long)o->batch, ib_load_note(threads, ld, sizeof ld));
    fprintf(out,
            "Forms A (base) and B (factorized) of each pair are verified against the reference,\n"
            "then timed through Google Benchmark in %lld rounds (each with fresh instances%s),\n"
            "each round %lld repetitions of at least %.3g s, A's and B's interleaved at random,\n"
            "%s time. Times: median [95%% interval of the median] of all repetitions.\n"
            "%%peak: executed (non-padding) FLOPs over the FMA peak of the ISA the\n"
            "implementation runs, measured at %d thread%s. saving = 1 - time(B)/time(A): per\n"
            "round the Hodges-Lehmann ratio of the faster half of its interleaved repetitions\n"
            "of each form (other work only adds time; what slows the machine for a while slows\n"
            "both forms alike), over the rounds (the independent units) the Hodges-Lehmann\n"
            "centre [95%% Wilcoxon signed-rank interval]; with fewer than 6 rounds the Moses\n"
            "interval of the pooled repetitions; its\n"
            "decomposition: saving = 1 - (1 - work saving on executed MACs) x (efficiency of\n"
            "A's kernels / B's), the MACs those of the algorithm each layer runs (Winograd's\n"
            "element-wise products: 'work by the algorithms run'). realized = saving / work\n"
            "saving [its interval: the saving's over the work saving, wide where little work\n"
            "is saved]; where B's algorithms do more work, the part of it that shows as time.\n"
            "Verdict, on the estimate: 'negligible' under 1%% either way; 'negligible or pays'\n"
            "('or does not pay here') within 1 point of the 2%% line, how far estimates move\n"
            "between runs: a saving on the line gets both names, not one that flips from run\n"
            "to run; else 'not significant' when the interval contains 0, 'does not pay here'\n"
            "when below 0, 'pays' above. How much of the theory is realized is the number. A\n"
            "pair not significant, or whose interval spans more than %d%% of the work saving\n"
            "(realized +-%.2f), gets more rounds, up to %d. Pools and concats count no FLOPs.\n",
            (long long)o->rounds, pinned ? ", on the next allowed CPU" : "", (long long)o->reps,
            o->min_time, threads > 1 ? "wall" : "CPU", threads, threads > 1 ? "s" : "",
            IB_FPAIR_PRECISION_PCT, IB_FPAIR_PRECISION_PCT / 200.0, rounds_cap(o));
}

static int factor_job(const ib_run_opts *o, FILE *out, ib_run_env *env)
{
    if (o->reps * o->rounds < MIN_REPS) {
        fprintf(stderr,
                "incbench %s: --repetitions %lld x --rounds %lld is too few: a 95%% interval "
                "of the median needs at least %d\n",
                o->cmd, (long long)o->reps, (long long)o->rounds, MIN_REPS);
        return 2;
    }
    if (o->reps * rounds_cap(o) > IB_MAX_REPS) {
        fprintf(stderr,
                "incbench %s: --repetitions %lld x --max-rounds %d is more than the %d "
                "repetitions a form can hold\n",
                o->cmd, (long long)o->reps, rounds_cap(o), IB_MAX_REPS);
        return 2;
    }
    const int threads = env->threads;
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
    const int n = build_cases(o, cases, &e);
    if (n < 0) {
        fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
        free(cases);
        return 2;
    }
    if (n == 0 && !o->sweep && (o->pair || o->fcase)) {
        fprintf(stderr,
                "incbench %s: no case matches --pair/--case ('incbench factor --help' "
                "lists the pairs)\n",
                o->cmd);
        free(cases);
        return 2;
    }
    /* every results file opened before the work: one that cannot be written is an error */
    FILE *csv = NULL, *sc = NULL;
    ib_gbjson js = {0}, *jsp = NULL;
    if (o->out) {
        if ((csv = ib_results_open(o->out, "factor.csv")) != NULL &&
            (!o->sweep || (sc = ib_results_open(o->out, "sweep.csv")) != NULL) &&
            ib_gbjson_begin(&js, o->out, "factor.json", threads, threads > 1) == 0) {
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
    if (out)
        print_head(o, out, threads, env->pinned);
    if (csv)
        fputs(csv_head, csv);
    if (sc)
        fputs(csv_head, sc);
    int rc = n ? run_cases(o, env, out, cases, n, fam, nfam, csv, jsp, 0) : 0;
    if (csv)
        fclose(csv);
    if (rc != 2 && o->sweep) {
        int m = ib_factor_sweep_cases(o->batch, o->quick, cases, MAX_CASES, &e);
        m = m < 0 ? m : select_cases(o, cases, m);
        if (out)
            fprintf(out,
                    "\nSweep of pairs 1-3 (C -> C, 'same' padding): where the work saving is "
                    "realized.\nThe paper advises asymmetric factorization on 12..20 grids "
                    "only. work: saving on the MACs the family's algorithms\nexecute; eff: "
                    "efficiency A/B. A map: %d rounds per case, no extra rounds for open ones.\n",
                    rounds_of(o, 1));
        int r = m < 0 ? 2 : run_cases(o, env, out, cases, m, fam, nfam, sc, jsp, 1);
        if (m < 0)
            fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
        rc = r > rc ? r : rc;
    }
    if (sc)
        fclose(sc);
    ib_gbjson_end(&js);
    char ld[160];
    if (out && strstr(ib_load_note(threads, ld, sizeof ld), "BUSY"))
        fprintf(out,
                "\nAt the end of the run: %s; repeat on an idle machine before trusting "
                "small differences.\n",
                ld);
    free(cases);
    return rc;
}

int ib_factor_job(const ib_run_opts *o, FILE *out)
{
    ib_run_env env; /* a question about factorization, not about threads: 1 pinned thread */
    ib_run_env_begin(o, &env);
    const int rc = factor_job(o, out, &env);
    ib_run_env_end(&env);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench factor [--sweep] [--impl LIST] [--shape DESC]... [options]\n\n"
               "The factorization report: for each pair, on Inception-v3's real shapes and at\n"
               "equal filter counts, the MACs (nominal and executed) and parameters of both\n"
               "forms, the work saving, and per implementation the time of both forms (median\n"
               "and 95%% interval of repetitions interleaved at random; every layer verified\n"
               "first), their %%peak on executed work, the measured saving with its interval,\n"
               "its decomposition into work saved x efficiency ratio, and a verdict. One\n"
               "thread, pinned, unless --threads says otherwise. Pairs: 1 5x5 vs 3x3->3x3;\n"
               "2 3x3 vs 1x3->3x1; 3 7x7 vs 1x7->7x1; 4 3x3 vs 2x2->2x2; 5 grid reduction\n"
               "(conv->pool vs pool->conv and vs the parallel stride-2 branches, Mixed_6a/7a);\n"
               "6 whole modules (kxk vs 3x3 chains vs 1xk->kx1); 7 batch-norm and ReLU fused\n"
               "into the conv vs separate. --sweep adds pairs 1-3 over grids 8..35 and two\n"
               "channel counts. With --shape, your square convolutions get their 3x3/2x2 chain\n"
               "and 1xk->kx1 counterparts.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(factor));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(factor, 0, 0, usage);

int ib_cmd_factor(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "factor");
    o.reps = FACTOR_REPS;
    o.min_time = FACTOR_MIN_TIME;
    int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    return ib_factor_job(&o, stdout);
}
