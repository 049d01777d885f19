/* incbench bench: every distinct Inception-v3 layer x every implementation that runs here,
 * verified against the reference once, then timed by Google Benchmark. */
#include <omp.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/registry.h"
#include "harness/cases.h"
#include "harness/gbench.h"
#include "harness/peak_probes.h"
#include "harness/run_common.h"
#include "harness/verify.h"
#include "ops/op_traits.h"

enum { MAX_IMPLS = 32 };

/* What a run selects: the options, and Google Benchmark's filter applied early so that
 * skipped cases cost nothing. */
typedef struct options {
    const ib_run_opts *run;
    regex_t filter;
    int has_filter, filter_negated;
    int count_only; /* count what would be registered: no verification, no timing */
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: incbench bench [--layer PATTERN] [--impl LIST] [--shape DESC]... [opts]\n"
            "                      [Google Benchmark flags]\n\n"
            "Times every distinct Inception-v3 layer (conv, maxpool, avgpool, concat, gap, fc,\n"
            "softmax; bn and relu on each distinct conv output; the label-smoothing loss on the\n"
            "logits), or your own problems (--shape, --shapes), with every implementation that\n"
            "runs on this CPU. Each one is first checked against the scalar reference; a\n"
            "mismatch is reported as an error and not timed. Benchmarks are named\n"
            "OP/LAYER/IMPL, e.g. conv/Mixed_6b.branch7x7_2/onednn (LAYER: a shape's name).\n"
            "--out DIR writes DIR/bench.json (Google Benchmark JSON).\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(bench));
    fprintf(f, "\nCounters (per second unless said):\n"
               "  FLOPS          executed work: 2 x the multiply-adds whose input tap lies inside\n"
               "                 the input (conv, fc); the layer's own operation count otherwise\n"
               "  FLOPS_nominal  conv and fc: 2 x every multiply-add, padding taps included\n"
               "  bytes          inputs, parameters and outputs, each once\n"
               "  pct_peak       conv and fc: FLOPS as a percent of the FMA peak of the ISA the\n"
               "                 implementation runs (ours: its own; oneDNN, libxsmm: the best\n"
               "                 under the INCBENCH_ISA cap), measured now at this thread count.\n"
               "                 One work base for every implementation: a kernel that multiplies\n"
               "                 padding taps by zero (our AVX-512 conv, where a tap's padding\n"
               "                 reaches both ends of a tile) does that work on top, it is not\n"
               "                 counted. Above 102%% is warned about on stderr: the probe or\n"
               "                 the count is wrong\n"
               "  pct_triad      memory-bound layers: bytes as a percent of a STREAM triad over a\n"
               "                 working set of the same size, measured in the same run\n"
               "  omp_threads    (plain value) the OpenMP threads the kernel ran with\n"
               "With one thread, Google Benchmark iterates on the benchmark thread's CPU time.\n"
               "With more than one thread, times are wall time (Google Benchmark's UseRealTime)\n"
               "and cpu_time the process's CPU time (MeasureProcessCPUTime); names then end in\n"
               "/process_time/real_time and 'threads' stays 1 (one benchmark thread).\n\n"
               "Any --benchmark_* flag goes to Google Benchmark (--benchmark_filter=REGEX,\n"
               "--benchmark_repetitions=N, --benchmark_format=json, --benchmark_out=FILE,\n"
               "--benchmark_min_time=S, ...).\n");
}

static int name_passes_filter(const options *s, const char *name)
{
    if (!s->has_filter)
        return 1;
    int m = regexec(&s->filter, name, 0, NULL, 0) == 0;
    return s->filter_negated ? !m : m;
}

static int run_instance(void *ctx, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++)
        if (ib_instance_run(ctx) != IB_OK)
            return 1;
    return 0;
}

typedef struct totals {
    int registered, failed, skipped;
    ib_instance **live; /* registered instances, destroyed after the run */
    int nlive, cap;
} totals;

