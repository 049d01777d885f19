/* The check of incbench regress's checker on real layers of the Inception-v3 table (Mixed_5b:
 * two 1x1 convolutions, the average pooling, the concat, BN and ReLU), run as the command runs
 * them with its defaults: a baseline of 5 processes x 12 repetitions, checks of 3 processes x
 * 12, the program re-executed for each process. A/A (the same code) must not be flagged; A/B
 * (a planted 20% slowdown in the ReLU) must be flagged there and nowhere else.
 * IB_REGRESS_AA_TRIALS=N and IB_REGRESS_SWEEP=1 (slowdowns of 5/10/15/20%) measure the
 * false-alarm and detection rates. Ends with "N passed, N failed". */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/inception_v3.h"
#include "core/registry.h"
#include "harness/cases.h"
#include "harness/gbench.h"
#include "harness/verify.h"
#include "regress/regress.h"
#include "regress/regress_io.h"
#include "regress/regress_procs.h"
#include "tests/check.h"
#include "tests/extras.h"
#include "tests/planted_slowdown.h"

/* Under sanitizers the same checks run once, with the ReLU planted 100% slower: instrumented
 * code varies by 30-50% from one process to the next, which hides 20% (the detect column says
 * so), and there the check is of the processes' machinery; the native run checks the 20%. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif
enum { PLANT = SANITIZED ? 100 : 20 };

/* The shipped defaults except the time per repetition: 20 ms instead of 50 keeps the whole
 * check near half a minute on two busy cores; each benchmark still runs tens to thousands of
 * calls per repetition. IB_REGRESS_MIN_TIME changes it. */
static double MIN_TIME = 0.02;
static int REPS = IB_RG_DEFAULT_REPS;
#define PLANTED_LAYER "Mixed_5b.branch1x1" /* its ReLU */

static char dir[] = "/tmp/incbench-regress-ab-XXXXXX";
static ib_instance *live[16]; /* the registered instances, destroyed after the run */
static int nlive;
static char key[128], planted_name[128];

static int run_instance(void *ctx, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++)
        if (ib_instance_run(ctx) != IB_OK)
            return 1;
    return 0;
}

/* The fastest family that runs here: the measured kernels are real ones. */
static const char *family(void)
{
    static const char *const order[] = {"avx2", "neon"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const ib_impl *im = ib_registry_lookup(IB_OP_CONV, order[i]);
        const char *why;
        if (im && ib_impl_usable(im, &why))
            return order[i];
    }
    return "ref";
}

/* Verifies impl on d and registers it as "OP/LAYER/FAMILY" (the name incbench bench uses). */
static int add(const char *layer, const ib_desc *d0, const ib_impl *impl)
{
    ib_desc d = *d0;
    ib_vcase vc;
    ib_err e = {{0}};
    ib_instance *inst = NULL;
    ib_verify_result r;
    char name[160];
    if (!impl || ib_desc_validate(&d, &e) != IB_OK || ib_vcase_init(&vc, &d, 7, &e) != IB_OK) {
        fprintf(stderr, "setup: %s: %s\n", layer, impl ? e.msg : "no implementation");
        return 0;
    }
    int ok = ib_vcase_verify_impl(&vc, impl, &inst, &r, &e) == IB_OK && r.ok;
    ib_vcase_free(&vc);
    if (!ok) {
        fprintf(stderr, "setup: %s %s does not verify: %s %s\n", layer, impl->name, e.msg, r.msg);
        return 0;
    }
    snprintf(name, sizeof name, "%s/%s/%s", ib_op_name(d.op), layer, family());
    ib_gb_bench b = {.name = name, .fn = run_instance, .ctx = inst};
    if (nlive == (int)(sizeof live / sizeof live[0]) || ib_gb_register(&b) != 0) {
        ib_instance_destroy(inst);
        return 0;
    }
    live[nlive++] = inst;
    return 1;
}

/* The child: one process of a run. The benchmarks, from the Inception-v3 table; the ReLU
 * planted with pct% extra calls when pct > 0. gb: Google Benchmark's flags. */
