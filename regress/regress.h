/* The verdict logic of incbench regress, kept apart from its I/O: per-benchmark repetition
 * times from Google Benchmark JSON, the comparison with a baseline (median change,
 * Mann-Whitney U test, run-to-run noise), the verdicts, and the key naming a CPU. */
#ifndef IB_BENCH_REGRESS_H
#define IB_BENCH_REGRESS_H

#include <stdio.h>

#include "core/cpu.h"
#include "report/json.h"

#define IB_RG_DEFAULT_THRESHOLD 0.05 /* a 5% slowdown */
#define IB_RG_DEFAULT_ALPHA 0.05
#define IB_RG_DEFAULT_REPS 12  /* repetitions per process of a run */
#define IB_RG_MIN_BASE_PROCS 3 /* a baseline samples at least this many processes */
#define IB_RG_DEFAULT_BASE_PROCS                                                                   \
    5                               /* and by default this many: the process-to-process bound      \
                                       shrinks fast with them (t at alpha/m with 3 + 2             \
                                       processes, df 3, is 6.2 for 6 benchmarks; with 5 + 3,       \
                                       df 6, 3.9, and the sqrt(1/kb + 1/kc) factor drops too) */
#define IB_RG_DEFAULT_CHECK_PROCS 3 /* a check samples its own process-to-process change */

typedef struct ib_rg_opts {
    double threshold;  /* smallest relative change that counts (0.05: 5%) */
    double alpha;      /* significance level of the U test */
    int use_real_time; /* compare "real_time"; else "cpu_time" (one thread: immune to
                          time the process spends descheduled) */
    int subset;        /* this run was restricted (--layer, --impl, a filter): baseline
                          benchmarks it did not run are left out rather than MISSING */
} ib_rg_opts;

/* One benchmark's repetitions, in nanoseconds, and the process each ran in. */
typedef struct ib_rg_bench {
    char *name;
    double *ns;
    int *proc; /* per repetition: its "incbench_process" (0 when the entry has none) */
    int n, cap;
    char problem[160]; /* non-empty: unusable (an error, a NaN or negative time, no unit) */
} ib_rg_bench;

typedef struct ib_rg_set {
    ib_rg_bench *b;
    int n, cap;
} ib_rg_set;

/* Collects the per-repetition entries ("run_type": "iteration", or no run_type as in files
 * written without repetitions) of a Google Benchmark JSON document, grouped by run_name (else
 * name) in order of first appearance. Aggregates are skipped, but their benchmark is listed
 * (with no repetitions). A repetition's process is its "incbench_process" member, which
 * ib_rg_merge writes. IB_INVALID when doc is not a Google Benchmark report: the message
 * names the first bad entry. */
ib_status ib_rg_samples(const ib_json *doc, int use_real_time, ib_rg_set *s, ib_err *e);
void ib_rg_set_free(ib_rg_set *s);
/* The benchmark of s called name, NULL when none. */
const ib_rg_bench *ib_rg_find(const ib_rg_set *s, const char *name);

typedef enum ib_rg_verdict {
    IB_RG_SAME, /* no significant change beyond threshold and noise */
    IB_RG_FASTER,
    IB_RG_SLOWER,  /* a regression */
    IB_RG_NEW,     /* only in this run: nothing to compare with */
    IB_RG_MISSING, /* only in the baseline: it did not run */
    IB_RG_INVALID, /* cannot be compared: no or too few repetitions, an error, a NaN time */
    IB_RG_NVERDICTS
} ib_rg_verdict;

const char *ib_rg_verdict_name(ib_rg_verdict v); /* "same", "faster", "SLOWER", ... */

typedef struct ib_rg_row {
    char *name;
    ib_rg_verdict verdict;
    int n_base, n_new;        /* repetitions */
    double med_base, med_new; /* median times, ns (NaN when unknown) */
    double change;            /* med_new / med_base - 1 */
    double p;                 /* two-sided Mann-Whitney U p-value (NaN when not tested) */
    double noise;             /* the largest of: each side's relative MAD (median absolute
                                 deviation / median: how far one repetition typically lies
                                 from the median) and the between-process noise */
    double spread_proc;       /* between-process noise: the two-sample t bound (95%) on the
                                 per-process medians of kb and kc processes, each divided
                                 by its process's common speed, t(kb+kc-2) *
                                 pooled sd * sqrt(1/kb + 1/kc), relative; NaN when neither
                                 side ran in 2 or more processes */
    double mds;               /* minimum detectable slowdown (ib_rg_min_detectable): the
                                 smallest slowdown this comparison could have flagged;
                                 INFINITY when none; NaN when not tested */
    char note[192];           /* why this verdict */
} ib_rg_row;

