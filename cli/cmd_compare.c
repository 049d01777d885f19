/* incbench compare: ratios of implementations measured in one Google Benchmark run (the JSON
 * that `incbench bench --benchmark_out=FILE` writes), each with its 95% interval: per layer
 * (Hodges-Lehmann ratio, Moses interval), the geometric mean (bootstrap over repetitions) and
 * for convolutions the whole network's sum (per-repetition sums), plus the worst layer, and
 * how low the ratios could go were IMPL at 100% of its FMA peak. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "core/inception_v3.h"
#include "harness/ratio_boot.h"
#include "harness/stats.h"
#include "report/json.h"

enum { MAX_ROWS = 1024, MAX_TIMES = 256, MAX_ROUNDS = 32 };

/* The repetitions of one benchmark OP/LAYER/IMPL, in the order of their repetition_index. */
typedef struct series {
    char op[16], layer[64], impl[32];
    double t[MAX_TIMES]; /* by round (file), in the order read */
    /* t[i] x pct_peak / 100: the time that repetition's work takes at 100% of the FMA peak
     * (pct_peak counts executed work on the peak of the implementation's ISA); NAN without */
    double at_peak[MAX_TIMES];
    double flop;         /* per call: FLOPS x time, 0 where the file has no FLOPS counter */
    int rep[MAX_TIMES];  /* repetition_index of t[i] */
    int end[MAX_ROUNDS]; /* one past the last sample of each round */
    int n;
} series;

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench compare FILE... [--base IMPL] [--impl IMPL] [--op OP]\n\n"
               "Reads the Google Benchmark JSON of one `incbench bench` run and prints, for each\n"
               "layer timed by both (auxiliary-head layers left out), the ratio time(IMPL) /\n"
               "time(BASE) from the repetitions: the Hodges-Lehmann estimate (median of the\n"
               "pairwise ratios) and its 95%% Moses interval, the interval of the Mann-Whitney U\n"
               "test. A layer is called faster or slower only when the interval excludes 1;\n"
               "otherwise it is '~ not significant' and counts neither way. Then the geometric\n"
               "mean with a bootstrap interval over repetitions (fixed seed), the worst layer,\n"
               "the significant layers above 1.10, and for convolutions the sum over the\n"
               "network's 94 (each distinct shape's time times how often Inception-v3 has it)\n"
               "with the interval of the ratio of per-repetition sums. The first line states the\n"
               "run's threads and load average when the file records them. Times are the\n"
               "clock Google Benchmark iterated on: cpu_time of one-thread runs, real_time of\n"
               "names ending in /real_time (threaded runs). Run bench with\n"
               "--benchmark_repetitions=9 (or more) and\n"
               "--benchmark_enable_random_interleaving=true, as make bench-conv does.\n"
               "Several files: runs of the same benchmarks, each a round (6 at least for an\n"
               "interval): per run the Hodges-Lehmann ratio of the faster halves of its\n"
               "repetitions, over the runs their centre and Wilcoxon signed-rank interval,\n"
               "likewise for the geometric mean and the network's sum.\n"
               "Last, from pct_peak: both implementations' median %%peak, and the geometric\n"
               "mean and network sum IMPL would reach at 100%% of its FMA peak.\n"
               "Runs at several thread counts (make bench-scaling): IMPL@N is IMPL at N\n"
               "threads, on the wall clock; --impl IMPL compares it at the most threads with\n"
               "the fewest, and the last line gives the speed-up.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(compare));
}

/* The file may come from another machine: its implementation names are not checked here. */
static const ib_cmd_spec spec = IB_CMD_SPEC(compare, IB_SPEC_ANY_IMPL, MAX_ROUNDS, usage);

static series *find_or_add(series *rows, int *n, const char *op, const char *layer,
                           const char *impl)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(rows[i].op, op) && !strcmp(rows[i].layer, layer) && !strcmp(rows[i].impl, impl))
            return &rows[i];
    if (*n >= MAX_ROWS)
        return NULL;
    series *s = &rows[(*n)++];
    memset(s, 0, sizeof *s);
    snprintf(s->op, sizeof s->op, "%s", op);
    snprintf(s->layer, sizeof s->layer, "%s", layer);
    snprintf(s->impl, sizeof s->impl, "%s", impl);
    return s;
}

