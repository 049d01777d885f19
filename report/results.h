/* The results folder of a run (results/<date>-<cpu>/, never an earlier run's: -2, -3 ...
 * suffixes, created with mkdir, which fails when it exists), and the Google Benchmark JSON
 * the driver's own timings are written as. */
#ifndef IB_BENCH_RESULTS_H
#define IB_BENCH_RESULTS_H

#include <stdio.h>

#include "core/status.h"
#include "harness/run_common.h"

/* A file-name-safe slug of the CPU model: "intel-xeon-processor". */
void ib_results_cpu_slug(char *buf, int len);

/* Creates base/<stem> (base created first when missing), else base/<stem>-2, -3, ... up to
 * -999; writes the path made into path. Never reuses an existing folder. */
ib_status ib_results_mkdir(const char *base, const char *stem, char *path, int len, ib_err *e);

/* The default stem: "<YYYY-MM-DD>-<cpu slug>". */
void ib_results_default_stem(char *buf, int len);

/* Opens dir/name for writing; NULL with a message on stderr. */
FILE *ib_results_open(const char *dir, const char *name);

/* Google Benchmark JSON as Google Benchmark writes it for the benchmarks the run registered:
 * begin (writes the context block), one entry per benchmark (its repetitions as "iteration"
 * runs, then median/min/max aggregates), end. With real_time (registered with
 * MeasureProcessCPUTime()->UseRealTime(): threaded runs, the network pass) names end in
 * /process_time/real_time and rates divide by wall time; without it (one thread timed on its
 * CPU time) names carry no suffix and rates divide by CPU time, as Google Benchmark does.
 * "threads" is 1 (one benchmark thread) and the OpenMP threads are the omp_threads counter,
 * as in incbench bench's JSON; real_time is wall time and cpu_time CPU time, in ns per call.
 * A pct_peak above 102% is warned about on stderr. */
typedef struct ib_gbjson {
    FILE *f;
    int count;     /* entries written */
    int families;  /* benchmarks added (Google Benchmark's family_index) */
    int threads;   /* OpenMP threads of the run */
    int real_time; /* the benchmarks iterate on wall time (see above) */
} ib_gbjson;
int ib_gbjson_begin(ib_gbjson *j, const char *dir, const char *name, int threads, int real_time);
void ib_gbjson_add(ib_gbjson *j, const char *bench, const ib_timing *t, double flops, double peak,
                   const char *label);
void ib_gbjson_end(ib_gbjson *j);

#endif
