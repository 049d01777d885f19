/* Descriptors for tests from their benchdnn-style text, as the driver's --shape parses them
 * ("mb1ic8ih6iw6oc8kh3sh1pt1pb0pl0pr0_bias_relu", "maxpool:mb1ic5ih7kh3sh2"), instead of
 * long lists of positional numbers. */
#ifndef IB_TESTS_DESC_TEXT_H
#define IB_TESTS_DESC_TEXT_H

#include "core/desc.h"

/* The validated descriptor of text; a text the parser refuses is a bug in the test: the
 * message is printed and the program exits with status 1. */
ib_desc ib_test_desc(const char *text);

#endif
