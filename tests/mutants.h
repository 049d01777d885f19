/* The verifier's mutants: test-only implementations, each the reference with one classic bug,
 * plus controls (the mutants' own loops with no bug) that must pass everywhere. */
#ifndef IB_TESTS_MUTANTS_H
#define IB_TESTS_MUTANTS_H

#include "core/impl.h"

typedef struct ib_mutant {
    const ib_impl *impl; /* name "mutant_<bug>" or "mutant_control_<op>" */
    const char *bug;     /* what is wrong, in a few words */
    int control;         /* 1: no bug, must pass every shape */
} ib_mutant;

int ib_mutant_count(void);
const ib_mutant *ib_mutant_at(int i);

/* Adds every mutant and control to the registry (idempotent). Only the mutation test calls
 * it, so no other test program ever sees them. */
void ib_mutants_register(void);

#endif
