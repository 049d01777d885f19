/* The one list of Inception-v3 problems: what verify and bench run, what the tests check every
 * implementation on (before their edge shapes) and what the validation fuzzer starts from. */
#ifndef IB_BENCH_CASES_H
#define IB_BENCH_CASES_H

#include <stdint.h>

#include "core/desc.h"

struct ib_run_opts;

enum { IB_MAX_CASES = 512 };

/* A problem and the (first) layer that has it. */
typedef struct ib_problem {
    char layer[64];
    ib_desc desc;
} ib_problem;

/* The standalone batch-norm and ReLU on the output of convolution c (the network folds them
 * into it): the problems the case list gives each distinct conv output. */
void ib_conv_output_problems(const ib_conv_desc *c, ib_desc *bn, ib_desc *relu);

/* Appends d under layer unless an equal problem is listed (the first name wins) or the list
 * holds max; returns 1 when added. */
int ib_case_add(ib_problem *cases, int *n, int max, const char *layer, const ib_desc *d);

/* The distinct problems of Inception-v3 at this batch: every layer that computes (the
 * auxiliary head included); batch-norm and ReLU standalone on each distinct conv output (the
 * network folds them into the convolutions); the label-smoothing loss on the logits (the
 * network has no loss layer). Returns the count (at most max), or -1 with e set. */
int ib_inception_cases(int64_t batch, ib_problem *cases, int max, ib_err *e);

/* The problems of a run: the user's --shape/--shapes when given, else the network's at
 * --batch. Returns the count, or -1 with e set. */
int ib_run_cases(const struct ib_run_opts *o, ib_problem *cases, int max, ib_err *e);

#endif
