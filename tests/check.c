/* The unit-test programs' check counter and closing line. */
#include "tests/check.h"

#include <stdarg.h>
#include <stdio.h>

static int passed, failed, skipped;

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

void ib_check_skip(void)
{
    skipped++;
}

void ib_check_counts(int *p, int *f, int *s)
{
    if (p)
        *p = passed;
    if (f)
        *f = failed;
    if (s)
        *s = skipped;
}

int ib_check_done(void)
{
    printf("%d passed, %d failed", passed, failed);
    if (skipped)
        printf(", %d skipped", skipped);
    printf("\n");
    return failed ? 1 : 0;
}
