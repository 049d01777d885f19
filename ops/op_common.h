/* Helpers shared by the layer-type traits files: checks, shapes, text, work and fills. */
#ifndef IB_OP_COMMON_H
#define IB_OP_COMMON_H

#include <inttypes.h>

#include "ops/op_traits.h"

#define IB_FIELD_POS(op, d, f)                                                                     \
    do {                                                                                           \
        if ((d)->f <= 0)                                                                           \
            return ib_fail(e, IB_INVALID, "%s: " #f " must be > 0 (got %" PRId64 ")", op,          \
                           (int64_t)(d)->f);                                                       \
    } while (0)

#define IB_FIELD_NONNEG(op, d, f)                                                                  \
    do {                                                                                           \
        if ((d)->f < 0)                                                                            \
            return ib_fail(e, IB_INVALID, "%s: " #f " must be >= 0 (got %" PRId64 ")", op,         \
                           (int64_t)(d)->f);                                                       \
    } while (0)

/* The validate and reference wrappers of a traits file: the functions of core/desc.h and
 * reference/reference.h on the op's own member of the descriptor union. */
#define IB_OP_WRAPPERS(member, validate_fn, reference_fn)                                          \
    static ib_status validate(ib_desc *d, ib_err *e)                                               \
    {                                                                                              \
        return validate_fn(&d->member, e);                                                         \
    }                                                                                              \
    static void reference(const ib_desc *d, const ib_args *a)                                      \
    {                                                                                              \
        reference_fn(&d->member, a);                                                               \
    }

/* The traits members that every traits file defines under the same static names, and its
 * field list. */
#define IB_OP_COMMON_TRAITS(list)                                                                  \
    .fields = list, .nfields = (int)(sizeof list / sizeof list[0]), .validate = validate,          \
    .print = print, .arg_shapes = arg_shapes, .work = work, .reference = reference

/* The fields of an n, c, h, w descriptor (ib_eltwise_desc), at the start of the union. */
extern const ib_field ib_nchw_fields[4];

/* A tensor of n*c*h*w fp32 elements whose size is countable and fits in memory. */
ib_status ib_check_tensor(const char *op, const char *what, int64_t n, int64_t c, int64_t h,
                          int64_t w, ib_err *e);
/* 2 * a * b * c * d fits in int64 (the FLOP count of a MAC count). */
ib_status ib_check_work(const char *op, int64_t a, int64_t b, int64_t c, int64_t d, ib_err *e);
/* One spatial axis of a sliding window: kernel k, stride s, pads p0/p1 over input i; *o the
 * output size. */
ib_status ib_window_axis(const char *op, const char *kname, const char *iname, int64_t i, int64_t k,
                         int64_t s, int64_t p0, const char *p0name, int64_t p1, const char *p1name,
                         int64_t *o, ib_err *e);
/* n, c, h, w all > 0 and the tensor countable (relu, gap, ...). */
ib_status ib_nchw_validate(const char *op, ib_eltwise_desc *d, ib_err *e);

/* Sum over the o output positions of the window taps that fall inside an input of size i. */
int64_t ib_valid_taps(int64_t i, int64_t o, int64_t k, int64_t s, int64_t p);

ib_dims ib_dims_of(int64_t n, int64_t c, int64_t h, int64_t w);
/* A per-channel vector (bias, scale, gamma, ...), or absent (all 0). */
ib_dims ib_vec_of(int present, int64_t c);
/* One data input of shape in, one output of shape out. */
void ib_shapes_unary(ib_arg_shapes *s, ib_dims in, ib_dims out);
/* Work of an elementwise pass: flops_per_elem per element, one read and one write of each. */
void ib_work_elementwise(ib_work *w, int64_t elems, int64_t flops_per_elem);

void ib_put_nchw(ib_strbuf *b, int64_t n, int64_t c, int64_t h, int64_t w);
void ib_put_window(ib_strbuf *b, const ib_window *w);

/* Verification fills, one draw of the generator (core/rng.h) each. */
float ib_fill_int(uint64_t *rng, int lo, int hi); /* integer in [lo, hi] */
float ib_fill_pow2(uint64_t *rng); /* a power of two of either sign: products stay exact */
/* Fill of a sum of products (conv, fc): src and weights in [-2, 2], so sums of a few thousand
 * products stay far below 2^24 and every partial sum is exact in fp32 whatever the order;
 * bias and shift in [-4, 4]; the scale (argument 3) a power of two, so (acc + bias) * scale +
 * shift stays exact. */
float ib_fill_products(const ib_desc *d, int arg, int64_t k, uint64_t *rng);
/* Logits of a softmax over rows of in[0].c (softmax, lsloss): real values in [-12, 12), every
 * other row lifted by 100, where exp() without subtracting the row maximum overflows, so a
 * kernel that skips it fails; x - max stays exact, so correct kernels are unaffected. */
float ib_fill_logits(const ib_desc *d, int arg, int64_t k, uint64_t *rng);
/* The default fill: integers in [-8, 8]. */
float ib_fill_small_int(const ib_desc *d, int arg, int64_t k, uint64_t *rng);

#endif
