/* The check of incbench regress's checker, on small fast benchmarks: A/A (separate runs of the
 * same code must not be flagged) and A/B (a planted ~20% slowdown in one kernel, GAP, must be flagged,
 * and only there). Each run is a separate process (fork), as two CI runs would be, with the
 * command's own Google Benchmark flags, pinning, baseline files and verdict logic.
 * IB_REGRESS_AA_TRIALS=N and IB_REGRESS_SWEEP=1 (slowdowns of 5/10/15/20%, N trials each)
 * measure the false-alarm and detection rates. Ends with "N passed, N failed". */
#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/gbench.h"
#include "bench/regress.h"
#include "bench/regress_io.h"
#include "bench/verify.h"
#include "kernels/registry.h"
#include "tests/extras.h"
#include "tests/planted_slowdown.h"

/* Under sanitizers the same checks run once: they time instrumented code, and the unit tests
 * cover the logic. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

static int passed, failed;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
}

/* Repetitions per side and time per repetition: 30 x 10 ms keeps a measurement near 4 s for
 * 2 x 5 benchmarks (IB_REGRESS_REPS, IB_REGRESS_MIN_TIME change them). */
static int REPS = 30;
static int rounds = 0;
static double MIN_TIME = 0.01;
#define PLANTED "gap/small/ref"

static char dir[] = "/tmp/incbench-regress-ab-XXXXXX";
static char key[128];

static int run_instance(void *ctx, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++)
        if (ib_instance_run(ctx) != IB_OK)
            return 1;
    return 0;
}

/* Registers one small benchmark "OP/small/ref" run by impl (the planted one, for GAP in B). */
static int add(const char *prefix, const ib_desc *d0, const ib_impl *impl)
{
    ib_desc d = *d0;
    ib_vcase vc;
    ib_err e = {{0}};
    ib_instance *inst = NULL;
    ib_verify_result r;
    char name[64];
    if (ib_desc_validate(&d, &e) != IB_OK || ib_vcase_init(&vc, &d, 7, &e) != IB_OK) {
        fprintf(stderr, "setup: %s\n", e.msg);
        return 0;
    }
    int ok = ib_vcase_verify_impl(&vc, impl, &inst, &r, &e) == IB_OK && r.ok;
    ib_vcase_free(&vc);
    if (!ok) {
        fprintf(stderr, "setup: %s does not verify: %s %s\n", impl->name, e.msg, r.msg);
        return 0;
    }
    snprintf(name, sizeof name, "%s%s/small/ref", prefix, ib_op_name(d.op));
    ib_gb_bench b = {.name = name, .fn = run_instance, .ctx = inst};
    return ib_gb_register(&b) == 0;
}

/* The child: the benchmarks of one run into json, GAP planted with pct% extra work when
 * pct > 0. both: side A (all reference) and side B (with the plant) in the same run, named
 * "A|..." and "B|...", their repetitions interleaved at random by Google Benchmark. */