static int child_run(int pct, int argc, char **gb)
{
    static const char *const convs[] = {"Mixed_5b.branch1x1", "Mixed_5b.branch_pool"};
    const char *fam = family();
    ib_net net;
    ib_err e = {{0}};
    if (ib_inception_v3_build(1, &net, &e) != IB_OK) {
        fprintf(stderr, "setup: %s\n", e.msg);
        return 2;
    }
    ib_planted_set(fam, pct);
    omp_set_num_threads(1); /* as incbench regress runs them: one pinned thread */
    int ok = 1;
    for (int i = 0; i < net.count && ok; i++) {
        const ib_layer *l = &net.layers[i];
        const ib_desc *d = &l->desc;
        const int conv =
            d->op == IB_OP_CONV && (!strcmp(l->name, convs[0]) || !strcmp(l->name, convs[1]));
        if (conv || (d->op == IB_OP_CONCAT && !strcmp(l->name, "Mixed_5b.concat")) ||
            (d->op == IB_OP_AVGPOOL && !strcmp(l->name, "Mixed_5b.avg_pool")))
            ok = add(l->name, d, ib_registry_lookup(d->op, fam));
        if (ok && conv && !strcmp(l->name, PLANTED_LAYER)) { /* BN and ReLU on its output */
            ib_desc bn, relu;
            ib_conv_output_problems(&d->conv, &bn, &relu);
            ok = add(l->name, &bn, ib_registry_lookup(IB_OP_BN, fam)) &&
                 add(l->name, &relu,
                     ib_registry_lookup(IB_OP_RELU, pct > 0 ? IB_PLANTED_NAME : fam));
        }
    }
    ib_net_free(&net);
    if (!ok) {
        for (int i = 0; i < nlive; i++)
            ib_instance_destroy(live[i]);
        return 2;
    }
    if (!freopen("/dev/null", "w", stdout)) /* the console table nobody reads */
        return 2;
    ib_gb_init(&argc, gb);
    ib_gb_run();
    const int rc = ib_gb_errors() ? 2 : 0;
    ib_gb_shutdown();
    for (int i = 0; i < nlive; i++)
        ib_instance_destroy(live[i]);
    return rc;
}

/* One run of procs processes of this program, pct% planted; the merged report in *doc. */
static int measure(int pct, int procs, ib_json **doc)
{
    char pcts[16];
    snprintf(pcts, sizeof pcts, "%d", pct);
    char *argv[] = {"test_regress_ab", "--child", pcts};
    ib_err e = {{0}};
    if (ib_rg_run_procs("/proc/self/exe", argv, 3, procs, REPS, MIN_TIME, doc, &e) != IB_OK ||
        ib_rg_stamp(*doc, ib_cpu_get(), 0, &e) != IB_OK) {
        printf("measurement failed: %s\n", e.msg);
        ib_json_free(*doc);
        *doc = NULL;
        return 0;
    }
    return 1;
}

/* Adds a one-process run, pct% planted, as process k of the report *doc, as the command
 * merges the processes of a run. */
static int add_process(ib_json **doc, int pct, int k)
{
    ib_json *one = NULL;
    ib_err e = {{0}};
    int ok = measure(pct, 1, &one) && ib_rg_merge(doc, one, k, &e) == IB_OK;
    if (!ok)
        printf("a measuring process failed: %s\n", e.msg);
    return ok;
}

/* Measures docs[0] (a baseline: IB_RG_DEFAULT_BASE_PROCS processes), docs[1] (the planted
 * check) and docs[2..n-1] (A/A checks), IB_RG_DEFAULT_CHECK_PROCS processes each, their
 * processes taking turns (B AA AA AB B AA AA AB B): the slow drift of a shared machine (other
 * jobs come and go over seconds) then falls on every side alike, and the test checks the
 * checker, not the machine's steadiness. */
enum { MAXDOCS = 16 }; /* the baseline, the A/B check and at most 14 A/A checks */