/* How many benchmarks were read on each clock, for the first line; repetitions beyond
 * MAX_TIMES of one benchmark, left out and said. */
static int g_on_real, g_on_cpu, g_dropped;

/* Whether a rows' implementation name ends with tag ("" ends every name). */
static int has_tag(const char *impl, const char *tag)
{
    const size_t li = strlen(impl), lt = strlen(tag);
    return li >= lt && !strcmp(impl + li - lt, tag);
}

/* Collects the time of every repetition ("run_type": "iteration"), or of the "median"
 * aggregates when the file holds aggregates only. tag: "" or, when the files hold runs at
 * several thread counts, "@N" (this file's count), appended to each implementation's name;
 * every time is then the wall time, the one clock on which threads save time. */
static int collect(const ib_json *doc, series *rows, int *n, int aggregates, int round,
                   const char *tag)
{
    const ib_json *list = ib_json_get(doc, "benchmarks");
    if (!list || list->type != IB_JSON_ARRAY)
        return 0;
    int used = 0;
    for (int i = 0; i < list->count; i++) {
        const ib_json *b = list->items[i];
        const char *name = ib_json_get_str(b, "run_name");
        const char *type = ib_json_get_str(b, "run_type");
        const char *agg = ib_json_get_str(b, "aggregate_name");
        /* the clock Google Benchmark timed the run on: wall time for names ending in
         * /real_time (threaded runs), else the benchmark thread's CPU time, which a
         * neighbour on a shared machine does not lengthen */
        const int real = *tag || (name && strstr(name, "/real_time") != NULL);
        double t = ib_json_get_num(b, real ? "real_time" : "cpu_time", NAN);
        if (!name || !type || !isfinite(t) || ib_json_get_str(b, "error_message"))
            continue;
        if (aggregates ? strcmp(type, "aggregate") || !agg || strcmp(agg, "median")
                       : strcmp(type, "iteration"))
            continue;
        /* OP/LAYER/IMPL, then Google Benchmark's /process_time/real_time of threaded runs */
        char op[16], layer[64], impl[32];
        if (sscanf(name, "%15[^/]/%63[^/]/%31[^/]", op, layer, impl) != 3 || !(t > 0) ||
            strlen(impl) + strlen(tag) >= sizeof impl)
            continue;
        strcat(impl, tag);
        series *s = find_or_add(rows, n, op, layer, impl);
        g_dropped += s && s->n >= MAX_TIMES;
        if (s && s->n < MAX_TIMES) {
            g_on_real += real;
            g_on_cpu += !real;
            s->rep[s->n] = (int)ib_json_get_num(b, "repetition_index", s->n);
            s->at_peak[s->n] = t * ib_json_get_num(b, "pct_peak", NAN) / 100;
            const double flops = ib_json_get_num(b, "FLOPS", 0);
            if (flops > 0)
                s->flop = flops * t * 1e-9; /* times in ns, as bench writes them */
            s->t[s->n++] = t;
            used++;
        }
    }
    for (int i = 0; i < *n; i++) /* a series of this thread count the file lacks: empty round */
        if (has_tag(rows[i].impl, tag))
            rows[i].end[round] = rows[i].n;
    return used;
}

/* Without --impl: the one implementation of op the file holds beside base; NULL with a message
 * when it holds none or several (then they are named). */
static const char *the_other_impl(const series *rows, int nrows, const char *op, const char *base,
                                  const char *file)
{
    const char *found[8];
    int n = 0;
    for (int i = 0; i < nrows; i++) {
        if (strcmp(rows[i].op, op) || !strcmp(rows[i].impl, base))
            continue;
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = !strcmp(found[k], rows[i].impl);
        if (!seen && n < 8)
            found[n++] = rows[i].impl;
    }
    /* a copy: rows are sorted afterwards, which moves the name found[0] points into */
    static char name[sizeof rows->impl];
    if (n == 1)
        return strcpy(name, found[0]);
    if (n == 0)
        fprintf(stderr, "incbench compare: %s holds no %s implementation beside %s\n", file, op,
                base);
    else {
        fprintf(stderr, "incbench compare: %s holds several %s implementations beside %s (", file,
                op, base);
        for (int k = 0; k < n; k++)
            fprintf(stderr, "%s%s", k ? ", " : "", found[k]);
        fprintf(stderr, "): name one with --impl\n");
    }
    return NULL;
}