enum { IB_RG_DRIFT_MIN = 5 };

typedef struct ib_rg_report {
    ib_rg_row *rows; /* the baseline's benchmarks in order, then the new ones */
    int n;
    int count[IB_RG_NVERDICTS];
    int m; /* benchmarks with a U test: Holm's m */
    double alpha;
    int refused;             /* 1: with these repetitions no benchmark could reach p < alpha/m, so
                                the run can detect nothing; every tested row is INVALID */
    int reps_base, reps_new; /* the repetitions of the best-powered tested row */
    double mds_max;          /* the largest minimum detectable slowdown of the compared benchmarks:
                                "no regression larger than this" (NaN when none compared) */
    /* The change every compared benchmark shares (the median of their changes, NaN with
     * fewer than IB_RG_DRIFT_MIN): a machine that got slower or faster between the baseline
     * and now moves all of them alike, a code change rarely does. A benchmark is SLOWER or
     * FASTER only when its change against this common one also passes the threshold and its
     * noise; shift is +1 (-1) when the common change itself passes the threshold and the
     * benchmarks' median noise: everything slower (faster), the machine or a change that
     * touches everything (compiler, flags). */
    double drift;
    int shift;
    /* Each process's common speed (regress/regress_speed.h), taken over speed_bench
     * benchmarks (0: too few, none taken), is divided out of that process's medians before
     * their spread becomes a benchmark's between-process noise. The spread of those speeds
     * is the common change's own noise: drift_noise, the two-sample t bound (95%) on the
     * processes' log speeds of both sides (NaN when not taken). shift needs the common change
     * beyond it too. */
    int speed_bench;
    double drift_noise;
} ib_rg_report;

/* Compares per benchmark. A benchmark is SLOWER only when all three hold: the U test says
 * the two sides differ (p < alpha, Holm-corrected over the m benchmarks tested), the median
 * slowed down by more than the threshold, and by more than the noise (the relative MAD of
 * each side and the between-process noise). FASTER is the mirror image. When the
 * sample sizes cannot give p < alpha/m at all, the row is INVALID rather than a silent "same";
 * when that holds for every tested row the report is refused. Each tested row gets its
 * minimum detectable slowdown. */
ib_status ib_rg_compare(const ib_rg_set *base, const ib_rg_set *cur, const ib_rg_opts *o,
                        ib_rg_report *r, ib_err *e);
void ib_rg_report_free(ib_rg_report *r);

/* 1 when anything is slower; else 2 when something could not be compared (missing, invalid,
 * or nothing compared at all) or the run was refused; else 0. */
int ib_rg_exit_status(const ib_rg_report *r);
/* The one-line verdict, e.g. "REGRESSION: 1 of 5 benchmarks slower: relu/x/ref +21.0%" or
 * "NO REGRESSION larger than 6.2%: ..."; "REFUSED: ..." when the run could detect nothing. */
void ib_rg_verdict_line(const ib_rg_report *r, char *buf, int len);
/* The table, then the verdict line. */
void ib_rg_print(FILE *f, const ib_rg_report *r, const ib_rg_opts *o);

/* Moves src's per-repetition entries into *dst (src itself when *dst is NULL), each marked
 * with "incbench_process": proc; aggregates are dropped, since each process computed its own
 * over its own repetitions. src is consumed. The result stays a Google Benchmark report. */
ib_status ib_rg_merge(ib_json **dst, ib_json *src, int proc, ib_err *e);

/* The CPU's identity as text: arch, vendor, model name, ISA flags, logical CPUs, caches. */
void ib_rg_cpu_identity(const ib_cpu *c, char *buf, int len);
/* A stable file-name-safe key: "<vendor>-<model slug>-<best isa>-<cores>c-<hash8>", hash8 the
 * FNV-1a hash of the identity. The compiler and flags are not part of it: a compiler change
 * is one of the changes the baseline must catch. */
void ib_rg_cpu_key(const ib_cpu *c, char *buf, int len);

#endif
