/* The one check counter of every test program, and its closing line ("N passed, N failed"). */
#ifndef IB_TESTS_CHECK_H
#define IB_TESTS_CHECK_H

/* Counts one check; on failure prints "FAIL: " and the formatted message. */
void ib_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Counts one check that could not run here (an ISA or a library absent). */
void ib_check_skip(void);

/* The counts so far, for a program's own summary table (NULL: not wanted). */
void ib_check_counts(int *passed, int *failed, int *skipped);

/* Prints "N passed, N failed" (then ", N skipped" when any were) and returns the exit status
 * (1 when any check failed). */
int ib_check_done(void);

#endif