/* 1 when name is a layer of the auxiliary classifier (left out of the summary). */
static int is_aux(const ib_net *net, const char *name)
{
    for (int i = 0; i < net->count; i++)
        if (!strcmp(net->layers[i].name, name))
            return net->layers[i].aux;
    return 0;
}

/* Position of layer name in the network (layers the network lacks sort last). */
static int layer_pos(const ib_net *net, const char *name)
{
    for (int i = 0; i < net->count; i++)
        if (!strcmp(net->layers[i].name, name))
            return i;
    return net->count;
}

static const ib_net *sort_net;
static int by_position(const void *x, const void *y)
{
    const series *a = x, *b = y;
    const int by_layer = layer_pos(sort_net, a->layer) - layer_pos(sort_net, b->layer);
    const int by_impl = strcmp(a->impl, b->impl);
    return by_layer ? by_layer : by_impl ? by_impl : strcmp(a->op, b->op);
}

/* How many non-auxiliary convolutions of the network share the descriptor of layer name. */
static int conv_count(const ib_net *net, const char *name)
{
    char want[160] = "", have[160];
    for (int i = 0; i < net->count; i++)
        if (!strcmp(net->layers[i].name, name) && !net->layers[i].identity)
            ib_desc_str(&net->layers[i].desc, want, sizeof want);
    if (!want[0])
        return 0;
    int count = 0;
    for (int i = 0; i < net->count; i++) {
        const ib_layer *ly = &net->layers[i];
        if (!ly->aux && !ly->identity && ly->desc.op == IB_OP_CONV &&
            !strcmp(want, ib_desc_str(&ly->desc, have, sizeof have)))
            count++;
    }
    return count;
}

/* Bootstrap of the geometric mean: enough replicates for a stable 95% interval; a fixed
 * seed so the same file always prints the same interval. */
enum { BOOT_REPLICATES = 2000 };
static const uint64_t BOOT_SEED = 0x1bc0ffee;

/* The thread count a run records (incbench_threads in its context), 0 when it records none. */
static int run_threads(const ib_json *doc)
{
    const ib_json *ctx = ib_json_get(doc, "context");
    const char *th = ctx ? ib_json_get_str(ctx, "incbench_threads") : NULL;
    char *end = NULL;
    const long n = th ? strtol(th, &end, 10) : 0;
    return end && !*end && n > 0 && n <= 1024 ? (int)n : 0;
}

/* "1 thread, load average 0.52 at the start (2 CPUs)", from the context Google Benchmark and
 * incbench bench write; what the file does not record is said to be unknown. */
static void describe_run(const ib_json *doc, char *buf, int len)
{
    const ib_json *ctx = ib_json_get(doc, "context");
    const char *th = ctx ? ib_json_get_str(ctx, "incbench_threads") : NULL;
    const ib_json *load = ctx ? ib_json_get(ctx, "load_avg") : NULL;
    const double cpus = ctx ? ib_json_get_num(ctx, "num_cpus", NAN) : NAN;
    char l[80] = "machine load unknown";
    if (load && load->type == IB_JSON_ARRAY && load->count > 0 &&
        load->items[0]->type == IB_JSON_NUMBER) {
        int k = snprintf(l, sizeof l, "load average %.2f at the start", load->items[0]->number);
        if (isfinite(cpus) && k > 0 && k < (int)sizeof l)
            snprintf(l + k, sizeof l - (size_t)k, " (%.0f CPUs)", cpus);
    }
    if (th)
        snprintf(buf, (size_t)len, "%s thread%s, %s", th, strcmp(th, "1") ? "s" : "", l);
    else
        snprintf(buf, (size_t)len, "threads unknown, %s", l);
}

/* Run in rounds (several files): per round the Hodges-Lehmann ratio of the faster halves of the
 * round's repetitions, over the rounds their centre and interval (ib_ratio_ci_rounds). One
 * file: the Hodges-Lehmann ratio of all repetitions and its Moses interval. -1 when a round
 * lacks the layer or a time is unusable. */