static int interleaved(ib_json **docs, int n, int plant)
{
    int need[MAXDOCS], left[MAXDOCS], ok = n <= MAXDOCS;
    for (int d = 0; d < n && ok; d++)
        need[d] = left[d] = d == 0 ? IB_RG_DEFAULT_BASE_PROCS : IB_RG_DEFAULT_CHECK_PROCS;
    while (ok) {
        int next = -1; /* the one with the largest share of its processes still to run */
        for (int d = 0; d < n; d++)
            if (left[d] > 0 && (next < 0 || left[d] * need[next] > left[next] * need[d]))
                next = d;
        if (next < 0)
            break;
        ok = add_process(&docs[next], next == 1 ? plant : 0, need[next] - left[next]);
        left[next]--;
    }
    return ok;
}

/* Saves the baseline as --record does (processes counted, written atomically) and loads it
 * back with the command's checks (at least 3 processes among them). */
static int save_baseline(ib_json *doc, int procs, const char *path)
{
    char n[16];
    ib_json *back = NULL;
    ib_err e = {{0}};
    snprintf(n, sizeof n, "%d", procs);
    int ok = ib_json_set_str((ib_json *)ib_json_get(doc, "context"), "incbench_processes", n, &e) ==
                 IB_OK &&
             ib_rg_baseline_save(path, doc, 1, &e) == IB_OK &&
             ib_rg_baseline_load(path, key, &back, &e) == IB_OK;
    if (!ok)
        printf("saving the baseline failed: %s\n", e.msg);
    ib_json_free(back);
    return ok;
}

/* Compares a check's report cur with the baseline as the command does; the report in *r. */
static int compare(const char *base_path, const ib_json *cur, ib_rg_report *r, int verbose)
{
    ib_json *base = NULL;
    ib_rg_set sb = {0}, sc = {0};
    ib_err e = {{0}};
    ib_rg_opts o = {IB_RG_DEFAULT_THRESHOLD, IB_RG_DEFAULT_ALPHA, 0, 0};
    int ok = cur && ib_rg_baseline_load(base_path, key, &base, &e) == IB_OK &&
             ib_rg_check_config(base, cur, &e) == IB_OK &&
             ib_rg_samples(base, 0, &sb, &e) == IB_OK && ib_rg_samples(cur, 0, &sc, &e) == IB_OK &&
             ib_rg_compare(&sb, &sc, &o, r, &e) == IB_OK;
    if (!ok)
        printf("compare failed: %s\n", cur ? e.msg : "the check did not run");
    else if (verbose)
        ib_rg_print(stdout, r, &o);
    ib_rg_set_free(&sb);
    ib_rg_set_free(&sc);
    ib_json_free(base);
    return ok;
}

static const ib_rg_row *row_of(const ib_rg_report *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->rows[i].name, name))
            return &r->rows[i];
    return NULL;
}

static int env_int(const char *name, int fallback)
{
    const char *v = getenv(name);
    return v && atoi(v) > 0 ? atoi(v) : fallback;
}

