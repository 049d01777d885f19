/* One source, two builds: native AVX-512, or SIMDe's emulation of it for test machines without. */
#ifndef IB_AVX512_BUILD_H
#define IB_AVX512_BUILD_H

#ifdef IB_AVX512_SIMDE
/* Emulated: every symbol gets a suffix so both builds link into one test program, and the
 * implementations run on AVX2 hardware under the name "avx512_simde". */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include "arch/avx512/simde_compat.h"
#define IB_AVX512_SYM(x) x##_simde
#define IB_AVX512_NAME "avx512_simde"
#define IB_AVX512_ISA IB_ISA_AVX2
#define IB_AVX512_TEST_ONLY 1
#define IB_AVX512_KERNEL(k) k "__avx512_simde"
#else
#include <immintrin.h>
#define IB_AVX512_SYM(x) x
#define IB_AVX512_NAME "avx512"
#define IB_AVX512_ISA IB_ISA_AVX512
#define IB_AVX512_TEST_ONLY 0
#define IB_AVX512_KERNEL(k) k "__avx512"
#endif

#endif
