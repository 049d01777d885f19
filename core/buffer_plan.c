/* Liveness-based placement of a chain's activation buffers in one arena. */
#include "core/buffer_plan.h"

#include <stdlib.h>

enum { ALIGN = 64 };

static size_t round_up(size_t x)
{
    return (x + ALIGN - 1) / ALIGN * ALIGN;
}

ib_buf_life ib_buffer_life(size_t bytes)
{
    return (ib_buf_life){.bytes = bytes, .first = INT_MAX, .last = -1};
}

void ib_buffer_access(ib_buf_life *b, int step, int writes)
{
    if (writes && step < b->first)
        b->first = step;
    if (!writes && step > b->last)
        b->last = step;
}

void ib_buffer_keep(ib_buf_life *b)
{
    b->first = 0;
    b->last = INT_MAX;
}

static int lives_meet(const ib_buf_life *a, const ib_buf_life *b)
{
    return a->first <= b->last && b->first <= a->last;
}

int ib_buffer_conflict(const ib_buf_life *a, const ib_buf_life *b)
{
    return lives_meet(a, b) && a->offset < b->offset + b->bytes && b->offset < a->offset + a->bytes;
}

static int by_size_desc(const void *x, const void *y)
{
    const ib_buf_life *a = *(ib_buf_life *const *)x, *b = *(ib_buf_life *const *)y;
    if (a->bytes != b->bytes)
        return (a->bytes < b->bytes) - (a->bytes > b->bytes);
    return (a > b) - (a < b); /* by position in the array: the same plan on every run */
}

static int by_offset(const void *x, const void *y)
{
    const ib_buf_life *a = *(const ib_buf_life *const *)x, *b = *(const ib_buf_life *const *)y;
    return (a->offset > b->offset) - (a->offset < b->offset);
}

size_t ib_buffer_plan(ib_buf_life *b, int n)
{
    ib_buf_life **order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    const ib_buf_life **near = malloc((size_t)(n > 0 ? n : 1) * sizeof *near);
    size_t size = 0;
    if (!order || !near || n <= 0) {
        free(order);
        free(near);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (b[i].last < b[i].first)
            b[i].last = INT_MAX;
        order[i] = &b[i];
    }
    qsort(order, (size_t)n, sizeof *order, by_size_desc);
    for (int k = 0; k < n; k++) {
        ib_buf_life *x = order[k];
        /* the placed buffers live at the same time as x, by offset: x takes the first gap */
        int nn = 0;
        for (int j = 0; j < k; j++)
            if (lives_meet(x, order[j]))
                near[nn++] = order[j];
        qsort(near, (size_t)nn, sizeof *near, by_offset);
        size_t at = 0;
        for (int j = 0; j < nn; j++) {
            if (near[j]->offset >= at + x->bytes)
                break;
            const size_t end = round_up(near[j]->offset + near[j]->bytes);
            at = end > at ? end : at;
        }
        x->offset = at;
        size = round_up(at + x->bytes) > size ? round_up(at + x->bytes) : size;
    }
    free(order);
    free(near);
    return size;
}
