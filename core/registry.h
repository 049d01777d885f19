/* The registry: one table of implementations, filled once from CPU features. */
#ifndef IB_REGISTRY_H
#define IB_REGISTRY_H

#include "core/impl.h"

/* Every implementation compiled in (whether or not it runs here), reference first. */
int ib_registry_count(void);
const ib_impl *ib_registry_at(int i);

/* 1 when impl runs on this CPU under the INCBENCH_ISA cap; else 0 and *why. */
int ib_impl_usable(const ib_impl *impl, const char **why);

/* The ISA whose FMA peak an implementation is held to: its own for our kernels, the best
 * usable one for library peers (they dispatch themselves), scalar for the reference. */
ib_isa ib_impl_peak_isa(const ib_impl *impl);

/* Implementations of op that run here, reference first; test-only ones only when
 * with_test_only. Returns how many were written (at most max). */
int ib_registry_find(ib_op op, int with_test_only, const ib_impl **out, int max);

/* By op and name (NULL when none). */
const ib_impl *ib_registry_lookup(ib_op op, const char *name);

/* The implementation a family runs op's problem d with: the family's own when it runs here and
 * supports d, else for an algorithm family ("wino_avx2": Winograd for the layers it suits) the
 * direct family of its ISA ("avx2"), whose layout it shares; NULL when neither. */
const ib_impl *ib_registry_family_impl(const char *family, const ib_desc *d);

/* Adds a test-only implementation (mutants, planted slowdowns); call before first use. */
ib_status ib_registry_add(const ib_impl *impl, ib_err *e);

#endif
