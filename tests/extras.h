/* Test-only implementations: emulated ISAs and, later, mutants; registered by every test program. */
#ifndef IB_TESTS_EXTRAS_H
#define IB_TESTS_EXTRAS_H

/* Registers every test-only implementation compiled into this test build (idempotent). */
void ib_test_register_extras(void);

#endif
