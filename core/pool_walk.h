/* Max and average pooling on a channel-blocked layout (nChw<L>c, one vector = one pixel's L
 * channels), written once over a small set of vector operations that each ISA's pool.c defines
 * before including this file:
 *
 *   PW_V, PW_OK        a vector of PW_LANES floats; a per-lane "no NaN seen" record
 *   PW_INLINE          the ISA's always-inline qualifier
 *   pw_load, pw_store  unaligned, one vector
 *   pw_set1            every lane x
 *   pw_add             a + b
 *   pw_max             max(a, b) returning b in a lane where either is NaN (x86 maxps)
 *   pw_div             a / b, correctly rounded, as the reference divides
 *   pw_ok_all          the empty record; pw_ok_pair(ok, a, b): ok, and a and b are not NaN;
 *                      pw_ok_apply(v, ok): v, NaN in the lanes where ok saw a NaN
 *
 * The window is separable: a window's maximum (sum) is the maximum (sum) over its columns of
 * each column's maximum (sum) over the window's rows. Inside the image a row of outputs slides
 * its window along the columns, so each input column is reduced over the rows once, kept in
 * registers, and shared by the KW / stride windows that contain it: 3x3 windows cost 2 + 2
 * operations per output at stride 1 instead of 8. Windows crossing the left or right padding
 * reduce their inside columns directly. Padding taps are skipped: max treats them as -inf,
 * average as absent (counted only with count_include_pad). Integer sums are exact in any
 * order, so the reordering keeps integer data exact; the one division is the reference's. */
#ifndef IB_CORE_POOL_WALK_H
#define IB_CORE_POOL_WALK_H

#include <math.h>
#include <stdint.h>

#include "core/desc.h"
#include "core/par.h"

typedef enum pw_kind { PW_MAX, PW_AVG } pw_kind;

/* A running reduction of the vectors given to pw_red_put, in order. Max tracks NaN itself:
 * pw_max passes on a NaN in its second operand only, which the next element overwrites, so
 * every element but the last is checked, two at a time. */
typedef struct pw_red {
    PW_V acc, prev;
    PW_OK ok;
    int64_t n;
} pw_red;

PW_INLINE pw_red pw_red_start(void)
{
    pw_red r;
    r.ok = pw_ok_all();
    r.n = 0;
    return r;
}

PW_INLINE void pw_red_put(pw_kind kind, pw_red *r, PW_V v)
{
    if (r->n == 0)
        r->acc = v;
    else if (kind == PW_AVG)
        r->acc = pw_add(r->acc, v);
    else {
        if (r->n & 1)
            r->ok = pw_ok_pair(r->ok, r->prev, v);
        r->acc = pw_max(r->acc, v);
    }
    r->prev = v;
    r->n++;
}

/* The reduction of what was put; none: -inf (max) or 0 (average). */
PW_INLINE PW_V pw_red_end(pw_kind kind, const pw_red *r)
{
    if (r->n == 0)
        return pw_set1(kind == PW_MAX ? -INFINITY : 0.0f);
    return kind == PW_MAX ? pw_ok_apply(r->acc, r->ok) : r->acc;
}

/* One input column's reduction over n rows from p (rows step floats apart). */
PW_INLINE PW_V pw_column(pw_kind kind, const float *p, int64_t step, int64_t n)
{
    pw_red r = pw_red_start();
#pragma GCC unroll 8
    for (int64_t i = 0; i < n; i++)
        pw_red_put(kind, &r, pw_load(p + i * step));
    return pw_red_end(kind, &r);
}

/* The output vector from a window's reduction; count: the average's divisor, in every lane. */
PW_INLINE PW_V pw_finish(pw_kind kind, PW_V v, PW_V count)
{
    return kind == PW_MAX ? v : pw_div(v, count);
}

/* What the window walk along a row reads of the layer, held in locals: vector stores may alias
 * anything, so fields read through the descriptor would be reloaded after each store. */
typedef struct pw_line {
    int64_t iw, pl, ow;
    int exclude_pad; /* average only: the padding is not counted */
} pw_line;

/* Input column ix of a window's NR inside rows from r; with check, a column in the left or
 * right padding is the reduction's identity none (-inf, 0), which changes no maximum and no
 * sum. */
PW_INLINE PW_V pw_column_at(pw_kind kind, pw_line l, const float *r, int64_t NR, int64_t ix,
                            int check, PW_V none)
{
    if (check && (ix < 0 || ix >= l.iw))
        return none;
    return pw_column(kind, r + ix * PW_LANES, l.iw * PW_LANES, NR);
}

/* Outputs [ox0, ox1) of a row, their windows' NR inside rows starting at r: the window slides
 * keeping its KW column reductions col[] in registers (KH, KW, SW and NR are literals in the
 * common cases); col holds the first KW - SW columns of output ox0's window on entry, and of
 * ox1's on return. check: some column may lie in the padding. */