static int keep_instance(totals *t, ib_instance *inst)
{
    if (t->nlive == t->cap) {
        int cap = t->cap ? 2 * t->cap : 64;
        ib_instance **p = realloc(t->live, (size_t)cap * sizeof *p);
        if (!p)
            return 0;
        t->live = p;
        t->cap = cap;
    }
    t->live[t->nlive++] = inst;
    return 1;
}

/* --verbose: the kernel that runs and, where it has one, the plan it made on this CPU. */
static void print_plan(const char *name, const ib_impl *im, const ib_desc *d, const char *label)
{
    const ib_native *nat = im->native ? im->native(d) : NULL;
    char plan[320] = "";
    if (nat && nat->describe)
        nat->describe(d, plan, sizeof plan);
    fprintf(stderr, "incbench bench: %s: %s%s%s\n", name, label[0] ? label : im->name,
            plan[0] ? ": " : "", plan);
}

/* Verifies and registers every selected implementation of one case. */
static int bench_one(const options *o, const ib_problem *bc, int threads, totals *t)
{
    const ib_impl *impls[MAX_IMPLS];
    int nimpl = ib_registry_find(bc->desc.op, 0, impls, MAX_IMPLS);
    const char *op = ib_op_name(bc->desc.op);
    ib_vcase vc;
    int have_case = 0;
    for (int k = 0; k < nimpl; k++) {
        const ib_impl *im = impls[k];
        char name[192], label[96], err[320];
        snprintf(name, sizeof name, "%s/%s/%s", op, bc->layer, im->name);
        const char *why = NULL;
        if (!ib_impl_selected(o->run->impls, im) || !name_passes_filter(o, name))
            continue;
        if (im->supports && !im->supports(&bc->desc, &why)) {
            t->skipped++;
            continue;
        }
        if (o->count_only) {
            t->registered++;
            continue;
        }
        ib_err e = {{0}};
        if (!have_case) {
            if (ib_vcase_init(&vc, &bc->desc, 0x1bc0ffee, &e) != IB_OK) {
                fprintf(stderr, "incbench bench: %s: %s\n", bc->layer, e.msg);
                return 2;
            }
            have_case = 1;
        }
        ib_instance *inst = NULL;
        ib_verify_result r;
        ib_status st = ib_vcase_verify_impl(&vc, im, &inst, &r, &e);
        ib_work w;
        ib_desc_work(&bc->desc, &w);
        /* executed work (padding taps left out), the base of pct_peak too; memory-bound
         * layer types get a pct_triad counter, their bytes rate against a STREAM triad over a
         * working set of the same size, measured now */
        const ib_op_traits *traits = ib_op_traits_of(bc->desc.op);
        const int fma_bound = traits->fma_bound;
        const ib_isa pisa = fma_bound ? ib_impl_peak_isa(im) : IB_ISA_SCALAR;
        ib_gb_bench b = {
            .name = name,
            .fn = run_instance,
            .ctx = inst,
            .flops_per_iter = (double)w.flops_exec,
            .flops_nominal_per_iter = fma_bound ? 2.0 * (double)w.macs : 0,
            .bytes_per_iter = (double)(w.bytes_read + w.bytes_written),
            .peak_flops = fma_bound ? ib_peak_fma(pisa, threads) : 0,
            .peak_probe = ib_peak_fma_probe_name(pisa),
            .triad_bytes =
                traits->memory_bound
                    ? ib_peak_triad_bytes((double)(w.bytes_read + w.bytes_written), threads)
                    : 0,
            .omp_threads = threads,
            .use_real_time = threads > 1,
            .has_rel_err = im->error_bound && st == IB_OK,
            .max_rel_err = st == IB_OK ? r.max_rel : 0,
        };
        if (im->work) {
            int64_t products, transforms;
            im->work(&bc->desc, &products, &transforms);
            b.alg_flops_per_iter = 2.0 * (double)products;
            b.transform_flops_per_iter = (double)transforms;
        }
        if (st == IB_UNSUPPORTED) {
            fprintf(stderr, "incbench bench: %s: skipped: %s\n", name, e.msg);
            t->skipped++;
            continue;
        }
        if (st != IB_OK) {
            snprintf(err, sizeof err, "not timed: %s", e.msg);
            b.error = err;
        } else if (!r.ok) {
            snprintf(err, sizeof err, "verification FAILED (%lld elements): %s", (long long)r.bad,
                     r.msg);
            b.error = err;
            ib_instance_destroy(inst); /* never timed */
            b.ctx = NULL;
        }
        if (b.error) {
            fprintf(stderr, "incbench bench: %s: %s\n", name, b.error);
            t->failed++;
        } else {
            ib_impl_kernel_name(im, &bc->desc, label, sizeof label);
            b.label = label;
            if (o->run->verbose)
                print_plan(name, im, &bc->desc, label);
        }
        /* Instances stay alive until the run: Google Benchmark times them later. */
        if (b.ctx && !keep_instance(t, b.ctx)) {
            ib_instance_destroy(b.ctx);
            fprintf(stderr, "incbench bench: out of memory\n");
            ib_vcase_free(&vc);
            return 2;
        }
        ib_gb_register(&b);
        t->registered++;
    }
    if (have_case)
        ib_vcase_free(&vc);
    return 0;
}

