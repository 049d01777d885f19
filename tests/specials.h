/* Special-value inputs (NaN, +-inf, -0, denormals, logits of +-1e4) written over a verifier
 * case: the numerical edge-case test and the mutation test share them. */
#ifndef IB_TESTS_SPECIALS_H
#define IB_TESTS_SPECIALS_H

#include "harness/verify.h"

typedef struct ib_special {
    ib_op op;
    const char *name;
    int nonfinite; /* the inputs hold NaN or inf (library peers may differ there) */
    /* Writes count values of input 0; row is the row length (softmax, lsloss) else 1;
     * labels are the case's labels (lsloss) else NULL. */
    void (*fill)(float *x, int64_t count, int64_t row, const int32_t *labels);
} ib_special;

int ib_special_count(void);
const ib_special *ib_special_at(int i);

/* Writes s's values over input 0 of v (an initialised case of s->op) and reruns the
 * reference into v->want, exactly as ib_vcase_init does. */
void ib_special_apply(const ib_special *s, ib_vcase *v);

#endif
