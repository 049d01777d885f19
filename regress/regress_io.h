/* The system side of incbench regress: baseline files (load with checks, atomic writes that
 * never replace one by accident), the context stamped into them, pinning to one CPU, and the
 * Google Benchmark flags of a regression run. */
#ifndef IB_BENCH_REGRESS_IO_H
#define IB_BENCH_REGRESS_IO_H

#include "core/cpu.h"
#include "report/json.h"

enum { IB_RG_MIN_REPS = 9 }; /* fewer and the U test is not to be trusted (compare.py says 9) */

/* "DIR/KEY.json". */
void ib_rg_baseline_path(const char *dir, const char *key, char *buf, int len);
int ib_rg_file_exists(const char *path);

/* Adds to doc's "context" the CPU identity and key, the compiler and build flags, and the
 * time field compared ("cpu_time" or "real_time"). */
ib_status ib_rg_stamp(ib_json *doc, const ib_cpu *c, int use_real_time, ib_err *e);

/* Reads a baseline and checks it: valid JSON, a Google Benchmark report whose entries are
 * well formed, stamped by incbench regress, recorded on the CPU named by key, and holding at
 * least IB_RG_MIN_BASE_PROCS processes ("incbench_processes"). Errors:
 * IB_IO (cannot read), IB_INVALID (corrupt, or a foreign CPU: the message names both keys). */
ib_status ib_rg_baseline_load(const char *path, const char *key, ib_json **doc, ib_err *e);

/* The settings that must match for a comparison to mean anything (threads, batch, ISA cap,
 * compared time field); IB_INVALID naming the first that differs. */
ib_status ib_rg_check_config(const ib_json *base, const ib_json *cur, ib_err *e);

/* Writes doc to path atomically: a temporary file beside it, flushed to disk, then linked to
 * path (which fails when path exists, unless force: then renamed over it). An interrupted run
 * leaves at worst a stray "PATH.tmp.PID", never a half-written baseline. Creates path's folder
 * when it is missing (one level). */
ib_status ib_rg_baseline_save(const char *path, const ib_json *doc, int force, ib_err *e);

/* Pins the calling thread to one allowed CPU: want when it is allowed (want >= 0), else the
 * highest-numbered allowed one (CPU 0 takes more interrupts). Returns the CPU, or -1 with
 * *why set when pinning is not possible here. */
int ib_rg_pin(int want, const char **why);

/* Google Benchmark flags of a regression run (repetitions interleaved in random order, JSON
 * written to out_path, only aggregates on the console) into argv[0..n-1]; bufs holds their
 * text. Returns n (IB_RG_GB_ARGS at most). */
enum { IB_RG_GB_ARGS = 6 };
int ib_rg_gb_flags(int reps, double min_time, const char *out_path, char bufs[][1100], char **argv);

#endif