/* Measures, before anything is timed, the FMA peak of every ISA that a selected conv or fc
 * implementation is held to, at the thread count of the run, and prints them first; they also
 * go into the JSON context as incbench_peak_<probe> (FLOP/s). */
static void print_peaks(const options *s, int threads)
{
    const ib_run_opts *o = s->run;
    int need[IB_ISA_COUNT] = {0};
    for (int r = 0; r < ib_registry_count(); r++) {
        const ib_impl *im = ib_registry_at(r);
        if (ib_op_traits_of(im->op)->fma_bound && !im->test_only && ib_impl_usable(im, NULL) &&
            ib_impl_selected(o->impls, im))
            need[ib_impl_peak_isa(im)] = 1;
    }
    fprintf(stderr,
            "incbench bench: FMA peaks measured now at %d thread%s (pct_peak's "
            "denominators):",
            threads, threads > 1 ? "s" : "");
    int any = 0;
    for (int i = 0; i < IB_ISA_COUNT; i++) {
        if (!need[i])
            continue;
        const double p = ib_peak_fma((ib_isa)i, threads);
        char key[64], val[32];
        fprintf(stderr, "%s %s %.1f GFLOP/s", any++ ? "," : "", ib_peak_fma_probe_name((ib_isa)i),
                p * 1e-9);
        snprintf(key, sizeof key, "incbench_peak_%s", ib_peak_fma_probe_name((ib_isa)i));
        for (char *c = key; *c; c++)
            if (*c == '-')
                *c = '_';
        snprintf(val, sizeof val, "%.4g", p);
        ib_gb_add_context(key, val);
    }
    fprintf(stderr, "%s\n", any ? "" : " none (no conv or fc implementation selected)");
}

static const ib_cmd_spec spec = IB_CMD_SPEC(bench, IB_SPEC_GBENCH | IB_SPEC_NO_BEST, 0, usage);

/* Compiles the last --benchmark_filter given, as Google Benchmark applies the last one. */
static void compile_filter(options *s)
{
    const ib_run_opts *o = s->run;
    for (int i = o->ngb - 1; i >= 0; i--) {
        if (strncmp(o->gb_args[i], "--benchmark_filter=", 19))
            continue;
        const char *re = o->gb_args[i] + 19;
        s->filter_negated = re[0] == '-';
        /* Google Benchmark's regex dialect is close to POSIX extended; if this one does not
         * compile, Google Benchmark alone filters. */
        s->has_filter = regcomp(&s->filter, re + s->filter_negated, REG_EXTENDED | REG_NOSUB) == 0;
        return;
    }
}

/* Verifies and registers (or, count_only, counts) every selected benchmark of the run's
 * cases; 0, or 2 on an error (said on stderr). */
