/* The shapes every implementation is checked on: Inception-v3's own plus edge shapes. */
#ifndef IB_TESTS_SHAPES_H
#define IB_TESTS_SHAPES_H

#include "core/desc.h"

typedef struct ib_test_shape {
    char label[96];
    ib_desc desc;
} ib_test_shape;

/* Every distinct Inception-v3 descriptor of op (batch 1, aux head included), then the edge
 * shapes. reduced (for emulators) keeps every distinct kernel geometry of the network (kernel,
 * stride, padding, the stem) with channel counts and grids cut down, plus every edge shape.
 * Returns the number written (at most max), or -1 on error (message in e). */
int ib_test_shapes(ib_op op, int reduced, ib_test_shape *out, int max, ib_err *e);

#endif
