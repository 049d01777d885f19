/* Helpers shared by the layer-type traits files. */
#include "ops/op_common.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/layout.h"
#include "core/rng.h"

/* Largest tensor accepted, in bytes. Anything beyond is refused as "too large" so that every
 * later product (blocked layouts, MAC and byte counts) stays far from int64/size_t limits. */
#define IB_MAX_TENSOR_BYTES ((int64_t)1 << 40)

ib_status ib_check_tensor(const char *op, const char *what, int64_t n, int64_t c, int64_t h,
                          int64_t w, ib_err *e)
{
    int64_t r;
    if (!ib_mul_ok(n, c, &r) || !ib_mul_ok(r, h, &r) || !ib_mul_ok(r, w, &r) ||
        !ib_mul_ok(r, (int64_t)sizeof(float), &r))
        return ib_fail(e, IB_OVERFLOW,
                       "%s: %s size %" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64 " overflows", op,
                       what, n, c, h, w);
    if (r > IB_MAX_TENSOR_BYTES || (uint64_t)r > (uint64_t)SIZE_MAX)
        return ib_fail(e, IB_OVERFLOW,
                       "%s: %s too large (%" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64
                       " floats = %" PRId64 " bytes, limit %" PRId64 ")",
                       op, what, n, c, h, w, r, IB_MAX_TENSOR_BYTES);
    return IB_OK;
}

ib_status ib_check_work(const char *op, int64_t a, int64_t b, int64_t c, int64_t d, ib_err *e)
{
    int64_t r;
    if (!ib_mul_ok(a, b, &r) || !ib_mul_ok(r, c, &r) || !ib_mul_ok(r, d, &r) ||
        !ib_mul_ok(r, 2, &r))
        return ib_fail(e, IB_OVERFLOW, "%s: operation count overflows", op);
    return IB_OK;
}

ib_status ib_window_axis(const char *op, const char *kname, const char *iname, int64_t i, int64_t k,
                         int64_t s, int64_t p0, const char *p0name, int64_t p1, const char *p1name,
                         int64_t *o, ib_err *e)
{
    int64_t padded;
    if (!ib_add_ok(i, p0, &padded) || !ib_add_ok(padded, p1, &padded))
        return ib_fail(e, IB_OVERFLOW, "%s: padded input %s overflows", op, iname);
    if (k > padded)
        return ib_fail(e, IB_INVALID,
                       "%s: %s=%" PRId64 " larger than padded input %s %" PRId64 " (%s %" PRId64
                       " + %s %" PRId64 " + %s %" PRId64 ")",
                       op, kname, k, iname, padded, iname[0] == 'h' ? "ih" : "iw", i, p0name, p0,
                       p1name, p1);
    *o = (padded - k) / s + 1;
    if (*o < 1)
        return ib_fail(e, IB_INVALID, "%s: output %s would be %" PRId64 " (< 1)", op, iname, *o);
    return IB_OK;
}

ib_status ib_nchw_validate(const char *op, ib_eltwise_desc *d, ib_err *e)
{
    if (d->n <= 0)
        return ib_fail(e, IB_INVALID, "%s: n must be > 0 (got %" PRId64 ")", op, d->n);
    if (d->c <= 0)
        return ib_fail(e, IB_INVALID, "%s: c must be > 0 (got %" PRId64 ")", op, d->c);
    if (d->h <= 0)
        return ib_fail(e, IB_INVALID, "%s: h must be > 0 (got %" PRId64 ")", op, d->h);
    if (d->w <= 0)
        return ib_fail(e, IB_INVALID, "%s: w must be > 0 (got %" PRId64 ")", op, d->w);
    return ib_check_tensor(op, "src", d->n, d->c, d->h, d->w, e);
}

const ib_field ib_nchw_fields[4] = {
    IB_FIELD(relu.n, IB_FIELD_I64),
    IB_FIELD(relu.c, IB_FIELD_I64),
    IB_FIELD(relu.h, IB_FIELD_I64),
    IB_FIELD(relu.w, IB_FIELD_I64),
};

int64_t ib_valid_taps(int64_t i, int64_t o, int64_t k, int64_t s, int64_t p)
{
    int64_t sum = 0;
    for (int64_t y = 0; y < o; y++) {
        int64_t lo = y * s - p, hi = lo + k; /* taps cover [lo, hi) */
        if (lo < 0)
            lo = 0;
        if (hi > i)
            hi = i;
        if (hi > lo)
            sum += hi - lo;
    }
    return sum;
}

ib_dims ib_dims_of(int64_t n, int64_t c, int64_t h, int64_t w)
{
    return (ib_dims){n, c, h, w};
}

ib_dims ib_vec_of(int present, int64_t c)
{
    return present ? ib_dims_of(1, c, 1, 1) : ib_dims_of(0, 0, 0, 0);
}

void ib_shapes_unary(ib_arg_shapes *s, ib_dims in, ib_dims out)
{
    s->nin = 1;
    s->in[0] = in;
    s->in_is_data[0] = 1;
    s->out[0] = out;
}

void ib_work_elementwise(ib_work *w, int64_t elems, int64_t flops_per_elem)
{
    w->flops = flops_per_elem * elems;
    w->bytes_read = 4 * elems;
    w->bytes_written = 4 * elems;
}

void ib_put(ib_strbuf *b, const char *fmt, ...)
{
    if (b->used >= b->len - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->p + b->used, (size_t)(b->len - b->used), fmt, ap);
    va_end(ap);
    if (k > 0)
        b->used = b->used + k < b->len - 1 ? b->used + k : b->len - 1;
}

void ib_put_nchw(ib_strbuf *b, int64_t n, int64_t c, int64_t h, int64_t w)
{
    ib_put(b, "mb%" PRId64 "ic%" PRId64 "ih%" PRId64 "iw%" PRId64, n, c, h, w);
}

void ib_put_window(ib_strbuf *b, const ib_window *w)
{
    ib_put(b, "kh%" PRId64 "kw%" PRId64 "sh%" PRId64 "sw%" PRId64, w->kh, w->kw, w->sh, w->sw);
    ib_put(b, "pt%" PRId64 "pb%" PRId64 "pl%" PRId64 "pr%" PRId64, w->pt, w->pb, w->pl, w->pr);
}

float ib_fill_int(uint64_t *rng, int lo, int hi)
{
    return (float)(lo + (int)(ib_splitmix64(rng) % (uint64_t)(hi - lo + 1)));
}

float ib_fill_pow2(uint64_t *rng)
{
    static const float v[] = {0.25f, 0.5f, 1.0f, 2.0f, -0.5f, -1.0f};
    return v[ib_splitmix64(rng) % (sizeof v / sizeof v[0])];
}

float ib_fill_products(const ib_desc *d, int arg, int64_t k, uint64_t *rng)
{
    (void)d;
    (void)k;
    if (arg <= 1)
        return ib_fill_int(rng, -2, 2);
    return arg == 3 ? ib_fill_pow2(rng) : ib_fill_int(rng, -4, 4);
}

float ib_fill_logits(const ib_desc *d, int arg, int64_t k, uint64_t *rng)
{
    ib_arg_shapes s;
    ib_arg_shapes_of(d, &s);
    const float lift = arg == 0 && (k / s.in[0].c) % 2 == 0 ? 100.0f : 0.0f;
    return ib_rng_uniform(rng, -12.0f, 12.0f) + lift;
}

float ib_fill_small_int(const ib_desc *d, int arg, int64_t k, uint64_t *rng)
{
    (void)d;
    (void)arg;
    (void)k;
    return ib_fill_int(rng, -8, 8);
}
