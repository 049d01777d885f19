/* The incbench commands: each is int cmd(int argc, char **argv) with argv[0] the command name;
 * it returns the process exit status (0 ok, 1 a check failed, 2 bad usage or error). */
#ifndef IB_COMMANDS_H
#define IB_COMMANDS_H

#define IB_CMD(name, summary) int ib_cmd_##name(int argc, char **argv);
#include "cli/commands.inc"
#undef IB_CMD

/* How many benchmarks 'incbench bench' with these options (layer, implementations, shapes,
 * batch, --benchmark_filter) would register, without verifying or timing any; -1 on an
 * error (the reason printed). */
struct ib_run_opts;
int ib_bench_count(const struct ib_run_opts *o);

#endif
