/* Verification for the driver: fill a problem with small integers, run the reference once,
 * and compare an implementation's outputs with it (exactly where integer fills make every
 * result exact in fp32, else within a bound derived from the operation). */
#ifndef IB_BENCH_VERIFY_H
#define IB_BENCH_VERIFY_H

#include <stdint.h>

#include "core/impl.h"

/* One problem's data: NCHW inputs and the reference outputs, computed once. */
typedef struct ib_vcase {
    ib_desc desc;
    ib_arg_shapes shapes;
    float *in[IB_MAX_IN];
    int32_t *labels;
    float *want[IB_MAX_OUT]; /* reference outputs */
    float *got[IB_MAX_OUT];  /* an implementation's outputs, fetched */
    ib_args args;            /* in[]/labels point at the inputs, out[] at got[] */
} ib_vcase;

/* Allocates, fills deterministically from seed and runs the reference. d must be valid. */
ib_status ib_vcase_init(ib_vcase *c, const ib_desc *d, uint64_t seed, ib_err *e);
/* The same without running the reference (want[] left unfilled): inputs for instances that
 * are timed, not checked, such as another round of a problem already verified. */
ib_status ib_vcase_init_inputs(ib_vcase *c, const ib_desc *d, uint64_t seed, ib_err *e);
void ib_vcase_free(ib_vcase *c);

/* 1 when op's results are compared bit for bit. */
int ib_verify_is_exact(ib_op op);

typedef struct ib_verify_result {
    int ok;         /* every output element within the bound */
    int exact;      /* the op was compared bit for bit */
    int64_t bad;    /* elements out of bound */
    double max_abs; /* largest |got - want| */
    double max_rel; /* max_abs over the largest |want| */
    /* largest |got - want| / bound where the implementation has an error bound, else 0 */
    double max_bound_use;
    char msg[256]; /* first mismatch: output, index, n/c/h/w, got, want */
} ib_verify_result;

/* Runs inst once (its outputs poisoned with NaN first), fetches and compares with the
 * reference. The status reports run/fetch errors; r says whether the numbers match. */
ib_status ib_vcase_check(ib_vcase *c, ib_instance *inst, ib_verify_result *r, ib_err *e);

/* Compares outputs alone (exposed for tests and reuse): bound, when not NULL, holds the
 * implementation's per-element error bound on out[0] (ib_impl.error_bound). */
void ib_verify_compare(const ib_vcase *c, const double *bound, ib_verify_result *r);

/* Creates an instance of impl on c's inputs and checks it; *inst receives the instance
 * (for timing) when inst is not NULL, else it is destroyed. */
ib_status ib_vcase_verify_impl(ib_vcase *c, const ib_impl *impl, ib_instance **inst,
                               ib_verify_result *r, ib_err *e);

#endif
