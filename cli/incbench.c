/* incbench: the driver's entry point; dispatches to one command per cli/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/cpu.h"

typedef struct command {
    const char *name, *summary;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
#define IB_CMD(name, summary) {#name, summary, ib_cmd_##name},
#include "cli/commands.inc"
#undef IB_CMD
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench COMMAND [OPTIONS]   (incbench COMMAND --help for its options)\n\n"
               "SIMD kernels for every Inception-v3 layer type, verified against a scalar\n"
               "reference and timed beside oneDNN and libxsmm.\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nenvironment: INCBENCH_ISA=");
    for (int i = 0; i < IB_ISA_COUNT; i++)
        fprintf(f, "%s%s", i ? "|" : "", ib_isa_name((ib_isa)i));
    fprintf(f, " caps the ISA of our kernels;\n"
               "OMP_NUM_THREADS sets threads where --threads is not given.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (ib_cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    const ib_cpu *cpu = ib_cpu_get();
    if (cpu->cap_error[0]) {
        fprintf(stderr, "incbench: %s\n", cpu->cap_error);
        return 2;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "incbench: unknown command '%s' (see 'incbench --help')\n", argv[1]);
    return 2;
}
