/* Aligned buffers, checked size arithmetic and reorders between NCHW and nChw{V}c. */
#include "core/layout.h"

#include <stdlib.h>
#include <string.h>

int ib_layout_block(ib_layout l)
{
    switch (l) {
    case IB_LAYOUT_NCHW:
        return 1;
    case IB_LAYOUT_NCHW4C:
        return 4;
    case IB_LAYOUT_NCHW8C:
        return 8;
    case IB_LAYOUT_NCHW16C:
        return 16;
    }
    return 1;
}

const char *ib_layout_name(ib_layout l)
{
    switch (l) {
    case IB_LAYOUT_NCHW:
        return "nchw";
    case IB_LAYOUT_NCHW4C:
        return "nChw4c";
    case IB_LAYOUT_NCHW8C:
        return "nChw8c";
    case IB_LAYOUT_NCHW16C:
        return "nChw16c";
    }
    return "unknown";
}

int ib_mul_ok(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &t))
        return 0;
    *r = t;
    return 1;
}

int ib_add_ok(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &t))
        return 0;
    *r = t;
    return 1;
}

int64_t ib_layout_elems(ib_layout l, int64_t n, int64_t c, int64_t h, int64_t w)
{
    int64_t V = ib_layout_block(l), cp, r;
    if (n < 0 || c < 0 || h < 0 || w < 0 || !ib_add_ok(c, V - 1, &cp))
        return -1;
    cp = cp / V * V;
    if (!ib_mul_ok(n, cp, &r) || !ib_mul_ok(r, h, &r) || !ib_mul_ok(r, w, &r))
        return -1;
    return r;
}

void ib_reorder_to_blocked(const float *nchw, float *blocked, int64_t n, int64_t c, int64_t h,
                           int64_t w, int V)
{
    const int64_t hw = h * w, cb = (c + V - 1) / V;
    for (int64_t in = 0; in < n; in++) {
        for (int64_t b = 0; b < cb; b++) {
            const int64_t c0 = b * V;
            const int nv = c - c0 < V ? (int)(c - c0) : V;
            const float *s = nchw + (in * c + c0) * hw;
            float *d = blocked + (in * cb + b) * hw * V;
            /* Contiguous writes; the V source planes are read as V streams. */
            for (int64_t p = 0; p < hw; p++) {
                for (int v = 0; v < nv; v++)
                    d[p * V + v] = s[v * hw + p];
                for (int v = nv; v < V; v++)
                    d[p * V + v] = 0.0f;
            }
        }
    }
}

void ib_reorder_from_blocked(const float *blocked, float *nchw, int64_t n, int64_t c, int64_t h,
                             int64_t w, int V)
{
    const int64_t hw = h * w, cb = (c + V - 1) / V;
    for (int64_t in = 0; in < n; in++) {
        for (int64_t b = 0; b < cb; b++) {
            const int64_t c0 = b * V;
            const int nv = c - c0 < V ? (int)(c - c0) : V;
            const float *s = blocked + (in * cb + b) * hw * V;
            float *d = nchw + (in * c + c0) * hw;
            for (int v = 0; v < nv; v++)
                for (int64_t p = 0; p < hw; p++)
                    d[v * hw + p] = s[p * V + v];
        }
    }
}

/* Blocked to blocked with another block size, element by element (a rare, untimed path). */
static void reorder_blocked_blocked(const float *src, int sv, float *dst, int dv, int64_t n,
                                    int64_t c, int64_t h, int64_t w)
{
    const int64_t hw = h * w, scb = (c + sv - 1) / sv, dcb = (c + dv - 1) / dv;
    for (int64_t in = 0; in < n; in++)
        for (int64_t ic = 0; ic < dcb * dv; ic++)
            for (int64_t p = 0; p < hw; p++) {
                float x = 0.0f;
                if (ic < c)
                    x = src[((in * scb + ic / sv) * hw + p) * sv + ic % sv];
                dst[((in * dcb + ic / dv) * hw + p) * dv + ic % dv] = x;
            }
}

void ib_reorder(const float *src, ib_layout sl, float *dst, ib_layout dl, int64_t n, int64_t c,
                int64_t h, int64_t w)
{
    const int sv = ib_layout_block(sl), dv = ib_layout_block(dl);
    if (sv == 1 && dv == 1)
        memcpy(dst, src, (size_t)(n * c * h * w) * sizeof(float));
    else if (sv == 1)
        ib_reorder_to_blocked(src, dst, n, c, h, w, dv);
    else if (dv == 1)
        ib_reorder_from_blocked(src, dst, n, c, h, w, sv);
    else
        reorder_blocked_blocked(src, sv, dst, dv, n, c, h, w);
}

void *ib_alloc(size_t bytes)
{
    void *p = NULL;
    if (bytes == 0 || posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    /* Every buffer our kernels, the verifier and the peers' wrappers time goes through here:
     * its pages are touched by the threads that will use them before anyone fills it. */
    ib_first_touch(p, bytes);
    return p;
}

void ib_free(void *p)
{
    free(p);
}
