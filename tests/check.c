/* The unit-test programs' check counter and closing line. */
#include "tests/check.h"

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

void ib_check(int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

int ib_check_done(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
