/* Helpers shared by native kernels' pack steps. */
#ifndef IB_NATIVE_H
#define IB_NATIVE_H

#include "core/impl.h"

/* "Plain" packing: every parameter argument (the inputs that are not data, then the labels)
 * copied as-is, back to back, each starting on a 64-byte boundary. Kernels that want their
 * parameters unchanged use these as packed_bytes/pack and ib_plain_param to find them. */
size_t ib_plain_packed_bytes(const ib_desc *d);
void ib_plain_pack(const ib_desc *d, const ib_args *nchw, void *packed);
/* Pointer to input i (a parameter) inside a plain-packed block; NULL when absent. */
const float *ib_plain_param(const ib_desc *d, const void *packed, int i);
const int32_t *ib_plain_labels(const ib_desc *d, const void *packed);

#endif
