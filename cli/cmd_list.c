/* incbench list: every registered implementation, its ISA, and whether it runs here. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/registry.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench list\nLists every implementation compiled in: layer type, name, "
               "the ISA it needs,\nand whether it runs on this CPU (and if not, why).\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(list));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(list, 0, 0, usage);

int ib_cmd_list(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "list");
    const int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
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
