/* Aligned buffers and activation layouts: NCHW (the reference's) and channel-blocked nChw{V}c. */
#ifndef IB_LAYOUT_H
#define IB_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum ib_layout {
    IB_LAYOUT_NCHW,
    IB_LAYOUT_NCHW4C,  /* NEON */
    IB_LAYOUT_NCHW8C,  /* AVX2 */
    IB_LAYOUT_NCHW16C, /* AVX-512 */
} ib_layout;

/* Channel block of a layout: 1, 4, 8 or 16. */
int ib_layout_block(ib_layout l);
const char *ib_layout_name(ib_layout l); /* "nchw", "nChw4c", ... */

/* Elements a tensor of n,c,h,w takes in layout l (channels rounded up to the block).
 * Returns -1 on overflow. */
int64_t ib_layout_elems(ib_layout l, int64_t n, int64_t c, int64_t h, int64_t w);

/* Reorders between NCHW and nChw{V}c. Blocked element (n, c, h, w) lives at
 * ((n*ceil(c/V) + c/V)*h*w + h*W + w)*V + c%V. The padding channels of the last block
 * are written as zeros by to_blocked and ignored by from_blocked. */
void ib_reorder_to_blocked(const float *nchw, float *blocked, int64_t n, int64_t c, int64_t h,
                           int64_t w, int V);
void ib_reorder_from_blocked(const float *blocked, float *nchw, int64_t n, int64_t c, int64_t h,
                             int64_t w, int V);
/* Either direction by layout; NCHW to NCHW is a copy. */
void ib_reorder(const float *src, ib_layout sl, float *dst, ib_layout dl, int64_t n, int64_t c,
                int64_t h, int64_t w);

/* 64-byte aligned allocation (NULL when bytes is 0 or allocation fails), zeroed by
 * ib_first_touch; ib_free(NULL) is fine. */
void *ib_alloc(size_t bytes);
void ib_free(void *p);
/* Writes zeros over bytes of p from an OpenMP parallel loop with a static schedule, so the
 * threads that will use the pages touch them first (core/first_touch.c); ib_alloc calls
 * it, other allocations that threaded code uses should. */
void ib_first_touch(void *p, size_t bytes);
/* Checked a*b for sizes; returns 0 and leaves *r alone on overflow or negative operands. */
int ib_mul_ok(int64_t a, int64_t b, int64_t *r);
int ib_add_ok(int64_t a, int64_t b, int64_t *r);

#endif