static int child_run(int pct, int both, int reps, const char *json)
{
    /* Tens of microseconds each: long enough that timer and interrupt jitter stay small
     * beside the work, short enough that a measurement takes seconds. */
    const ib_desc relu = {.op = IB_OP_RELU, .relu = {1, 64, 32, 32}};
    const ib_desc gap = {.op = IB_OP_GAP, .gap = {1, 256, 17, 17}};
    const ib_desc softmax = {.op = IB_OP_SOFTMAX, .softmax = {4, 1000}};
    const ib_desc bn = {.op = IB_OP_BN, .bn = {1, 64, 32, 32, 0.001f}};
    ib_desc pool = {.op = IB_OP_MAXPOOL};
    pool.pool = (ib_pool_desc){.n = 1, .c = 64, .ih = 35, .iw = 35, .kh = 3, .kw = 3, .sh = 2,
                               .sw = 2};
    const char *why;
    ib_rg_pin(-1, &why);
    ib_planted_set_extra_pct(pct);
    const ib_impl *ref_gap = ib_registry_lookup(IB_OP_GAP, "ref");
    const ib_impl *slow = ib_registry_lookup(IB_OP_GAP, IB_PLANTED_NAME);
    if (!ref_gap || !slow)
        return 2;
    for (int side = both ? 0 : 1; side < 2; side++) {
        const char *prefix = both ? (side ? "B|" : "A|") : "";
        if (!add(prefix, &gap, side && pct > 0 ? slow : ref_gap) ||
            !add(prefix, &relu, ib_registry_lookup(IB_OP_RELU, "ref")) ||
            !add(prefix, &softmax, ib_registry_lookup(IB_OP_SOFTMAX, "ref")) ||
            !add(prefix, &bn, ib_registry_lookup(IB_OP_BN, "ref")) ||
            !add(prefix, &pool, ib_registry_lookup(IB_OP_MAXPOOL, "ref")))
            return 2;
    }
    char bufs[IB_RG_GB_ARGS][1100];
    char *argv[IB_RG_GB_ARGS + 3] = {"test_regress_ab"};
    int argc = 1 + ib_rg_gb_flags(reps, MIN_TIME, json, bufs, argv + 1);
    argv[argc++] = "--benchmark_format=json"; /* quiet: the console gets JSON ... */
    argv[argc] = NULL;
    if (!freopen("/dev/null", "w", stdout)) /* ... which nobody needs twice */
        return 2;
    ib_gb_init(&argc, argv);
    ib_gb_run();
    ib_gb_shutdown();
    return ib_gb_errors() ? 2 : 0;
}

/* One run in its own process; 1 when it wrote json. */
static int run(int pct, int both, int reps, const char *json)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_run(pct, both, reps, json));
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Removes prefix from the start of v's text; 0 when it is not there. */
static int strip(ib_json *v, const char *prefix)
{
    size_t n = strlen(prefix);
    if (!v || v->type != IB_JSON_STRING || strncmp(v->text, prefix, n) != 0)
        return 0;
    memmove(v->text, v->text + n, strlen(v->text + n) + 1);
    return 1;
}

/* Moves src's repetitions whose name starts with prefix (which is removed) into *dst (src
 * itself when *dst is empty); aggregates are dropped, since each process computed its own.
 * src is consumed. */
static int absorb(ib_json **dst, ib_json *src, const char *prefix)
{
    ib_json *list = (ib_json *)ib_json_get(src, "benchmarks");
    if (!list || list->type != IB_JSON_ARRAY) {
        ib_json_free(src);
        return 0;
    }
    int k = 0;
    for (int i = 0; i < list->count; i++) {
        ib_json *it = list->items[i];
        const char *type = ib_json_get_str(it, "run_type");
        if ((type && !strcmp(type, "aggregate")) ||
            !strip((ib_json *)ib_json_get(it, "name"), prefix))
            ib_json_free(it);
        else {
            list->items[k++] = it;
            strip((ib_json *)ib_json_get(it, "run_name"), prefix);
        }
    }
    list->count = k;
    if (!*dst) {
        *dst = src;
        return 1;
    }
    ib_json *to = (ib_json *)ib_json_get(*dst, "benchmarks");
    ib_json **items = realloc(to->items, (size_t)(to->count + k) * sizeof *items);
    if (!items) {
        ib_json_free(src);
        return 0;
    }
    to->items = items;
    to->cap = to->count + k;
    memcpy(to->items + to->count, list->items, (size_t)k * sizeof *items);
    to->count += k;
    list->count = 0;
    ib_json_free(src);
    return 1;
}

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* One measurement: the reference into base_path and the same with pct% planted in GAP into
 * cur_path (0: none), REPS repetitions each, stamped and saved as incbench regress does.
 * rounds = 0: both sides in one run, their repetitions interleaved at random, so that drift of
 * the machine falls on both alike. rounds = k: separate processes, k per side (REPS/k
 * repetitions each), alternating in random order; k = 1 is a baseline recorded just before. */