static int layer_ratio(const series *a, const series *b, int nrounds, ib_ratio_ci *ci)
{
    if (nrounds == 1)
        return ib_ratio_ci_compute(b->t, b->n, a->t, a->n, 0.95, ci);
    return ib_ratio_ci_rounds(b->t, b->end, a->t, a->end, nrounds, 0.95, ci);
}

/* Round r's samples of s: *n of them from the returned pointer. */
static const double *round_of(const series *s, int r, int *n)
{
    const int r0 = r ? s->end[r - 1] : 0;
    *n = s->end[r] - r0;
    return s->t + r0;
}

/* The median of the faster half of round r of s: the round's time of that layer, as its ratio
 * reads it (other work only adds time). */
static double round_time(const series *s, int r)
{
    int n;
    const double *t = round_of(s, r, &n);
    double tmp[MAX_TIMES];
    return ib_faster_half_median(t, n, tmp);
}

/* The geometric mean of the layers' ratios over rounds: per round the mean of the layers' log
 * ratios, over the rounds their centre and interval. */
static int geomean_rounds(const series *const *pa, const series *const *pb, int n, int nrounds,
                          ib_ratio_ci *g)
{
    double l[MAX_ROUNDS];
    for (int r = 0; r < nrounds; r++) {
        l[r] = 0;
        for (int i = 0; i < n; i++) {
            int na, nb;
            const double *ta = round_of(pa[i], r, &na), *tb = round_of(pb[i], r, &nb);
            l[r] += ib_round_log_ratio(tb, nb, ta, na) / n;
        }
    }
    return ib_ratio_ci_of_logs(l, nrounds, 0.95, g);
}

/* The network's sum over its convolutions (each distinct shape's time x its count) for each
 * repetition index present in every layer of both implementations, then the ratio of those
 * per-repetition sums with its Moses interval. Summing repetition r across layers pairs the
 * runs that were closest in time when the repetitions were interleaved
 * (--benchmark_enable_random_interleaving, as make bench-conv runs them); without
 * interleaving each sum is still one draw of the network's time from each layer's
 * repetitions. */
static void network_sum(const series *const *pa, const series *const *pb, const int *counts, int n,
                        int nrounds, const char *impl, const char *base)
{
    int weighted = 0;
    for (int i = 0; i < n; i++)
        weighted += counts[i];
    if (!weighted)
        return;
    if (nrounds > 1) {
        /* per round the sum of each layer's round time x its count, then their log ratio */
        double l[MAX_ROUNDS], sa[MAX_ROUNDS], sb[MAX_ROUNDS], tmp[MAX_ROUNDS];
        for (int r = 0; r < nrounds; r++) {
            sa[r] = sb[r] = 0;
            for (int i = 0; i < n; i++) {
                sa[r] += counts[i] * round_time(pa[i], r);
                sb[r] += counts[i] * round_time(pb[i], r);
            }
            l[r] = log(sa[r] / sb[r]);
        }
        ib_ratio_ci ci;
        char iv[80] = "no interval: a run lacks a layer, or fewer than 6 runs";
        if (ib_ratio_ci_of_logs(l, nrounds, 0.95, &ci) == 0)
            snprintf(iv, sizeof iv, "95%% [%.3f, %.3f]%s", ci.lo, ci.hi,
                     ib_ratio_ci_significant(&ci) ? "" : ", not significant");
        else
            ci.est = ib_median(sa, nrounds, tmp) / ib_median(sb, nrounds, tmp);
        printf("network sum over %d convolutions: %s %.2f ms, %s %.2f ms (medians over %d rounds "
               "of the sums of the layers' round times), ratio %.3f, %s\n",
               weighted, impl, ib_median(sa, nrounds, tmp) / 1e6, base,
               ib_median(sb, nrounds, tmp) / 1e6, nrounds, ci.est, iv);
        return;
    }
    double sa[MAX_TIMES], sb[MAX_TIMES];
    int nr = 0;
    for (int r = 0; r < MAX_TIMES; r++) {
        double a = 0, b = 0;
        int all = 1;
        for (int i = 0; i < n && all; i++) {
            if (!counts[i])
                continue;
            int ka = -1, kb = -1;
            for (int k = 0; k < pa[i]->n; k++)
                ka = pa[i]->rep[k] == r ? k : ka;
            for (int k = 0; k < pb[i]->n; k++)
                kb = pb[i]->rep[k] == r ? k : kb;
            all = ka >= 0 && kb >= 0;
            if (all) {
                a += counts[i] * pa[i]->t[ka];
                b += counts[i] * pb[i]->t[kb];
            }
        }
        if (all) {
            sa[nr] = a;
            sb[nr] = b;
            nr++;
        }
    }
    ib_ratio_ci ci;
    if (nr == 0 || ib_ratio_ci_compute(sb, nr, sa, nr, 0.95, &ci) != 0) {
        printf("network sum over %d convolutions: no repetition index common to every layer\n",
               weighted);
        return;
    }
    double tmp[MAX_TIMES];
    char iv[64] = "no interval: too few repetitions";
    if (isfinite(ci.lo))
        snprintf(iv, sizeof iv, "95%% [%.3f, %.3f]%s", ci.lo, ci.hi,
                 ib_ratio_ci_significant(&ci) ? "" : ", not significant");
    printf("network sum over %d convolutions: %s %.2f ms, %s %.2f ms (medians of %d "
           "per-repetition sums), ratio %.3f, %s\n",
           weighted, impl, ib_median(sa, nr, tmp) / 1e6, base, ib_median(sb, nr, tmp) / 1e6, nr,
           ci.est, iv);
}

