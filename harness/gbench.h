/* A C interface to Google Benchmark (which has none): register C callbacks with FLOP, byte
 * and percent-of-peak counters, run, shut down. Implemented in harness/gbench_shim.cc. */
#ifndef IB_GBENCH_H
#define IB_GBENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The timed body: runs the kernel iters times; returns 0, or nonzero to stop the benchmark
 * with an error. */
typedef int (*ib_gb_fn)(void *ctx, int64_t iters);

typedef struct ib_gb_bench {
    const char *name; /* e.g. "conv/Mixed_6b.branch7x7_2/onednn" */
    ib_gb_fn fn;
    void *ctx;
    /* counter FLOPS (rate): executed work, padding taps left out; 0: no counter */
    double flops_per_iter;
    /* counter FLOPS_nominal (rate): padding taps included (conv, fc); 0: no counter */
    double flops_nominal_per_iter;
    double bytes_per_iter; /* counter bytes (rate); 0: no counter */
    double peak_flops;     /* counter pct_peak = FLOPS / peak * 100; 0: unknown, no counter */
    /* An algorithm that does not run the direct count (Winograd): counter FLOPS_alg (rate), 2 x
     * its real element-wise multiply-adds, which pct_peak then counts instead of FLOPS (the
     * effective rate, on the direct count), and counter FLOPS_transform (rate), the flops of
     * its transforms; 0: no counters */
    double alg_flops_per_iter;
    double transform_flops_per_iter;
    /* counter max_rel_err (when has_rel_err): an inexact algorithm's largest error against
     * the reference over the largest reference value, from verification */
    int has_rel_err;
    double max_rel_err;
    /* the probe that measured peak_flops, named in the warning when pct_peak passes 102% */
    const char *peak_probe;
    double triad_bytes; /* counter pct_triad = bytes rate / this STREAM-triad rate * 100
                           (memory-bound kernels); 0: no counter */
    /* counter omp_threads: the OpenMP threads the kernel runs with inside the one benchmark
     * thread; 0: no counter */
    int omp_threads;
    /* Threaded kernels: iterations timed on the wall clock (UseRealTime) and cpu_time the
     * whole process's CPU time (MeasureProcessCPUTime), as Google Benchmark's documentation
     * asks for code that starts its own threads. Else this thread's CPU time. */
    int use_real_time;
    const char *label; /* shown beside the result (e.g. oneDNN's "jit:avx2"); may be NULL */
    const char *error; /* non-NULL: reported as failed with this message, fn never called */
    int repetitions;   /* > 0: this benchmark's repetitions (else --benchmark_repetitions) */
    double min_time;   /* > 0: seconds per repetition, at least (else the flag's value) */
    void *tag;         /* handed back with each of its samples by ib_gb_run_collect */
} ib_gb_bench;

/* One repetition of one benchmark, as Google Benchmark measured it. */
typedef struct ib_gb_sample {
    const char *name;
    void *tag;          /* the registration's tag */
    int64_t repetition; /* 0-based; Google Benchmark's repetition_index */
    int64_t iterations;
    double real_s, cpu_s; /* seconds per iteration, wall and this process's CPU time */
    const char *error;    /* non-NULL: the repetition failed with this message */
} ib_gb_sample;
typedef void (*ib_gb_sample_fn)(void *ud, const ib_gb_sample *s);

/* Google Benchmark's Initialize: consumes the --benchmark_* flags it knows from argv and
 * leaves the rest (argv[0] first) in *argc/argv. */
void ib_gb_init(int *argc, char **argv);
/* Registers one benchmark (strings are copied); returns 0, or -1 when b is unusable. */
int ib_gb_register(const ib_gb_bench *b);
/* Adds a key/value to the context block of the report (the JSON "context"). */
void ib_gb_add_context(const char *key, const char *value);
/* Runs the registered benchmarks that pass --benchmark_filter; returns how many ran. */
int ib_gb_run(void);
/* Runs every registered benchmark without printing, handing each repetition to fn (with
 * --benchmark_enable_random_interleaving, the repetitions of all of them in random order).
 * Returns how many benchmarks ran. */
int ib_gb_run_collect(ib_gb_sample_fn fn, void *ud);
/* Forgets every registered benchmark, so a job can register and run its own set. */
void ib_gb_clear(void);
/* Initializes Google Benchmark once for jobs that build their own flags (factor, net):
 * repetitions of the benchmarks run in one call are interleaved at random. A later
 * ib_gb_init with a user's flags still applies them. */
void ib_gb_init_interleaved(void);
/* How many benchmarks stopped with an error (failed verification or a failing run). */
int ib_gb_errors(void);
/* How many benchmarks reported a pct_peak above 102% (each also warned on stderr). */
int ib_gb_peak_warnings(void);
void ib_gb_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif
