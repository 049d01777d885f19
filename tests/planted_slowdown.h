/* A planted slowdown for the check of incbench regress: a test-only global average pooling
 * ("planted_slow") that does the reference's work plus a fixed extra fraction of it. */
#ifndef IB_TESTS_PLANTED_SLOWDOWN_H
#define IB_TESTS_PLANTED_SLOWDOWN_H

#include "kernels/impl.h"

#define IB_PLANTED_NAME "planted_slow"

extern const ib_impl ib_planted_slow_gap_impl;

/* The extra work in percent of the reference's (default 20); set before timing. */
void ib_planted_set_extra_pct(int pct);

/* Adds the implementation to the registry (test_only, so never in the driver's defaults). */
void ib_planted_register(void);

#endif