/* The median of s's at_peak over its repetitions; NAN when a repetition lacks pct_peak. */
static double time_at_peak(const series *s)
{
    double tmp[MAX_TIMES];
    for (int k = 0; k < s->n; k++)
        if (!(s->at_peak[k] > 0))
            return NAN;
    return ib_median(s->at_peak, s->n, tmp);
}

/* How far the ratios could go down: each layer's ratio were impl to run its own work at 100% of
 * its FMA peak (its time at the peak over base's median time), as a geometric mean and for the
 * network's sum, beside both implementations' median pct_peak. Two direct convolutions doing
 * the same work on the same peak meet at the base's pct_peak / 100: a target below it needs
 * less work (another algorithm), not a faster kernel. Nothing when the files lack pct_peak. */
static void peak_floor(const series *const *pa, const series *const *pb, const int *counts, int n,
                       const char *impl, const char *base)
{
    static double pcta[MAX_ROWS], pctb[MAX_ROWS];
    double tmp[MAX_ROWS > MAX_TIMES ? MAX_ROWS : MAX_TIMES];
    double logsum = 0, at_peak = 0, whole = 0;
    for (int i = 0; i < n; i++) {
        const double fa = time_at_peak(pa[i]), fb = time_at_peak(pb[i]);
        const double ta = ib_median(pa[i]->t, pa[i]->n, tmp);
        const double tb = ib_median(pb[i]->t, pb[i]->n, tmp);
        if (!(fa > 0) || !(fb > 0) || !(ta > 0) || !(tb > 0))
            return;
        pcta[i] = 100 * fa / ta;
        pctb[i] = 100 * fb / tb;
        logsum += log(fa / tb);
        at_peak += counts[i] * fa;
        whole += counts[i] * tb;
    }
    printf("%%peak (executed work on the FMA peak of each one's ISA), median over the layers: %s "
           "%.1f%%, %s %.1f%%; %s at 100%% of its peak would reach a geometric mean of %.3f",
           impl, ib_median(pcta, n, tmp), base, ib_median(pctb, n, tmp), impl, exp(logsum / n));
    if (whole > 0)
        printf(" and a network sum of %.3f", at_peak / whole);
    printf("\n");
}

/* With runs at several thread counts: the names compared. --impl IMPL (no @) compares IMPL at
 * the most threads with IMPL at the fewest; IMPL@N with --base IMPL@M as given, and --base
 * without @ means the fewest threads. 0 when no --impl names one. */
