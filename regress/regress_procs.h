/* Measurement in separate processes for incbench regress: the program re-executed once per
 * process, each writing its own Google Benchmark JSON, their repetitions merged into one
 * report. One process never samples what differs between processes (memory layout, page
 * placement, the state of caches and clocks at its start); several do. */
#ifndef IB_BENCH_REGRESS_PROCS_H
#define IB_BENCH_REGRESS_PROCS_H

#include "report/json.h"

/* Runs exe nprocs times, one after the other, with argv (argv[0] first, argc entries) followed
 * by the regression run's Google Benchmark flags (ib_rg_gb_flags: reps repetitions of
 * min_time seconds, JSON into a temporary file of its own), and merges the reports
 * (ib_rg_merge: repetitions marked with their process 0..nprocs-1) into *out, whose context
 * gets "incbench_processes". Children inherit the CPU pinning. IB_INVALID when a process
 * fails (its exit status named) or writes no report. */
ib_status ib_rg_run_procs(const char *exe, char *const *argv, int argc, int nprocs, int reps,
                          double min_time, ib_json **out, ib_err *e);

/* The number of processes a report holds (its context's "incbench_processes"; 1 when it has
 * none, as a plain Google Benchmark file). */
int ib_rg_procs_of(const ib_json *doc);

#endif
