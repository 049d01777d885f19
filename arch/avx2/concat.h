/* Channel concat in blocked layouts (nChw{V}c): where each input lies inside the output. */
#ifndef IB_AVX2_CONCAT_H
#define IB_AVX2_CONCAT_H

#include "core/desc.h"

/* When every input's channel count is a multiple of V, input i is, in each image, a contiguous
 * run of whole channel blocks of the output: a producer can write it there directly (with the
 * output's image stride) and the concat costs nothing. Returns 1 in that case. */
static inline int ib_concat_blocked_is_slices(const ib_concat_desc *d, int V)
{
    for (int i = 0; i < d->ninputs; i++)
        if (d->in[i].c % V != 0)
            return 0;
    return 1;
}

/* Floats from the start of an output image to input i's first element (valid when the inputs
 * are slices; then input i's image k starts at out + k * image_stride + offset). */
static inline int64_t ib_concat_blocked_offset(const ib_concat_desc *d, int V, int i)
{
    int64_t c = 0;
    for (int k = 0; k < i; k++)
        c += d->in[k].c;
    return c / V * d->oh * d->ow * V;
}

/* Floats per image of the output: ceil(oc/V) blocks of oh*ow*V. */
static inline int64_t ib_concat_blocked_image_stride(const ib_concat_desc *d, int V)
{
    return (d->oc + V - 1) / V * d->oh * d->ow * V;
}

#endif