static int scaling_names(const char *impl, const char *base, const int *threads, int nfiles,
                         char *impl_at, char *base_at, size_t len)
{
    if (!impl)
        return 0;
    int lo = threads[0], hi = threads[0];
    for (int f = 1; f < nfiles; f++) {
        lo = threads[f] < lo ? threads[f] : lo;
        hi = threads[f] > hi ? threads[f] : hi;
    }
    if (strchr(impl, '@'))
        snprintf(impl_at, len, "%s", impl);
    else
        snprintf(impl_at, len, "%s@%d", impl, hi);
    if (base && strchr(base, '@'))
        snprintf(base_at, len, "%s", base);
    else
        snprintf(base_at, len, "%.*s@%d", (int)strcspn(base ? base : impl, "@"), base ? base : impl,
                 lo);
    return 1;
}

/* Runs at several thread counts: the speed-up, time(base) / time(impl), over the layers (the
 * median and the lowest), and the lowest among the layers of at least SPEEDUP_MIN_MFLOP million
 * flops, whose time is not mostly the threads' start and join. Each layer's is the reciprocal of
 * the ratio the table printed for it, est[i] (NAN where it has none). */
enum { SPEEDUP_MIN_MFLOP = 20 };
static void speedups(const series *const *pa, const series *const *pb, const double *est, int n,
                     const char *impl, const char *base)
{
    static double su[MAX_ROWS];
    double tmp[MAX_ROWS];
    int nsu = 0, big = 0;
    double low = INFINITY, low_big = INFINITY;
    const char *low_name = "", *low_big_name = "";
    for (int i = 0; i < n; i++) {
        if (!(est[i] > 0))
            continue;
        const double x = 1 / est[i];
        su[nsu++] = x;
        if (x < low) {
            low = x;
            low_name = pa[i]->layer;
        }
        const int is_big = pb[i]->flop >= SPEEDUP_MIN_MFLOP * 1e6;
        big += is_big;
        if (is_big && x < low_big) {
            low_big = x;
            low_big_name = pa[i]->layer;
        }
    }
    if (!nsu)
        return;
    printf("speed-up of %s over %s (1 / ratio): median %.2f over %d layers, lowest %.2f (%s)", impl,
           base, ib_median(su, nsu, tmp), nsu, low, low_name);
    if (big)
        printf("; lowest of the %d layers of %d MFLOP or more: %.2f (%s)", big, SPEEDUP_MIN_MFLOP,
               low_big, low_big_name);
    printf("\n");
}

