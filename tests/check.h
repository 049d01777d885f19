/* The unit-test programs' check counter and closing line ("N passed, N failed"). */
#ifndef IB_TESTS_CHECK_H
#define IB_TESTS_CHECK_H

/* Counts one check; on failure prints "FAIL: " and the formatted message. */
void ib_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "N passed, N failed" and returns the exit status (1 when any check failed). */
int ib_check_done(void);

#endif
