/* What built this binary: the compiler and the flags, stated once for every report. */
#ifndef IB_BENCH_BUILD_INFO_H
#define IB_BENCH_BUILD_INFO_H

const char *ib_build_compiler(void); /* "gcc 12.2.0", "clang 14.0.6", or "unknown" */
const char *ib_build_flags(void);    /* the Makefile's CFLAGS, or "unknown" */

#endif