static int measure(int pct, const char *base_path, const char *cur_path)
{
    static uint32_t seed = 0x2545F491u;
    char raw[1100];
    ib_json *docs[2] = {NULL, NULL};
    ib_err e = {{0}};
    int ok = 1;
    snprintf(raw, sizeof raw, "%s/raw.json", dir);
    if (rounds == 0) {
        ok = run(pct, 1, REPS, raw);
        for (int side = 0; side < 2 && ok; side++) {
            ib_json *doc = NULL;
            ok = ib_json_read_file(raw, &doc, &e) == IB_OK &&
                 absorb(&docs[side], doc, side ? "B|" : "A|");
        }
    }
    for (int r = 0; r < rounds && ok; r++) {
        const int first = (int)(next_rand(&seed) & 1);
        for (int k = 0; k < 2 && ok; k++) {
            const int side = k ^ first;
            ib_json *doc = NULL;
            ok = run(side ? pct : 0, 0, REPS / rounds, raw) &&
                 ib_json_read_file(raw, &doc, &e) == IB_OK && absorb(&docs[side], doc, "");
        }
    }
    for (int side = 0; side < 2 && ok; side++)
        ok = ib_rg_stamp(docs[side], ib_cpu_get(), 0, &e) == IB_OK &&
             ib_rg_baseline_save(side ? cur_path : base_path, docs[side], 1, &e) == IB_OK;
    if (!ok)
        printf("measurement failed: %s\n", e.msg);
    ib_json_free(docs[0]);
    ib_json_free(docs[1]);
    unlink(raw);
    return ok;
}

