/* The factorization pairs of Inception-v3 (Szegedy et al., 2015, section 3-5 and 7): each
 * case is a base form and a factorized form, a form a short list of layers. */
#ifndef IB_BENCH_FACTOR_H
#define IB_BENCH_FACTOR_H

#include "core/desc.h"
#include "harness/run_common.h"

enum { IB_FORM_MAX = 16 };

typedef struct ib_form {
    char name[48]; /* "5x5", "3x3->3x3", "pool->conv", ... */
    int n;
    ib_desc d[IB_FORM_MAX]; /* validated */
    int64_t macs, params;   /* sums over the layers: nominal MACs (padding taps included) */
    int64_t macs_exec;      /* executed MACs: taps inside the input only */
} ib_form;

typedef struct ib_fcase {
    int pair;            /* 1..7; 0 for a user shape */
    char pair_name[128]; /* "5x5 vs 3x3->3x3" */
    char name[96];       /* "Mixed_5b.branch5x5_2 48->64 35x35" */
    int grid, channels;  /* for the sweep (0 otherwise) */
    ib_form a, b;        /* a: the base, b: the factorized form */
} ib_fcase;

/* The fixed pairs 1-7 on the real shapes (batch n); quick keeps one case per pair. Returns
 * the number of cases written (at most max), or -1 with e set. */
int ib_factor_cases(int64_t n, int quick, ib_fcase *out, int max, ib_err *e);
/* The sweep of pairs 1-3 over grid sizes and channel counts (C -> C). */
int ib_factor_sweep_cases(int64_t n, int quick, ib_fcase *out, int max, ib_err *e);
/* The counterparts of a user's convolution: a square k x k, stride 1 gets its 3x3 chain
 * (odd k >= 5), 2x2 chain (k = 3) and 1xk -> kx1 cases. Returns how many (0: none apply). */
int ib_factor_user_cases(const char *name, const ib_desc *d, ib_fcase *out, int max, ib_err *e);

/* MAC-based saving of b against a: 1 - macs_b / macs_a (nominal MACs). */
double ib_fcase_theory(const ib_fcase *c);
/* The same on executed MACs (padding taps left out), the work the kernels really do. */
double ib_fcase_theory_exec(const ib_fcase *c);

/* The factor job: times every case on every selected implementation (each layer verified
 * first), prints the table to out, writes factor.csv / sweep.csv / factor.json into o->out.
 * Returns 0, 1 when a verification failed, 2 on an error. */
int ib_factor_job(const ib_run_opts *o, FILE *out);

#endif
