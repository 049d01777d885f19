/* incbench list: every registered implementation, its ISA, and whether it runs here. */
#include <stdio.h>

#include "bench/cli.h"
#include "bench/commands.h"
#include "kernels/registry.h"

int ib_cmd_list(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (ib_cli_is_help(argv[i])) {
            printf("usage: incbench list\nLists every implementation compiled in: layer type, "
                   "name, the ISA it needs,\nand whether it runs on this CPU (and if not, why).\n");
            return 0;
        }
        return ib_cli_unknown("list", argv[i]);
    }
    const ib_cpu *cpu = ib_cpu_get();
    printf("CPU: %s (%s, %d logical CPUs), best ISA %s, cap %s\n", cpu->model, cpu->arch,
           cpu->cores, ib_isa_name(cpu->best), ib_isa_name(cpu->cap));
    printf("%-8s %-14s %-7s %s\n", "op", "implementation", "isa", "runs here");
    for (int i = 0; i < ib_registry_count(); i++) {
        const ib_impl *im = ib_registry_at(i);
        const char *why = NULL;
        int ok = ib_impl_usable(im, &why);
        printf("%-8s %-14s %-7s %s%s%s%s\n", ib_op_name(im->op), im->name, ib_isa_name(im->isa),
               ok ? "yes" : "no", ok ? "" : ": ", ok ? "" : (why ? why : ""),
               im->opt_in ? " (only when named with --impl)" : "");
    }
    return 0;
}
