/* CPU detection: ISA flags, model, cores, caches; and the ISA cap from INCBENCH_ISA. */
#ifndef IB_CPU_H
#define IB_CPU_H

#include <stdint.h>

/* Ordered within an architecture: a higher x86 ISA implies the lower ones. */
typedef enum ib_isa {
    IB_ISA_SCALAR, /* portable C: runs everywhere */
    IB_ISA_AVX2,   /* AVX2 + FMA */
    IB_ISA_AVX512, /* AVX-512 F, BW, VL, DQ */
    IB_ISA_NEON,   /* AArch64 Advanced SIMD */
    IB_ISA_COUNT
} ib_isa;

typedef struct ib_cpu {
    char arch[16];   /* "x86_64", "aarch64" */
    char vendor[16]; /* "AuthenticAMD", "GenuineIntel", "ARM" ... */
    char model[128]; /* from /proc/cpuinfo "model name" (or the CPU part on ARM) */
    int has_avx2, has_fma, has_avx512f, has_avx512bw, has_avx512vl, has_avx512dq, has_neon;
    int cores;           /* online logical CPUs */
    int64_t l1d, l2, l3; /* bytes; 0 when unknown */
    ib_isa best;         /* best ISA present */
    ib_isa cap;          /* INCBENCH_ISA, else best */
    char cap_error[160]; /* non-empty when INCBENCH_ISA is set but not understood */
} ib_cpu;

/* The feature flags c has, each preceded by a space (" avx2 fma avx512f ..."), in a fixed
 * order: part of the CPU's identity (regress baselines are keyed on it). */
void ib_cpu_features(const ib_cpu *c, char *buf, int len);

/* Detected once (thread-safe), then cached. */
const ib_cpu *ib_cpu_get(void);

const char *ib_isa_name(ib_isa isa); /* "scalar", "avx2", "avx512", "neon" */
int ib_isa_from_name(const char *s, ib_isa *isa);

/* 1 when code for isa runs here: present in hardware and not above the INCBENCH_ISA cap.
 * Otherwise 0 and *why (when not NULL) says which. */
int ib_isa_usable(ib_isa isa, const char **why);

/* Parses an INCBENCH_ISA value into a cap against cpu (exposed for tests). */
int ib_cpu_parse_cap(const char *value, const ib_cpu *hw, ib_isa *cap, char *err, int errlen);

#endif
