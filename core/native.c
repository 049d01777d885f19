/* Plain packing: parameter inputs then labels, copied as-is, each on a 64-byte boundary. */
#include "core/native.h"

#include <string.h>

static size_t align64(size_t x)
{
    return (x + 63) & ~(size_t)63;
}

/* Offsets of every parameter (SIZE_MAX when input i is data or absent) and of the labels;
 * returns the total size. One walk shared by sizing, packing and lookup. */
static size_t plain_layout(const ib_desc *d, size_t off[IB_MAX_IN], size_t *labels_off)
{
    ib_arg_shapes s;
    size_t pos = 0;
    ib_arg_shapes_of(d, &s);
    for (int i = 0; i < IB_MAX_IN; i++) {
        off[i] = SIZE_MAX;
        if (i >= s.nin || s.in_is_data[i])
            continue;
        const int64_t count = ib_dims_count(s.in[i]);
        if (count <= 0)
            continue;
        pos = align64(pos);
        off[i] = pos;
        pos += (size_t)count * sizeof(float);
    }
    *labels_off = SIZE_MAX;
    if (s.nlabels > 0) {
        pos = align64(pos);
        *labels_off = pos;
        pos += (size_t)s.nlabels * sizeof(int32_t);
    }
    return pos;
}

size_t ib_plain_packed_bytes(const ib_desc *d)
{
    size_t off[IB_MAX_IN], loff;
    return plain_layout(d, off, &loff);
}

void ib_plain_pack(const ib_desc *d, const ib_args *nchw, void *packed)
{
    size_t off[IB_MAX_IN], loff;
    ib_arg_shapes s;
    if (!packed)
        return;
    plain_layout(d, off, &loff);
    ib_arg_shapes_of(d, &s);
    char *base = packed;
    for (int i = 0; i < IB_MAX_IN; i++) {
        if (off[i] == SIZE_MAX)
            continue;
        const size_t bytes = (size_t)ib_dims_count(s.in[i]) * sizeof(float);
        if (nchw->in[i])
            memcpy(base + off[i], nchw->in[i], bytes);
        else
            memset(base + off[i], 0, bytes); /* a missing parameter reads as zeros */
    }
    if (loff != SIZE_MAX) {
        const size_t bytes = (size_t)s.nlabels * sizeof(int32_t);
        if (nchw->labels)
            memcpy(base + loff, nchw->labels, bytes);
        else
            memset(base + loff, 0, bytes);
    }
}

const float *ib_plain_param(const ib_desc *d, const void *packed, int i)
{
    size_t off[IB_MAX_IN], loff;
    if (!packed || i < 0 || i >= IB_MAX_IN)
        return NULL;
    plain_layout(d, off, &loff);
    return off[i] == SIZE_MAX ? NULL : (const float *)((const char *)packed + off[i]);
}

const int32_t *ib_plain_labels(const ib_desc *d, const void *packed)
{
    size_t off[IB_MAX_IN], loff;
    if (!packed)
        return NULL;
    plain_layout(d, off, &loff);
    return loff == SIZE_MAX ? NULL : (const int32_t *)((const char *)packed + loff);
}

int ib_supports_all(const ib_desc *d, const char **why)
{
    (void)d;
    (void)why;
    return 1;
}
