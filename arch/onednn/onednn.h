/* oneDNN peer: what the driver may ask of it beyond the registry (which kernel oneDNN chose). */
#ifndef IB_ONEDNN_H
#define IB_ONEDNN_H

#include "core/impl.h"

/* The implementation oneDNN picked for a prepared instance (the inst of ib_impl.prepare),
 * e.g. "jit:avx2" or "jit_1x1:avx2"; "" when unknown. Valid until the instance is released. */
const char *ib_onednn_impl_info(void *inst);

/* The same for a validated descriptor, without preparing data: builds the primitive
 * descriptor only. Writes the name into buf (always terminated) and returns buf; on error
 * the text is "unsupported: <reason>". */
const char *ib_onednn_impl_info_desc(const ib_desc *d, char *buf, int len);

/* The same for one oneDNN implementation of the registry (onednn, onednn_postops, ...), which
 * may configure the primitive differently; "" for an implementation that is not oneDNN's. */
const char *ib_onednn_impl_info_of(const ib_impl *impl, const ib_desc *d, char *buf, int len);

#endif
