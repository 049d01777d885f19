/* Tests of the two trait tables: every layer type of ops/ops.inc has complete traits that agree
 * with the core's entry points, and the ISA table is consistent with the CPU and the registry. */
#include <stdio.h>
#include <string.h>

#include "core/isa.h"
#include "core/registry.h"
#include "ops/op_traits.h"
#include "tests/check.h"

static void check_op(ib_op op)
{
    const ib_op_traits *t = ib_op_traits_of(op);
    ib_check(t != NULL, "op %d has traits", (int)op);
    if (!t)
        return;
    ib_op back = IB_OP_COUNT;
    ib_check(ib_op_from_name(t->name, &back) && back == op, "%s: the name finds the op", t->name);
    ib_check(!strcmp(ib_op_name(op), t->name), "%s: ib_op_name", t->name);
    ib_check(t->validate && t->print && t->arg_shapes && t->work && t->fill && t->reference,
             "%s: every required member is set", t->name);
    ib_check(t->fields && t->nfields > 0, "%s: lists its fields", t->name);
    for (int i = 0; i < t->nfields; i++)
        ib_check(t->fields[i].offset < sizeof(ib_desc), "%s: field %d lies in ib_desc", t->name, i);
    /* An all-zero descriptor is refused with a message naming the layer type. */
    ib_desc d;
    memset(&d, 0, sizeof d);
    d.op = op;
    ib_err e = {{0}};
    ib_check(ib_desc_validate(&d, &e) != IB_OK && strstr(e.msg, t->name) == e.msg,
             "%s: a zero descriptor is refused naming it (%s)", t->name, e.msg);
    /* The reference is registered, first among the implementations of the op. */
    const ib_impl *impls[64];
    const int n = ib_registry_find(op, 0, impls, 64);
    ib_check(n > 0 && impls[0]->kind == IB_KIND_REFERENCE && !strcmp(impls[0]->name, "ref"),
             "%s: the reference is registered first", t->name);
}

static void check_isas(void)
{
    const ib_cpu *cpu = ib_cpu_get();
    ib_check(ib_isa_count() >= 1 && ib_isa_at(0)->isa == IB_ISA_SCALAR, "scalar is first");
    ib_check(ib_isa_at(ib_isa_count()) == NULL && ib_isa_at(-1) == NULL, "out of range: NULL");
    for (int i = 0; i < ib_isa_count(); i++) {
        const ib_isa_traits *t = ib_isa_at(i);
        const char *name = ib_isa_name(t->isa);
        ib_check(ib_isa_traits_of(t->isa) == t, "%s: found by its value", name);
        ib_check(t->vector_floats >= 1 && (t->vector_floats & (t->vector_floats - 1)) == 0,
                 "%s: %d lanes, a power of two", name, t->vector_floats);
        ib_check(t->present && t->fma_probe && t->fma_chains > 0, "%s: feature test and probe",
                 name);
        /* usable = present and not above the cap */
        const int usable = t->present(cpu) && t->isa <= cpu->cap;
        ib_check(ib_isa_usable(t->isa, NULL) == usable, "%s: usable iff present and under cap",
                 name);
        if (i > 0)
            ib_check(t->isa > ib_isa_at(i - 1)->isa, "%s: the table is ordered", name);
    }
    const char *why = NULL;
    ib_check(!ib_isa_usable(IB_ISA_COUNT, &why) && why && strstr(why, "unknown"),
             "an unknown ISA is refused (%s)", why ? why : "");
    /* Every native implementation needs an ISA this build has traits for. */
    for (int r = 0; r < ib_registry_count(); r++) {
        const ib_impl *im = ib_registry_at(r);
        if (im->kind == IB_KIND_NATIVE)
            ib_check(ib_isa_traits_of(im->isa) != NULL, "%s %s: its ISA has traits", im->name,
                     ib_op_name(im->op));
    }
}

int main(void)
{
    for (int op = 0; op < IB_OP_COUNT; op++)
        check_op((ib_op)op);
    ib_check(ib_op_traits_of(IB_OP_COUNT) == NULL, "IB_OP_COUNT has no traits");
    check_isas();
    return ib_check_done();
}