PW_INLINE void pw_slide(pw_kind kind, pw_line l, int64_t KH, int64_t KW, int64_t SW, int64_t NR,
                        const float *r, float *y, PW_V *col, int64_t ox0, int64_t ox1, int check)
{
    const PW_V none = pw_set1(kind == PW_MAX ? -INFINITY : 0.0f);
    const PW_V full = pw_set1((float)(l.exclude_pad ? NR * KW : KH * KW));
    for (int64_t ox = ox0; ox < ox1; ox++) {
        const int64_t ix0 = ox * SW - l.pl;
#pragma GCC unroll 8
        for (int64_t j = KW > SW ? KW - SW : 0; j < KW; j++)
            col[j] = pw_column_at(kind, l, r, NR, ix0 + j, check, none);
        pw_red w = pw_red_start();
#pragma GCC unroll 8
        for (int64_t j = 0; j < KW; j++)
            pw_red_put(kind, &w, col[j]);
        PW_V count = full;
        if (check && l.exclude_pad) { /* the columns inside, of an edge window */
            const int64_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = l.iw - ix0 < KW ? l.iw - ix0 : KW;
            count = pw_set1((float)(NR * (kx1 - kx0)));
        }
        pw_store(y + ox * PW_LANES, pw_finish(kind, pw_red_end(kind, &w), count));
#pragma GCC unroll 8
        for (int64_t j = 0; j < KW - SW; j++)
            col[j] = col[j + SW];
    }
}

/* A row's outputs: those whose windows lie inside horizontally, [lo, hi), without the test for
 * padding columns; the edges with it. */
PW_INLINE void pw_row_slide(pw_kind kind, pw_line l, int64_t KH, int64_t KW, int64_t SW, int64_t NR,
                            const float *r, float *y)
{
    int64_t lo = (l.pl + SW - 1) / SW;
    int64_t hi = l.iw + l.pl >= KW ? (l.iw + l.pl - KW) / SW + 1 : 0;
    hi = hi < l.ow ? hi : l.ow;
    lo = lo < hi ? lo : hi;
    const PW_V none = pw_set1(kind == PW_MAX ? -INFINITY : 0.0f);
    PW_V col[KW > 0 ? KW : 1];
#pragma GCC unroll 8
    for (int64_t j = 0; j < KW - SW; j++)
        col[j] = pw_column_at(kind, l, r, NR, j - l.pl, 1, none);
    pw_slide(kind, l, KH, KW, SW, NR, r, y, col, 0, lo, 1);
    pw_slide(kind, l, KH, KW, SW, NR, r, y, col, lo, hi, 0);
    pw_slide(kind, l, KH, KW, SW, NR, r, y, col, hi, l.ow, 1);
}

/* Output row oy of one channel-block plane x into y: rows wholly inside take the path with the
 * literal row count, the top and bottom rows (padding above or below) the other. */
PW_INLINE void pw_row(pw_kind kind, const ib_pool_desc *p, int64_t KH, int64_t KW, int64_t SW,
                      const float *x, float *y, int64_t oy)
{
    const pw_line l = {p->iw, p->pl, p->ow, kind == PW_AVG && !p->count_include_pad};
    const int64_t iy0 = oy * p->sh - p->pt;
    const int64_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = p->ih - iy0 < KH ? p->ih - iy0 : KH;
    const float *r = x + (iy0 + ky0) * l.iw * PW_LANES; /* the first inside row */
    if (ky1 - ky0 == KH)
        pw_row_slide(kind, l, KH, KW, SW, KH, r, y);
    else
        pw_row_slide(kind, l, KH, KW, SW, ky1 > ky0 ? ky1 - ky0 : 0, r, y);
}

/* Row functions with the kind, kernel and stride as literals for the shapes Inception-v3 pools
 * with (OpenMP outlines the parallel loop before inlining, so the literals must be fixed
 * below it), and one for any other shape. */
typedef void (*pw_row_fn)(const ib_pool_desc *p, const float *x, float *y, int64_t oy);
#define PW_ROW_FN(name, kind, KH, KW, SW)                                                          \
    static void name(const ib_pool_desc *p, const float *x, float *y, int64_t oy)                  \
    {                                                                                              \
        pw_row(kind, p, KH, KW, SW, x, y, oy);                                                     \
    }
PW_ROW_FN(pw_max_3x3s2, PW_MAX, 3, 3, 2)
PW_ROW_FN(pw_max_any, PW_MAX, p->kh, p->kw, p->sw)
PW_ROW_FN(pw_avg_3x3s1, PW_AVG, 3, 3, 1)
PW_ROW_FN(pw_avg_5x5s3, PW_AVG, 5, 5, 3)
PW_ROW_FN(pw_avg_any, PW_AVG, p->kh, p->kw, p->sw)
#undef PW_ROW_FN

static pw_row_fn pw_choose(pw_kind kind, const ib_pool_desc *p)
{
    const int k3 = p->kh == 3 && p->kw == 3, k5 = p->kh == 5 && p->kw == 5;
    if (kind == PW_MAX)
        return k3 && p->sw == 2 ? pw_max_3x3s2 : pw_max_any;
    return k3 && p->sw == 1 ? pw_avg_3x3s1 : k5 && p->sw == 3 ? pw_avg_5x5s3 : pw_avg_any;
}

/* The layer: every output row of every image's channel blocks, rows split among threads. */
static void pw_pool(pw_kind kind, const ib_pool_desc *p, const float *src, float *dst)
{
    const pw_row_fn row = pw_choose(kind, p);
    const int64_t blocks = (p->c + PW_LANES - 1) / PW_LANES, rows = p->n * blocks * p->oh;
    const int64_t in_plane = p->ih * p->iw * PW_LANES, out_plane = p->oh * p->ow * PW_LANES;
    IB_PAR_FOR(
        ib_par_worth(rows * p->ow * PW_LANES * p->kh * p->kw, rows),
        "omp parallel for schedule(static)", for (int64_t i = 0; i < rows; i++) {
            const int64_t plane = i / p->oh, oy = i % p->oh;
            row(p, src + plane * in_plane, dst + plane * out_plane + oy * p->ow * PW_LANES, oy);
        });
}

#endif
