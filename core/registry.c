/* The implementation table: X-macro lists per family (reference first), plus test-only extras. */
#include "core/registry.h"

#include <pthread.h>
#include <string.h>

#include "core/cpu.h"

#define IB_IMPL(sym) extern const ib_impl sym;
#include "core/impl_lists.inc"
#undef IB_IMPL

#define IB_IMPL(sym) &sym,
static const ib_impl *const table[] = {
#include "core/impl_lists.inc"
    NULL /* keeps the array non-empty when every list is */
};
#undef IB_IMPL

enum { TABLE_COUNT = (int)(sizeof table / sizeof table[0]) - 1, EXTRAS_MAX = 64 };

/* Test-only extras, appended after the table; guarded because tests may add from threads. */
static const ib_impl *extras[EXTRAS_MAX];
static int nextras;
static pthread_mutex_t extras_lock = PTHREAD_MUTEX_INITIALIZER;

static int extras_count(void)
{
    pthread_mutex_lock(&extras_lock);
    int n = nextras;
    pthread_mutex_unlock(&extras_lock);
    return n;
}

int ib_registry_count(void)
{
    return TABLE_COUNT + extras_count();
}

const ib_impl *ib_registry_at(int i)
{
    if (i < 0)
        return NULL;
    if (i < TABLE_COUNT)
        return table[i];
    i -= TABLE_COUNT;
    pthread_mutex_lock(&extras_lock);
    const ib_impl *p = i < nextras ? extras[i] : NULL;
    pthread_mutex_unlock(&extras_lock);
    return p;
}

int ib_impl_usable(const ib_impl *impl, const char **why)
{
    if (!impl) {
        if (why)
            *why = "no implementation";
        return 0;
    }
    return ib_isa_usable(impl->isa, why);
}

ib_isa ib_impl_peak_isa(const ib_impl *impl)
{
    if (impl->kind == IB_KIND_REFERENCE)
        return IB_ISA_SCALAR;
    if (impl->kind == IB_KIND_NATIVE) /* our kernels, algorithm families (wino_avx2) too */
        return impl->isa;
    /* A peer that dispatches itself (oneDNN, libxsmm) uses the best ISA under the cap,
     * whatever minimum its registry entry states. */
    const ib_cpu *cpu = ib_cpu_get();
    return cpu->cap;
}

const ib_impl *ib_registry_lookup(ib_op op, const char *name)
{
    const int n = ib_registry_count();
    for (int i = 0; name && i < n; i++) {
        const ib_impl *p = ib_registry_at(i);
        if (p && p->op == op && strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

int ib_registry_find(ib_op op, int with_test_only, const ib_impl **out, int max)
{
    const int n = ib_registry_count();
    int k = 0;
    /* Two passes: the reference first, then the rest in table order. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n && k < max; i++) {
            const ib_impl *p = ib_registry_at(i);
            if (!p || p->op != op || (p->kind == IB_KIND_REFERENCE) != (pass == 0))
                continue;
            if (!with_test_only && (p->test_only || i >= TABLE_COUNT))
                continue;
            if (ib_impl_usable(p, NULL))
                out[k++] = p;
        }
    }
    return k;
}

static int runs(const ib_impl *im, const ib_desc *d)
{
    return im && ib_impl_usable(im, NULL) && (!im->supports || im->supports(d, NULL));
}

const ib_impl *ib_registry_family_impl(const char *family, const ib_desc *d)
{
    static const char alg_prefix[] = "wino_";
    const ib_impl *im = ib_registry_lookup(d->op, family);
    if (runs(im, d))
        return im;
    if (!family || strncmp(family, alg_prefix, sizeof alg_prefix - 1) != 0)
        return NULL;
    im = ib_registry_lookup(d->op, family + sizeof alg_prefix - 1);
    return runs(im, d) ? im : NULL;
}

ib_status ib_registry_add(const ib_impl *impl, ib_err *e)
{
    if (!impl || !impl->name)
        return ib_fail(e, IB_INVALID, "registry: implementation or its name is NULL");
    if ((unsigned)impl->op >= IB_OP_COUNT)
        return ib_fail(e, IB_INVALID, "registry: %s has unknown op %d", impl->name, (int)impl->op);
    for (int i = 0; i < TABLE_COUNT; i++)
        if (table[i]->op == impl->op && strcmp(table[i]->name, impl->name) == 0)
            return ib_fail(e, IB_INVALID, "registry: %s %s already registered",
                           ib_op_name(impl->op), impl->name);
    ib_status st = IB_OK;
    pthread_mutex_lock(&extras_lock);
    for (int i = 0; i < nextras && st == IB_OK; i++)
        if (extras[i]->op == impl->op && strcmp(extras[i]->name, impl->name) == 0)
            st = ib_fail(e, IB_INVALID, "registry: %s %s already registered", ib_op_name(impl->op),
                         impl->name);
    if (st == IB_OK && nextras >= EXTRAS_MAX)
        st = ib_fail(e, IB_INVALID, "registry: more than %d extra implementations", EXTRAS_MAX);
    if (st == IB_OK)
        extras[nextras++] = impl;
    pthread_mutex_unlock(&extras_lock);
    return st;
}
