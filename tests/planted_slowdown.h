/* A planted slowdown for the check of incbench regress: a test-only implementation of ReLU
 * ("planted_slow") that runs a real implementation's kernel and, on a fixed fraction of the
 * calls, runs it once more. */
#ifndef IB_TESTS_PLANTED_SLOWDOWN_H
#define IB_TESTS_PLANTED_SLOWDOWN_H

#include "core/impl.h"

#define IB_PLANTED_NAME "planted_slow"
#define IB_PLANTED_OP IB_OP_RELU

/* The implementation wrapped (by name, default "ref") and the extra calls in percent of the
 * calls (default 20, at most 100); set before instances are made. */
void ib_planted_set(const char *inner, int pct);

/* Adds the implementation to the registry (test_only, so never in the driver's defaults). */
void ib_planted_register(void);

#endif
