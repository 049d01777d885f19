/* ISA traits: what the core and the driver know about an instruction set, stated once in the
 * ISA's own folder (arch/<isa>/isa.c; the portable one in core/isa_scalar.c). The build
 * lists the ISAs it compiles (each folder's rules.mk adds itself to ISAS), and every loop over
 * ISAs (peaks, the triad, usability) goes through this table. */
#ifndef IB_ISA_H
#define IB_ISA_H

#include <stdint.h>

#include "core/cpu.h"

typedef struct ib_isa_traits {
    ib_isa isa;
    int vector_floats; /* fp32 lanes of one vector: the channel block of its nChw<V>c layout */
    /* Whether the CPU (and the OS) support it. */
    int (*present)(const ib_cpu *c);
    /* FMA peak probe: iters iterations of one FMA (2 flops per lane) on each of fma_chains
     * independent chains of vectors; returns a value derived from the results, so that
     * nothing is optimised away. */
    double (*fma_probe)(int64_t iters);
    int fma_chains;
    /* The STREAM triad a = b + s*c with its own vectors; NULL: the portable loop. */
    void (*triad)(float *a, const float *b, const float *c, float s, int64_t n);
} ib_isa_traits;

/* The ISAs this build compiles, the portable scalar one first. */
int ib_isa_count(void);
const ib_isa_traits *ib_isa_at(int i);
/* NULL when this build does not compile isa. */
const ib_isa_traits *ib_isa_traits_of(ib_isa isa);

#endif