int ib_cmd_compare(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "compare");
    o.base = NULL; /* onednn; with runs at several thread counts, IMPL at the fewest */
    o.op = "conv";
    const int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    const char *file = o.nargs ? o.args[0] : NULL, *base = o.base, *impl = o.impls, *op = o.op;
    if (!file) {
        usage(stderr);
        return 2;
    }
    /* several files: runs of the same benchmarks, each a round; runs at several thread
     * counts: an implementation at each count is a series of its own (IMPL@N), and a run's
     * round is its place among the runs of its count */
    const int nfiles = (int)o.nargs;
    ib_err e = {{0}};
    static series rows[MAX_ROWS];
    static ib_json *docs[MAX_ROUNDS];
    int nrows = 0, threads[MAX_ROUNDS], counts_differ = 0, nrounds = 0;
    char setting[160];
    for (int f = 0; f < nfiles; f++) {
        if (ib_json_read_file(o.args[f], &docs[f], &e) != IB_OK) {
            fprintf(stderr, "incbench compare: %s\n", e.msg);
            while (f-- > 0)
                ib_json_free(docs[f]);
            return 2;
        }
        threads[f] = run_threads(docs[f]);
        counts_differ |= threads[f] != threads[0];
    }
    int bad = 0;
    for (int f = 0; f < nfiles; f++) {
        char tag[16] = "";
        int round = 0;
        for (int k = 0; k < f; k++)
            round += threads[k] == threads[f];
        if (counts_differ)
            snprintf(tag, sizeof tag, "@%d", threads[f]);
        nrounds = round + 1 > nrounds ? round + 1 : nrounds;
        const int used = collect(docs[f], rows, &nrows, 0, round, tag) ||
                         collect(docs[f], rows, &nrows, 1, round, tag);
        if (f == 0)
            describe_run(docs[f], setting, sizeof setting);
        if (!used && !bad++)
            fprintf(stderr, "incbench compare: %s holds no benchmark named OP/LAYER/IMPL\n",
                    o.args[f]);
        if (counts_differ && threads[f] <= 0 && !bad++)
            fprintf(stderr,
                    "incbench compare: %s does not record its thread count (incbench_threads), "
                    "and the other files differ in theirs\n",
                    o.args[f]);
    }
    for (int f = 0; f < nfiles; f++)
        ib_json_free(docs[f]);
    if (bad)
        return 2;
    ib_net net;
    if (ib_inception_v3_build(1, &net, &e) != IB_OK) {
        fprintf(stderr, "incbench compare: %s\n", e.msg);
        return 2;
    }
    char impl_at[48], base_at[48];
    if (counts_differ &&
        !scaling_names(impl, base, threads, nfiles, impl_at, base_at, sizeof impl_at)) {
        fprintf(stderr, "incbench compare: the files hold runs at several thread counts: name "
                        "the implementation with --impl (IMPL, or IMPL@N and --base IMPL@M)\n");
        ib_net_free(&net);
        return 2;
    }
    if (counts_differ) {
        impl = impl_at;
        base = base_at;
    } else if (!base)
        base = "onednn";
    if (!impl && !(impl = the_other_impl(rows, nrows, op, base, file))) {
        ib_net_free(&net);
        return 2;
    }
    sort_net = &net; /* rows in forward order, whatever order the run interleaved them in */
    qsort(rows, (size_t)nrows, sizeof rows[0], by_position);
    static ib_ratio_pair pairs[MAX_ROWS];
    static const series *pa[MAX_ROWS], *pb[MAX_ROWS];
    static int counts[MAX_ROWS];
    int n = 0;
    for (int i = 0; i < nrows; i++) {
        const series *a = &rows[i];
        if (strcmp(a->op, op) || strcmp(a->impl, impl) || is_aux(&net, a->layer))
            continue;
        for (int k = 0; k < nrows; k++)
            if (!strcmp(rows[k].op, op) && !strcmp(rows[k].layer, a->layer) &&
                !strcmp(rows[k].impl, base)) {
                pa[n] = a;
                pb[n] = &rows[k];
                pairs[n] = (ib_ratio_pair){rows[k].t, rows[k].n, a->t, a->n};
                counts[n] = !strcmp(op, "conv") ? conv_count(&net, a->layer) : 0;
                n++;
                break;
            }
    }
    ib_net_free(&net);
    if (!n) {
        fprintf(stderr, "incbench compare: no %s layer was timed with both %s and %s\n", op, impl,
                base);
        return 2;
    }
    if (g_dropped)
        fprintf(stderr,
                "incbench compare: %d repetitions left out: a benchmark holds %d at most over "
                "all files\n",
                g_dropped, MAX_TIMES);
    char runs[40] = "";
    if (nfiles > 1)
        snprintf(runs, sizeof runs, " and %d more run%s", nfiles - 1, nfiles > 2 ? "s" : "");
    printf("%s%s: %s / %s, %s layers, %s%s; %s\n", file, runs, impl, base, op,
           nrounds > 1 ? "the first run " : "", setting,
           g_on_cpu && g_on_real ? "real_time where timed on it, else cpu_time"
           : g_on_real           ? "real_time (wall)"
                                 : "cpu_time (the benchmark thread's)");
    if (nrounds > 1)
        printf("ratio = time(%s) / time(%s) over %d runs as rounds: per run the Hodges-Lehmann "
               "ratio of the faster halves of its repetitions, over the runs their Hodges-Lehmann "
               "centre and 95%% Wilcoxon signed-rank interval; '~' = not significant\n",
               impl, base, nrounds);
    else
        printf("ratio = time(%s) / time(%s): Hodges-Lehmann estimate over the repetitions, 95%% "
               "interval (Moses); '~' = not significant\n",
               impl, base);
    printf("%-34s %5s %11s %11s %7s %17s  %s\n", "layer", "reps", impl, base, "ratio",
           "95% interval", "verdict");
    double tmp[MAX_TIMES];
    static double est[MAX_ROWS]; /* each layer's ratio as computed, NAN where it has none */
    int faster = 0, slower = 0, unsure = 0, above = 0, nlog = 0;
    double logsum = 0; /* of the layers' estimates: the geometric mean when rounds give none */
    double worst = 0;
    const char *worst_layer = "", *worst_verdict = "";
    for (int i = 0; i < n; i++) {
        ib_ratio_ci ci;
        const char *verdict = "~ not significant";
        const int computed = layer_ratio(pa[i], pb[i], nrounds, &ci) == 0;
        est[i] = computed && ci.est > 0 ? ci.est : NAN;
        if (!computed && nrounds == 1) {
            verdict = "~ invalid times";
            ci.est = ib_median(pa[i]->t, pa[i]->n, tmp) / ib_median(pb[i]->t, pb[i]->n, tmp);
        } else if (!isfinite(ci.lo)) {
            verdict = nrounds > 1 ? "~ no interval: a run lacks it, or fewer than 6 runs"
                                  : "~ too few repetitions for an interval";
            if (!isfinite(ci.est))
                ci.est = ib_median(pa[i]->t, pa[i]->n, tmp) / ib_median(pb[i]->t, pb[i]->n, tmp);
        } else if (ib_ratio_ci_significant(&ci)) {
            verdict = ib_ratio_ci_verdict(&ci);
        }
        if (isfinite(ci.est) && ci.est > 0) {
            logsum += log(ci.est);
            nlog++;
        }
        const int sig = verdict[0] != '~';
        faster += sig && ci.est < 1;
        slower += sig && ci.est > 1;
        unsure += !sig;
        above += sig && ci.est > 1.10;
        char iv[40] = "-";
        if (isfinite(ci.lo))
            snprintf(iv, sizeof iv, "[%.3f, %.3f]", ci.lo, ci.hi);
        printf("%-34s %5d %9.1fus %9.1fus %7.3f %17s  %s%s\n", pa[i]->layer,
               pa[i]->n < pb[i]->n ? pa[i]->n : pb[i]->n, ib_median(pa[i]->t, pa[i]->n, tmp) / 1e3,
               ib_median(pb[i]->t, pb[i]->n, tmp) / 1e3, ci.est, iv, verdict,
               sig && ci.est > 1.10 ? ", > 1.10" : "");
        if (ci.est > worst) {
            worst = ci.est;
            worst_layer = pa[i]->layer;
            worst_verdict = sig ? "" : ", not significant";
        }
    }
    printf("\n%d layers: %d faster, %d slower, %d not significant (95%% intervals); %d "
           "significantly above 1.10\n",
           n, faster, slower, unsure, above);
    ib_ratio_ci g;
    if (nrounds > 1) {
        char iv[64] = "no interval: a run lacks a layer, or fewer than 6 runs";
        if (geomean_rounds(pa, pb, n, nrounds, &g) == 0)
            snprintf(iv, sizeof iv, "95%% [%.3f, %.3f]%s", g.lo, g.hi,
                     ib_ratio_ci_significant(&g) ? "" : ", not significant");
        else
            g.est = nlog ? exp(logsum / nlog) : NAN;
        printf("geometric mean %.3f, %s (per run the mean of the layers' log ratios, over the "
               "runs their centre and interval); worst %.3f (%s%s)\n",
               g.est, iv, worst, worst_layer, worst_verdict);
    } else if (ib_geomean_ratio_boot(pairs, n, 0.95, BOOT_REPLICATES, BOOT_SEED, &g) == 0) {
        char iv[64] = "no interval: a layer has a single repetition";
        if (isfinite(g.lo))
            snprintf(iv, sizeof iv, "95%% [%.3f, %.3f]%s", g.lo, g.hi,
                     ib_ratio_ci_significant(&g) ? "" : ", not significant");
        printf("geometric mean %.3f, %s (bootstrap over repetitions, %d resamples, fixed "
               "seed); worst %.3f (%s%s)\n",
               g.est, iv, BOOT_REPLICATES, worst, worst_layer, worst_verdict);
    }
    network_sum(pa, pb, counts, n, nrounds, impl, base);
    if (counts_differ && strcspn(impl, "@") == strcspn(base, "@") &&
        !strncmp(impl, base, strcspn(impl, "@")))
        speedups(pa, pb, est, n, impl, base);
    else
        peak_floor(pa, pb, counts, n, impl, base);
    return 0;
}
