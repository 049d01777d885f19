/* The shared layer harness: fills, runs an implementation and the reference on the same data,
 * compares (exactly for integer-filled ops, within a derived bound for the others). */
#ifndef IB_TESTS_HARNESS_H
#define IB_TESTS_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "kernels/impl.h"

/* One problem's data: NCHW inputs filled once, the reference outputs computed once. */
typedef struct ib_case {
    ib_desc desc;
    char label[96];  /* layer name or edge-case name */
    ib_arg_shapes shapes;
    float *in[IB_MAX_IN];
    int32_t *labels;
    float *ref_out[IB_MAX_OUT];
    float *got_out[IB_MAX_OUT];
    ib_args args; /* in[] and labels point at the buffers above; out[] at got_out */
} ib_case;

/* Allocates and fills (deterministic from seed), then runs the reference. */
ib_status ib_case_init(ib_case *c, const ib_desc *d, const char *label, uint32_t seed, ib_err *e);
void ib_case_free(ib_case *c);

/* Whether an op is compared exactly (integer fills make every result exact in fp32). */
int ib_op_is_exact(ib_op op);

/* Runs impl on c (output poisoned with NaN first) and compares with the reference.
 * Returns 1 PASSED, 0 FAILED (a line naming layer, shape, impl, first bad index, got,
 * expected is printed to out), -1 SKIPPED (unsupported; reason printed when verbose). */
typedef struct ib_check_result {
    int status; /* 1 passed, 0 failed, -1 skipped */
    double max_abs_err, max_rel_err;
    char why[320]; /* skip reason or failure summary */
} ib_check_result;
void ib_case_check(ib_case *c, const ib_impl *impl, FILE *out, ib_check_result *r);

/* Deterministic generator (xorshift32). */
uint32_t ib_rand_next(uint32_t *s);

#endif
