/* machine.csv: what a results folder says about the machine and the build that produced it. */
#ifndef IB_BENCH_RUN_INFO_H
#define IB_BENCH_RUN_INFO_H

/* Writes dir/machine.csv (key,value rows: CPU, ISA, caches, threads, compiler, flags, library
 * versions). Returns 0, or 2 when the file cannot be written. */
int ib_run_info_write(const char *dir, int threads);

#endif
