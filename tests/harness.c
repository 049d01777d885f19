/* The test side of verification: labels, skip reasons and failure lines over harness/verify.c. */
#include "tests/harness.h"

#include <string.h>

#include "core/registry.h"

ib_status ib_case_init(ib_case *c, const ib_desc *d, const char *label, uint32_t seed, ib_err *e)
{
    memset(c, 0, sizeof *c);
    snprintf(c->label, sizeof c->label, "%s", label);
    ib_desc v = *d;
    ib_status st = ib_desc_validate(&v, e);
    return st == IB_OK ? ib_vcase_init(&c->v, &v, seed, e) : st;
}

void ib_case_free(ib_case *c)
{
    ib_vcase_free(&c->v);
}

void ib_case_check(ib_case *c, const ib_impl *impl, FILE *out, ib_check_result *r)
{
    memset(r, 0, sizeof *r);
    const char *why = NULL;
    if (!ib_impl_usable(impl, &why) || (impl->supports && !impl->supports(&c->v.desc, &why))) {
        r->status = -1;
        snprintf(r->why, sizeof r->why, "%s", why ? why : "unsupported");
        return;
    }
    ib_verify_result v;
    ib_err e = {{0}};
    ib_status st = ib_vcase_verify_impl(&c->v, impl, NULL, &v, &e);
    if (st == IB_UNSUPPORTED) {
        r->status = -1;
        snprintf(r->why, sizeof r->why, "unsupported: %s", e.msg);
        return;
    }
    char shape[160];
    ib_desc_str(&c->v.desc, shape, sizeof shape);
    r->max_abs_err = v.max_abs;
    if (st != IB_OK)
        snprintf(r->why, sizeof r->why, "%s: %s", ib_status_name(st), e.msg);
    else if (!v.ok)
        snprintf(r->why, sizeof r->why, "first mismatch %s (%lld bad)", v.msg, (long long)v.bad);
    r->status = st == IB_OK && v.ok;
    if (!r->status && out)
        fprintf(out, "FAILED %s %s [%s] %s: %s\n", ib_op_name(c->v.desc.op), c->label, shape,
                impl->name, r->why);
}