int main(int argc, char **argv)
{
    ib_test_register_extras();
    if (getenv("IB_REGRESS_MIN_TIME"))
        MIN_TIME = atof(getenv("IB_REGRESS_MIN_TIME"));
    REPS = env_int("IB_REGRESS_REPS", REPS);
    if (argc >= 3 && !strcmp(argv[1], "--child")) {
        const int pct = atoi(argv[2]);
        argv[2] = argv[0]; /* Google Benchmark's flags follow, after a program name */
        return child_run(pct, argc - 2, argv + 2);
    }
    ib_rg_cpu_key(ib_cpu_get(), key, sizeof key);
    snprintf(planted_name, sizeof planted_name, "relu/%s/%s", PLANTED_LAYER, family());
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char base[1100];
    snprintf(base, sizeof base, "%s/base.json", dir);
    const char *why = "";
    if (ib_rg_pin(-1, &why) < 0) /* the measuring processes inherit it, as the command's do */
        printf("not pinned: %s\n", why);
    printf("baseline %d processes x %d repetitions, checks %d processes x %d, %g s each, %s "
           "kernels of Mixed_5b\n",
           IB_RG_DEFAULT_BASE_PROCS, REPS, IB_RG_DEFAULT_CHECK_PROCS, REPS, MIN_TIME, family());

    /* A baseline recorded long before a check, as in use, needs a quiet machine (README);
     * here the baseline and the checks are measured in turns (interleaved). */
    int trials = env_int("IB_REGRESS_AA_TRIALS", SANITIZED ? 1 : 2);
    trials = trials < MAXDOCS - 2 ? trials : MAXDOCS - 2;
    ib_json *docs[MAXDOCS] = {NULL}; /* the baseline, the A/B check, the A/A checks */
    int ok = interleaved(docs, 2 + trials, PLANT) &&
             save_baseline(docs[0], IB_RG_DEFAULT_BASE_PROCS, base);
    ib_check(ok, "a baseline of %d processes recorded", IB_RG_DEFAULT_BASE_PROCS);
    ib_json *ab = docs[1], **aa = docs + 2;
    /* A/A: the same code again, in processes of its own, against the same baseline. */
    int alarms = 0, bench_alarms = 0, compared = 0;
    double worst = 0, mds = 0;
    for (int t = 0; t < trials; t++) {
        ib_rg_report r = {0};
        const int ran = compare(base, aa[t], &r, t == 0);
        ib_json_free(aa[t]);
        if (!ran) {
            ib_check(0, "A/A trial %d ran", t);
            continue;
        }
        alarms += r.count[IB_RG_SLOWER] > 0;
        bench_alarms += r.count[IB_RG_SLOWER];
        compared += r.n;
        mds = fmax(mds, r.mds_max);
        for (int i = 0; i < r.n; i++)
            worst = fmax(worst, r.rows[i].change);
        int status = ib_rg_exit_status(&r), n = r.n;
        if (status != 0) {
            /* A false alarm is allowed at rate alpha per check, so one flagged check is not
             * a defect of the checker; the test asks, as a user would, for a repeat, and
             * fails when the repeat flags too (two in a row: about alpha squared). */
            if (t > 0)
                ib_rg_print(stdout, &r, &(ib_rg_opts){0.05, 0.05, 0, 0});
            ib_rg_report_free(&r);
            r = (ib_rg_report){0};
            ib_json *again = NULL;
            measure(0, IB_RG_DEFAULT_CHECK_PROCS, &again);
            const int ran2 = compare(base, again, &r, 1);
            ib_json_free(again);
            printf("A/A trial %d flagged (exit status %d); its repeat: %s\n", t, status,
                   !ran2                   ? "did not run"
                   : ib_rg_exit_status(&r) ? "flagged too"
                                           : "not flagged");
            status = ran2 ? ib_rg_exit_status(&r) : 2;
            n = ran2 ? r.n : 0;
        }
        ib_check(status == 0 && n == 6,
                 "A/A trial %d: 6 benchmarks, none flagged, or a repeat of a flagged check "
                 "flags none (exit status %d)",
                 t, status);
        ib_rg_report_free(&r);
    }
    printf("A/A: %d of %d trials flagged (%d of %d benchmark comparisons); largest median "
           "change %+.1f%%; no regression larger than %.1f%% would have gone unflagged\n",
           alarms, trials, bench_alarms, compared, 100 * worst, 100 * mds);

    /* A/B: the planted slowdown must be flagged, there and nowhere else. On a busy machine one
     * check may lack the power to see it (the noise criterion then says "same"), and a
     * neighbour that comes or goes between the baseline and the check moves every later
     * check alike, so up to 5 more checks are made, each with a baseline of its own measured
     * in turns with it. Another benchmark flagged is a false alarm, allowed at rate alpha per
     * check as in the A/A trials: it fails the test when the next check flags it again, so a
     * check that flagged another benchmark is followed by one more. A check whose detectable
     * slowdown (the process-to-process noise of that hour) exceeds the plant said rightly that
     * it could not see it; the next plants 1.5 times that detectable slowdown (at most 100%),
     * so that what is checked is the checker's promise, "no regression larger than X% would
     * have gone unflagged". */
    int caught = 0, others = 0, attempts = 0, prev_others = 0, plant = PLANT, caught_plant = 0;
    while ((!caught || prev_others) && attempts < 6) {
        ib_rg_report r = {0};
        if (attempts++ > 0) {
            ib_json *pair[2] = {NULL, NULL};
            if (!interleaved(pair, 2, plant) ||
                !save_baseline(pair[0], IB_RG_DEFAULT_BASE_PROCS, base)) {
                ib_json_free(pair[0]);
                ib_json_free(pair[1]);
                break;
            }
            ib_json_free(pair[0]);
            ab = pair[1];
        }
        if (!compare(base, ab, &r, 1)) {
            ib_rg_report_free(&r);
            break;
        }
        ib_json_free(ab);
        ab = NULL;
        const ib_rg_row *x = row_of(&r, planted_name);
        const int now_others = r.count[IB_RG_SLOWER] - (x && x->verdict == IB_RG_SLOWER);
        others += prev_others && now_others; /* flagged in two checks in a row */
        prev_others = now_others;
        const int now = x && x->verdict == IB_RG_SLOWER && ib_rg_exit_status(&r) == 1;
        caught_plant = now && !caught ? plant : caught_plant;
        caught = caught || now;
        printf("A/B attempt %d: %s planted +%d%%, measured %+.1f%% (noise %.1f%%, detectable "
               "%.1f%%): %s\n",
               attempts, planted_name, plant, x ? 100 * x->change : NAN, x ? 100 * x->noise : NAN,
               x ? 100 * x->mds : NAN, now ? "flagged" : "not flagged");
        if (!caught && x && 100 * x->mds >= plant)
            plant = (int)fmin(100, ceil(150 * x->mds));
        ib_rg_report_free(&r);
    }
    ib_json_free(ab);
    ib_json_free(docs[0]);
    ib_check(caught,
             "A/B: the planted slowdown in %s (%d%%, or 1.5x a check's detectable slowdown where "
             "that was more) is flagged, exit status 1 (%d check%s; caught at +%d%%)",
             planted_name, PLANT, attempts, attempts > 1 ? "s" : "", caught_plant);
    ib_check(others == 0 && !prev_others,
             "A/B: only that benchmark is flagged (another flagged in two checks in a row: %d; "
             "in the last check: %d)",
             others, prev_others);

    /* Measurement only: the detection rate of smaller slowdowns. */
    if (getenv("IB_REGRESS_SWEEP")) {
        const int n = env_int("IB_REGRESS_SWEEP_TRIALS", 5);
        for (int pct = 5; pct <= 20; pct += 5) {
            int hits = 0, wrong = 0;
            double sum = 0;
            for (int t = 0; t < n; t++) {
                ib_rg_report s = {0};
                ib_json *cur = NULL;
                measure(pct, IB_RG_DEFAULT_CHECK_PROCS, &cur);
                if (compare(base, cur, &s, 0)) {
                    const ib_rg_row *x = row_of(&s, planted_name);
                    hits += x && x->verdict == IB_RG_SLOWER;
                    sum += x ? x->change : 0;
                    wrong += s.count[IB_RG_SLOWER] - (x && x->verdict == IB_RG_SLOWER);
                }
                ib_rg_report_free(&s);
                ib_json_free(cur);
            }
            printf("sweep: planted +%d%%: caught %d of %d (mean measured change %+.1f%%), "
                   "%d other benchmarks flagged\n",
                   pct, hits, n, 100 * sum / n, wrong);
        }
    }

    if (getenv("IB_REGRESS_KEEP")) { /* for a look at the raw repetitions */
        printf("kept %s\n", base);
    } else {
        unlink(base);
        rmdir(dir);
    }
    return ib_check_done();
}
