/* Test descriptors from descriptor text (tests/desc_text.h). */
#include "tests/desc_text.h"

#include <stdio.h>
#include <stdlib.h>

#include "harness/shapes_parse.h"

ib_desc ib_test_desc(const char *text)
{
    ib_desc d;
    ib_err e;
    if (ib_parse_desc(text, &d, NULL, 0, &e) != IB_OK) {
        printf("FAIL: the test's descriptor '%s' is refused: %s\n", text, e.msg);
        exit(1);
    }
    return d;
}