/* Compares cur with the baseline as the command does; the report in *r (caller frees). */
static int compare(const char *base_path, const char *cur_path, ib_rg_report *r, int verbose)
{
    ib_json *base = NULL, *cur = NULL;
    ib_rg_set sb = {0}, sc = {0};
    ib_err e = {{0}};
    ib_rg_opts o = {IB_RG_DEFAULT_THRESHOLD, IB_RG_DEFAULT_ALPHA, 0, 0};
    int ok = ib_rg_baseline_load(base_path, key, &base, &e) == IB_OK &&
             ib_json_read_file(cur_path, &cur, &e) == IB_OK &&
             ib_rg_check_config(base, cur, &e) == IB_OK &&
             ib_rg_samples(base, 0, &sb, &e) == IB_OK && ib_rg_samples(cur, 0, &sc, &e) == IB_OK &&
             ib_rg_compare(&sb, &sc, &o, r, &e) == IB_OK;
    if (!ok)
        printf("compare failed: %s\n", e.msg);
    else if (verbose)
        ib_rg_print(stdout, r, &o);
    ib_rg_set_free(&sb);
    ib_rg_set_free(&sc);
    ib_json_free(base);
    ib_json_free(cur);
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

int main(void)
{
    ib_test_register_extras();
    if (getenv("IB_REGRESS_MIN_TIME"))
        MIN_TIME = atof(getenv("IB_REGRESS_MIN_TIME"));
    ib_rg_cpu_key(ib_cpu_get(), key, sizeof key);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char base[1100], cur[1100];
    snprintf(base, sizeof base, "%s/base.json", dir);
    snprintf(cur, sizeof cur, "%s/cur.json", dir);
    REPS = env_int("IB_REGRESS_REPS", REPS);
    rounds = env_int("IB_REGRESS_ROUNDS", 0);
    if (rounds && REPS % rounds)
        rounds = 1;
    if (rounds)
        printf("%d repetitions x %g s per side in %d processes per side, 5 benchmarks\n", REPS,
               MIN_TIME, rounds);
    else
        printf("%d repetitions x %g s per side, both sides interleaved in one run, 5 benchmarks "
               "a side\n", REPS, MIN_TIME);

    /* A/A: the same code again, several times, against the same baseline. */
    const int trials = env_int("IB_REGRESS_AA_TRIALS", SANITIZED ? 1 : 3);
    int alarms = 0, bench_alarms = 0, compared = 0;
    double worst = 0;
    for (int t = 0; t < trials; t++) {
        ib_rg_report r = {0};
        if (!measure(0, base, cur) || !compare(base, cur, &r, t == 0)) {
            check(0, "A/A trial %d ran", t);
            continue;
        }
        alarms += r.count[IB_RG_SLOWER] > 0;
        bench_alarms += r.count[IB_RG_SLOWER];
        compared += r.n;
        for (int i = 0; i < r.n; i++)
            worst = fmax(worst, r.rows[i].change);
        if (r.count[IB_RG_SLOWER])
            ib_rg_print(stdout, &r, &(ib_rg_opts){0.05, 0.05, 0, 0});
        check(ib_rg_exit_status(&r) == 0, "A/A trial %d: not flagged (exit status %d)", t,
              ib_rg_exit_status(&r));
        ib_rg_report_free(&r);
    }
    printf("A/A: %d of %d trials flagged (%d of %d benchmark comparisons); largest median "
           "change +%.1f%%\n",
           alarms, trials, bench_alarms, compared, 100 * worst);

    /* A/B: the planted slowdown must be flagged, in GAP and nowhere else. On a busy machine one
     * measurement may lack the power to see it (the noise criterion then says "same"), so up to
     * 3 measurements are made; any other benchmark flagged on the way is a failure. */
    int caught = 0, others = 0, attempts = 0;
    while (!caught && attempts < 3) {
        ib_rg_report r = {0};
        attempts++;
        if (!measure(20, base, cur) || !compare(base, cur, &r, 1)) {
            ib_rg_report_free(&r);
            break;
        }
        const ib_rg_row *x = row_of(&r, PLANTED);
        caught = x && x->verdict == IB_RG_SLOWER && ib_rg_exit_status(&r) == 1;
        others += r.count[IB_RG_SLOWER] - (x && x->verdict == IB_RG_SLOWER);
        printf("A/B attempt %d: %s %+.1f%% (noise %.1f%%): %s\n", attempts, PLANTED,
               x ? 100 * x->change : NAN, x ? 100 * x->noise : NAN,
               caught ? "flagged" : "not flagged");
        ib_rg_report_free(&r);
    }
    check(caught, "A/B: the planted 20%% slowdown in %s is flagged, exit status 1 (%d "
          "measurement%s)", PLANTED, attempts, attempts > 1 ? "s" : "");
    check(others == 0, "A/B: only that benchmark is flagged (%d others)", others);

    /* Measurement only: the detection rate of smaller slowdowns. */
    if (getenv("IB_REGRESS_SWEEP")) {
        const int n = env_int("IB_REGRESS_SWEEP_TRIALS", 5);
        for (int pct = 5; pct <= 20; pct += 5) {
            int caught = 0, others = 0;
            double sum = 0;
            for (int t = 0; t < n; t++) {
                ib_rg_report s = {0};
                if (measure(pct, base, cur) && compare(base, cur, &s, 0)) {
                    const ib_rg_row *x = row_of(&s, PLANTED);
                    caught += x && x->verdict == IB_RG_SLOWER;
                    sum += x ? x->change : 0;
                    others += s.count[IB_RG_SLOWER] - (x && x->verdict == IB_RG_SLOWER);
                }
                ib_rg_report_free(&s);
            }
            printf("sweep: planted +%d%%: caught %d of %d (mean measured change %+.1f%%), "
                   "%d other benchmarks flagged\n",
                   pct, caught, n, 100 * sum / n, others);
        }
    }

    if (getenv("IB_REGRESS_KEEP")) { /* for a look at the raw repetitions */
        printf("kept %s and %s\n", base, cur);
    } else {
        unlink(base);
        unlink(cur);
        rmdir(dir);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
