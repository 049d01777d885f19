/* The compiler and flags this binary was built with (the Makefile passes IB_BUILD_FLAGS). */
#include "harness/build_info.h"

#ifndef IB_BUILD_FLAGS
#define IB_BUILD_FLAGS "unknown"
#endif

const char *ib_build_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

const char *ib_build_flags(void)
{
    return IB_BUILD_FLAGS;
}
