/* libFuzzer target: random descriptors through validation. Validation must refuse with a
 * message, or accept a descriptor on which the reference, the work counts, the text form and
 * the reference instance (plain pack, run, fetch) run without any sanitizer report.
 *
 * Input bytes: the op, then each field its traits list, in order (ints and flags one byte).
 * A field byte below 0xF0 is its value; 0xF0 X
 * is -X; 0xF1 + 8 bytes is a raw int64; 0xF2 X is INT64_MAX - X; 0xF3 X is INT32_MAX + X - 128;
 * 0xF4.. are -1 .. -12. Floats are 4 raw bytes. Missing bytes read as 0. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/impl.h"
#include "core/registry.h"
#include "harness/cases.h"
#include "ops/op_traits.h"
#include "reference/reference.h"

/* Keeps every accepted case fast: the reference is plain loops. */
enum { MAX_ELEMS = 200000, MAX_WORK = 1000000 };

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint8_t rd_u8(reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static int64_t rd_i64(reader *r)
{
    uint8_t t = rd_u8(r);
    if (t < 0xF0)
        return t;
    switch (t) {
    case 0xF0:
        return -(int64_t)rd_u8(r);
    case 0xF1: {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v = v << 8 | rd_u8(r);
        return (int64_t)v;
    }
    case 0xF2:
        return INT64_MAX - rd_u8(r);
    case 0xF3:
        return (int64_t)INT32_MAX + rd_u8(r) - 128;
    default:
        return 0xF3 - (int64_t)t; /* 0xF4.. -> -1.. */
    }
}

static float rd_f32(reader *r)
{
    uint32_t u = 0;
    for (int i = 0; i < 4; i++)
        u = u << 8 | rd_u8(r);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The op, then the fields its traits list, in their order. */
static void decode(reader *r, ib_desc *d)
{
    memset(d, 0, sizeof *d);
    d->op = (ib_op)(rd_u8(r) % (IB_OP_COUNT + 1)); /* IB_OP_COUNT itself: an unknown op */
    const ib_op_traits *t = ib_op_traits_of(d->op);
    for (int i = 0; t && i < t->nfields; i++) {
        char *p = (char *)d + t->fields[i].offset;
        if (t->fields[i].kind == IB_FIELD_I64) {
            int64_t v = rd_i64(r);
            memcpy(p, &v, sizeof v);
        } else if (t->fields[i].kind == IB_FIELD_INT) {
            int v = (int)(int8_t)rd_u8(r);
            memcpy(p, &v, sizeof v);
        } else {
            float v = rd_f32(r);
            memcpy(p, &v, sizeof v);
        }
    }
}

/* The nominal work of the reference: its multiply-adds, or every window tap. */
static int small_enough(const ib_desc *d, const ib_arg_shapes *s)
{
    int64_t total = 0;
    for (int i = 0; i < s->nin; i++)
        total += ib_dims_count(s->in[i]);
    for (int j = 0; j < s->nout; j++)
        total += ib_dims_count(s->out[j]);
    if (total > MAX_ELEMS || s->nlabels > MAX_ELEMS)
        return 0;
    ib_work w;
    ib_desc_work(d, &w);
    double work = (double)w.macs;
    const ib_op_traits *t = ib_op_traits_of(d->op);
    if (t->window) {
        ib_window win;
        t->window(d, &win);
        work = fmax(work, (double)ib_dims_count(s->out[0]) * (double)win.kh * (double)win.kw);
    }
    return work <= MAX_WORK;
}

/* Validation, then on an accepted descriptor every invariant and the reference runs; the
 * fills come from r. Returns 1 when accepted. */
static int check_desc(ib_desc d, reader r)
{
    ib_err e;
    memset(&e, 0, sizeof e);
    ib_status st = ib_desc_validate(&d, &e);
    if (st != IB_OK) {
        if (!e.msg[0] || !memchr(e.msg, '\0', sizeof e.msg))
            abort(); /* a refusal must say why */
        return 0;
    }
    const int accepted = 1;
    ib_arg_shapes s;
    ib_arg_shapes_of(&d, &s);
    if (s.nout < 1 || s.nin < 1 || s.nin > IB_MAX_IN || s.nout > IB_MAX_OUT)
        abort();
    for (int j = 0; j < s.nout; j++)
        if (ib_dims_count(s.out[j]) <= 0)
            abort(); /* an accepted descriptor has a non-empty output */
    if (!small_enough(&d, &s))
        return accepted;
    char text[512];
    ib_desc_str(&d, text, sizeof text);
    if (!memchr(text, '\0', sizeof text))
        abort();
    ib_work w;
    ib_desc_work(&d, &w);
    if (w.flops < 0 || w.macs < 0 || w.bytes_read < 0 || w.bytes_written <= 0 ||
        w.macs_nonpad > w.macs)
        abort();

    /* Exact-size heap buffers, so ASan sees any read or write past an argument. */
    ib_args a;
    memset(&a, 0, sizeof a);
    float *in[IB_MAX_IN] = {0}, *out[IB_MAX_OUT] = {0};
    int32_t *labels = NULL;
    for (int i = 0; i < s.nin; i++) {
        const int64_t n = ib_dims_count(s.in[i]);
        if (n <= 0)
            continue; /* absent optional argument: NULL */
        in[i] = malloc((size_t)n * sizeof(float));
        for (int64_t k = 0; k < n; k++)
            in[i][k] = (float)((int)(k % 7) - 3) + (float)rd_u8(&r) / 64.0f;
        a.in[i] = in[i];
    }
    if (s.nlabels > 0) {
        labels = malloc((size_t)s.nlabels * sizeof(int32_t));
        /* mostly in range; 0xFF bytes give a label out of range, which must not be indexed */
        for (int64_t k = 0; k < s.nlabels; k++) {
            uint8_t b = rd_u8(&r);
            labels[k] = b == 0xFF ? (int32_t)s.nclasses + (k & 1 ? 0 : -1000000)
                                  : (int32_t)(b % s.nclasses);
        }
        a.labels = labels;
    }
    for (int j = 0; j < s.nout; j++)
        a.out[j] = out[j] = malloc((size_t)ib_dims_count(s.out[j]) * sizeof(float));
    ib_ref_run(&d, &a);

    /* The same problem through the registry's reference instance: plain packing, reorders
     * and fetch. */
    const ib_impl *ref = ib_registry_lookup(d.op, "ref");
    ib_instance *inst = NULL;
    if (!ref || ib_instance_create(ref, &d, &a, &inst, &e) != IB_OK)
        abort();
    if (ib_instance_run(inst) != IB_OK || ib_instance_fetch(inst, &a) != IB_OK)
        abort();
    ib_instance_destroy(inst);

    for (int i = 0; i < IB_MAX_IN; i++)
        free(in[i]);
    for (int j = 0; j < IB_MAX_OUT; j++)
        free(out[j]);
    free(labels);
    return accepted;
}

/* The suite's Inception-v3 cases first: each must be accepted and keep the invariants. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static ib_problem cases[IB_MAX_CASES];
    ib_err e;
    const int n = ib_inception_cases(1, cases, IB_MAX_CASES, &e);
    if (n <= 0)
        abort();
    for (int i = 0; i < n; i++)
        if (!check_desc(cases[i].desc, (reader){NULL, 0}))
            abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size};
    ib_desc d;
    decode(&r, &d);
    check_desc(d, r);
    return 0;
}
