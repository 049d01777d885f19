/* The test side of verification: a layer case with a label, skip reasons and failure lines,
 * over the driver's verifier (harness/verify.h), which holds the fills and the bounds. */
#ifndef IB_TESTS_HARNESS_H
#define IB_TESTS_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "harness/verify.h"

typedef struct ib_case {
    ib_vcase v;
    char label[96]; /* layer name or edge-case name */
} ib_case;

/* Allocates and fills (deterministic from seed), then runs the reference. */
ib_status ib_case_init(ib_case *c, const ib_desc *d, const char *label, uint32_t seed, ib_err *e);
void ib_case_free(ib_case *c);

/* Runs impl on c and compares with the reference: status 1 PASSED, 0 FAILED (a line naming
 * layer, shape, impl, the first bad element, got and expected is printed to out), -1 SKIPPED
 * (ISA absent or shape unsupported; why says which). */
typedef struct ib_check_result {
    int status;
    double max_abs_err;
    char why[320];
} ib_check_result;
void ib_case_check(ib_case *c, const ib_impl *impl, FILE *out, ib_check_result *r);

#endif
