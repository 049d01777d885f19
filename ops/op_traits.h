/* Layer-type traits: everything the core knows about one layer type, in one table entry per
 * type (ops/<op>.c, listed once in ops/ops.inc). Core code dispatches through this table and
 * has no per-op switch. */
#ifndef IB_OP_TRAITS_H
#define IB_OP_TRAITS_H

#include <stddef.h>
#include <stdint.h>

#include "core/desc.h"

/* Text appended to a fixed buffer, cut when it does not fit. */
typedef struct ib_strbuf {
    char *p;
    int len, used;
} ib_strbuf;
void ib_put(ib_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A sliding window (conv, pooling). */
typedef struct ib_window {
    int64_t kh, kw, sh, sw, pt, pb, pl, pr;
} ib_window;

/* One field of the descriptor struct, in the order the fuzzer reads them. */
typedef enum ib_field_kind { IB_FIELD_I64, IB_FIELD_INT, IB_FIELD_F32 } ib_field_kind;
typedef struct ib_field {
    size_t offset; /* from the start of ib_desc */
    ib_field_kind kind;
} ib_field;
#define IB_FIELD(member, kind)                                                                     \
    {                                                                                              \
        offsetof(ib_desc, member), kind                                                            \
    }

typedef struct ib_op_traits {
    const char *name; /* "conv", "maxpool", ... as descriptors, benchmarks and tables say */
    /* What sets its speed, and so what its rate is compared with: multiply-adds (%peak
     * against the FMA peak of the ISA it runs, on executed work) and/or memory traffic
     * (%triad against a STREAM triad over a working set of the same size). */
    int fma_bound, memory_bound;
    const ib_field *fields;
    int nfields;
    /* Ranges, overflow-checked sizes, derived fields; the message names the bad field. */
    ib_status (*validate)(ib_desc *d, ib_err *e);
    /* The benchdnn-like text of a validated descriptor. */
    void (*print)(const ib_desc *d, ib_strbuf *b);
    void (*arg_shapes)(const ib_desc *d, ib_arg_shapes *s);
    /* Fills every field of w but flops_exec, which the caller derives. */
    void (*work)(const ib_desc *d, ib_work *w);
    /* NULL when the layer type has no sliding window. */
    void (*window)(const ib_desc *d, ib_window *w);
    /* Verification input: element k of input arg, from one draw of the generator at rng
     * (core/rng.h). The values make every exact layer type's result exact in fp32 whatever
     * the summation order. */
    float (*fill)(const ib_desc *d, int arg, int64_t k, uint64_t *rng);
    /* NULL: results must equal the reference bit for bit. Else the bound on |got - want| of
     * element k of output j, given the inputs a. */
    double (*bound)(const ib_desc *d, const ib_args *a, int j, int64_t k, double want);
    /* The scalar reference (reference/), the oracle. */
    void (*reference)(const ib_desc *d, const ib_args *a);
} ib_op_traits;

/* NULL for a value that is not a layer type. */
const ib_op_traits *ib_op_traits_of(ib_op op);

#define IB_OP_ENTRY(ID, name) extern const ib_op_traits ib_op_##name##_traits;
#include "ops/ops.inc"
#undef IB_OP_ENTRY

#endif
