/* The table of the ISAs this build compiles, and whether one runs here. */
#include "core/isa.h"

#include <stddef.h>

/* IB_ISA_LIST comes from the Makefile: IB_ISA_ENTRY(name) for every arch/<name>/ built. */
#ifndef IB_ISA_LIST
#define IB_ISA_LIST
#endif

#define IB_ISA_ENTRY(name) extern const ib_isa_traits ib_isa_##name##_traits;
extern const ib_isa_traits ib_isa_scalar_traits;
IB_ISA_LIST
#undef IB_ISA_ENTRY

#define IB_ISA_ENTRY(name) &ib_isa_##name##_traits,
static const ib_isa_traits *const table[] = {&ib_isa_scalar_traits, IB_ISA_LIST};
#undef IB_ISA_ENTRY

int ib_isa_count(void)
{
    return (int)(sizeof table / sizeof table[0]);
}

const ib_isa_traits *ib_isa_at(int i)
{
    return i >= 0 && i < ib_isa_count() ? table[i] : NULL;
}

const ib_isa_traits *ib_isa_traits_of(ib_isa isa)
{
    for (int i = 0; i < ib_isa_count(); i++)
        if (table[i]->isa == isa)
            return table[i];
    return NULL;
}

/* The cap never exceeds the hardware (ib_cpu_parse_cap), and the ISAs of one architecture
 * are ordered, so an ISA present here is allowed when it does not rank above the cap. */
int ib_isa_usable(ib_isa isa, const char **why)
{
    const ib_cpu *c = ib_cpu_get();
    const ib_isa_traits *t = ib_isa_traits_of(isa);
    if ((unsigned)isa >= IB_ISA_COUNT) {
        if (why)
            *why = "unknown ISA";
        return 0;
    }
    if (!t || !t->present(c)) {
        if (why)
            *why = "ISA not present on this CPU";
        return 0;
    }
    if (isa > c->cap) {
        if (why)
            *why = "ISA above the INCBENCH_ISA cap";
        return 0;
    }
    return 1;
}
