/* What verify, factor, net and the main job share: run options and their parsing, the timer
 * (warm-up, repetitions, median with min/max), progress on stderr, implementation selection
 * and the peak each implementation is measured against. */
#ifndef IB_BENCH_FACTOR_COMMON_H
#define IB_BENCH_FACTOR_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "cli/options.h"
#include "core/impl.h"

/* Applies --threads; returns the thread count in effect. */
int ib_run_opts_threads(const ib_run_opts *o);

/* The thread setting of a report whose question is not about threads (factor, net, all):
 * one thread unless --threads says otherwise, pinned to the CPU the process runs on (so the
 * scheduler cannot move it mid-measurement); ib_run_env_end restores the affinity. */
typedef struct ib_run_env {
    int threads;
    int pinned;
    unsigned char old_mask[128]; /* the affinity before pinning (a cpu_set_t) */
} ib_run_env;
void ib_run_env_begin(const ib_run_opts *o, ib_run_env *env);
void ib_run_env_end(ib_run_env *env);
/* When pinned: moves to the round-th CPU (cyclically) that the process was allowed before
 * pinning, so that rounds of a measurement sample every CPU alike; returns it, else -1. */
int ib_run_env_round(ib_run_env *env, int round);
/* "load average 0.52" or, when other work competes for the CPUs (the 1-minute load exceeds
 * threads + 0.5), "load average 3.10 (BUSY: ...)", into buf. */
const char *ib_load_note(int threads, char *buf, int len);

/* Progress line on stderr ("[factor 3/20] ..."), unless quiet. */
void ib_progress(const ib_run_opts *o, int i, int n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* 1 when every name of the comma list is a registered implementation ("ref", and "best" when
 * allow_best); else 0 with "incbench CMD: --impl: unknown implementation 'x' ..." and a line
 * listing the known names on stderr. */
int ib_impls_check(const char *cmd, const char *list, int allow_best);
/* 1 when name is selected by the comma list (NULL list: everything but "ref"). */
int ib_impl_listed(const char *list, const char *name);
/* 1 when im is selected by the list: named in it, or (NULL list) neither "ref" nor opt_in. */
int ib_impl_selected(const char *list, const ib_impl *im);
/* 1 when the layer name matches the pattern (substring, or glob with * ? [). */
int ib_layer_matches(const char *pattern, const char *name);

/* One timing: seconds per call. */
typedef struct ib_timing {
    int reps;
    int64_t iters; /* calls per repetition */
    double med, min, max, cv;
    double samples[IB_MAX_REPS];     /* wall seconds per call, per repetition */
    double cpu_samples[IB_MAX_REPS]; /* process CPU seconds (all threads) per call */
    int failed;                      /* a repetition stopped with an error */
} ib_timing;

/* med, min, max and cv of t's wall samples. */
void ib_timing_summarize(ib_timing *t);
/* For ib_gb_run_collect: appends a Google Benchmark repetition (wall and CPU seconds per call)
 * to the ib_timing its benchmark was registered with as tag; an error sets failed. */
struct ib_gb_sample;
void ib_gb_collect_timing(void *ud, const struct ib_gb_sample *s);

/* Times fn(ctx): one warm-up call, iterations per repetition grown until a repetition lasts
 * min_time, then reps repetitions. Returns 0, or the nonzero fn returned. */
typedef int (*ib_timed_fn)(void *ctx);
int ib_time(ib_timed_fn fn, void *ctx, double min_time, int reps, ib_timing *t);
/* One more repetition of t->iters calls (t from ib_time), the statistics updated: lets a
 * caller interleave the repetitions of several things so that they share the machine's
 * load. Does nothing once t holds IB_MAX_REPS repetitions. */
int ib_time_more(ib_timed_fn fn, void *ctx, ib_timing *t);
double ib_now(void);

/* Measured peak FLOP/s of that ISA with the given threads (cached). */
double ib_impl_peak(const ib_impl *impl, int threads);
/* The FLOPs %peak counts for impl on d: 2 x its algorithm's own multiply-adds where it has
 * them (ib_impl.work: Winograd's element-wise products), else the executed direct count
 * (flops_exec); impl may be NULL. */
double ib_impl_peak_flops(const ib_impl *impl, const ib_desc *d);
/* The multiply-adds impl's algorithm executes for d: its own (ib_impl.work) where it has them,
 * else the executed direct count (macs_nonpad; 0 for layers without multiply-adds). */
double ib_impl_algo_macs(const ib_impl *impl, const ib_desc *d);

/* What the implementation can say about the code it runs for d (a native kernel's name,
 * oneDNN's impl_info_str such as "brgconv:avx512_core"); "" when nothing. */
const char *ib_impl_kernel_name(const ib_impl *im, const ib_desc *d, char *buf, int len);

/* Implementation families (names) that have at least one registered implementation usable
 * here and are selected; returns the count written to names (at most max). */
int ib_families(const char *list, const char **names, int max);

/* "1.23 ms" style into buf. */
const char *ib_fmt_time(double s, char *buf, int len);

/* The jobs the commands and the main job run (each writes its CSV into o->out when set). */
typedef struct ib_verify_summary {
    int passed, failed, skipped;
} ib_verify_summary;
/* incbench verify: every (layer, implementation) against the reference; the table goes to
 * table (all rows when all_rows, else only failures). Returns 0, or 2 on an error. */
int ib_verify_job(const ib_run_opts *o, FILE *table, int all_rows, ib_verify_summary *s);

#endif