static int register_all(const options *s, int threads, totals *t)
{
    ib_err e = {{0}};
    ib_problem *cases = calloc(IB_MAX_CASES, sizeof *cases);
    const int ncases = cases ? ib_run_cases(s->run, cases, IB_MAX_CASES, &e) : -1;
    if (ncases < 0) {
        fprintf(stderr, "incbench bench: %s\n", cases ? e.msg : "out of memory");
        free(cases);
        return 2;
    }
    int rc = 0;
    for (int i = 0; i < ncases && rc == 0; i++)
        if (ib_layer_matches(s->run->layer, cases[i].layer))
            rc = bench_one(s, &cases[i], threads, t);
    free(cases);
    return rc;
}

int ib_bench_count(const ib_run_opts *o)
{
    options s = {.run = o, .count_only = 1};
    compile_filter(&s);
    totals t = {0};
    const int rc = register_all(&s, 1, &t);
    if (s.has_filter)
        regfree(&s.filter);
    return rc ? -1 : t.registered;
}

/* Google Benchmark's command line: the command's name, the --benchmark_* flags given, and
 * the JSON file of --out. */
static int gb_command_line(const ib_run_opts *o, char *name, char **argv, char *out_flag,
                           int out_len)
{
    int argc = 0;
    argv[argc++] = name;
    for (int i = 0; i < o->ngb; i++)
        argv[argc++] = (char *)o->gb_args[i];
    if (o->out) {
        snprintf(out_flag, (size_t)out_len, "--benchmark_out=%s/bench.json", o->out);
        argv[argc++] = out_flag;
        argv[argc++] = (char *)"--benchmark_out_format=json";
    }
    argv[argc] = NULL;
    return argc;
}

int ib_cmd_bench(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "bench");
    int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    char *gb_argv[IB_MAX_ARGS + 4], out_flag[1100];
    int gb_argc = gb_command_line(&o, argv[0], gb_argv, out_flag, sizeof out_flag);
    ib_gb_init(&gb_argc, gb_argv);
    if (gb_argc > 1) {
        fprintf(stderr,
                "incbench bench: unknown option '%s' (not one of Google Benchmark's; see "
                "'incbench bench --help')\n",
                gb_argv[1]);
        return 2;
    }

    const int threads = ib_run_opts_threads(&o);
    const ib_cpu *cpu = ib_cpu_get();
    if (!o.quiet)
        fprintf(stderr, "incbench bench: %s, ISA cap %s, %d thread%s, batch %lld\n", cpu->model,
                ib_isa_name(cpu->cap), threads, threads > 1 ? "s" : "", (long long)o.batch);
    options s = {.run = &o};
    compile_filter(&s);
    print_peaks(&s, threads);
    char buf[64];
    snprintf(buf, sizeof buf, "%d", threads);
    ib_gb_add_context("incbench_threads", buf);
    ib_gb_add_context("incbench_isa_cap", ib_isa_name(cpu->cap));
    snprintf(buf, sizeof buf, "%lld", (long long)o.batch);
    ib_gb_add_context("incbench_batch", buf);

    totals t = {0};
    rc = register_all(&s, threads, &t);
    if (rc == 0 && t.registered == 0) {
        fprintf(stderr, "incbench bench: nothing to run (check --layer, --impl and "
                        "--benchmark_filter)\n");
        rc = 2;
    }
    if (rc == 0) {
        if (!o.quiet)
            fprintf(stderr,
                    "incbench bench: %d benchmarks verified and registered, %d failed, "
                    "%d skipped\n",
                    t.registered - t.failed, t.failed, t.skipped);
        ib_gb_run();
        rc = t.failed || ib_gb_errors() ? 1 : 0;
        if (ib_gb_peak_warnings())
            fprintf(stderr,
                    "incbench bench: WARNING: %d benchmark%s above 102%% of peak (see "
                    "above)\n",
                    ib_gb_peak_warnings(), ib_gb_peak_warnings() > 1 ? "s" : "");
    }
    ib_gb_shutdown();
    for (int i = 0; i < t.nlive; i++)
        ib_instance_destroy(t.live[i]);
    free(t.live);
    if (s.has_filter)
        regfree(&s.filter);
    return rc;
}
