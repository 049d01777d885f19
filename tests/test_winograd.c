/* The Winograd family's numerics: on Inception-v3's real channel counts of its 3x3 stride-1
 * layers, on a grid where F(4x4,3x3) is chosen, every Winograd implementation that runs here
 * stays inside the derived error bound (core/winograd.c), the bound is tight enough to
 * mean something (well below the outputs' size), and a transform with one wrong coefficient
 * (the family's mutant) falls outside it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/registry.h"
#include "core/winograd.h"
#include "tests/check.h"
#include "tests/extras.h"
#include "tests/harness.h"
#include "tests/mutants.h"

/* (ic, oc) of Conv2d_2a, Conv2d_2b, Conv2d_4a, Mixed_5b.branch3x3dbl_2 and _3,
 * Mixed_7b.branch3x3dbl_2 */
static const int64_t channels[][2] = {{32, 32}, {32, 64}, {80, 192},
                                      {64, 96}, {96, 96}, {448, 384}};

/* The largest bound over the largest reference output: a bound near 1 would pass anything. */
static double bound_size(const ib_impl *im, const ib_vcase *v)
{
    const int64_t n = ib_dims_count(v->shapes.out[0]);
    double *b = ib_alloc((size_t)n * sizeof(double));
    if (!b)
        return INFINITY;
    im->error_bound(&v->desc, &v->args, b);
    double bmax = 0, wmax = 0;
    for (int64_t k = 0; k < n; k++) {
        bmax = fmax(bmax, b[k]);
        wmax = fmax(wmax, fabs((double)v->want[0][k]));
    }
    ib_free(b);
    return wmax > 0 ? bmax / wmax : INFINITY;
}

static const ib_impl *wino_mutant(void)
{
    for (int i = 0; i < ib_mutant_count(); i++)
        if (strstr(ib_mutant_at(i)->impl->name, "wino"))
            return ib_mutant_at(i)->impl;
    return NULL;
}

int main(void)
{
    ib_test_register_extras();
    ib_mutants_register();
    const ib_impl *mutant = wino_mutant();
    int tested = 0;
    printf("winograd numerics: F(4x4,3x3) on Inception-v3's channel counts, 12x12, padding 1\n");
    for (size_t s = 0; s < sizeof channels / sizeof channels[0]; s++) {
        ib_desc d = {.op = IB_OP_CONV};
        d.conv = (ib_conv_desc){.n = 1,
                                .ic = channels[s][0],
                                .ih = 12,
                                .iw = 12,
                                .oc = channels[s][1],
                                .kh = 3,
                                .kw = 3,
                                .sh = 1,
                                .sw = 1,
                                .pt = 1,
                                .pb = 1,
                                .pl = 1,
                                .pr = 1,
                                .has_bias = 1,
                                .has_scale_shift = 1,
                                .relu = 0};
        char label[64];
        snprintf(label, sizeof label, "ic%lld_oc%lld", (long long)d.conv.ic, (long long)d.conv.oc);
        ib_case c;
        ib_err e = {{0}};
        if (ib_case_init(&c, &d, label, 77u + (uint32_t)s, &e) != IB_OK) {
            ib_check(0, "%s: %s", label, e.msg);
            continue;
        }
        ib_check(ib_wino_choose(&c.v.desc.conv)->m == 4, "%s: F(4x4) is chosen at 12x12", label);
        for (int i = 0; i < ib_registry_count(); i++) {
            const ib_impl *im = ib_registry_at(i);
            if (im->op != IB_OP_CONV || strncmp(im->name, "wino_", 5) || !ib_impl_usable(im, NULL))
                continue;
            ib_verify_result r;
            ib_status st = ib_vcase_verify_impl(&c.v, im, NULL, &r, &e);
            const double size = bound_size(im, &c.v);
            printf("  %-8s %-18s max error / bound %.2e, max rel error %.2e, bound / max |out| "
                   "%.2e\n",
                   label, im->name, r.max_bound_use, r.max_rel, size);
            ib_check(st == IB_OK && r.ok, "%s %s within its bound (%s)", label, im->name,
                     st == IB_OK ? r.msg : e.msg);
            ib_check(size < 0.25,
                     "%s %s: the bound is %.3g of the largest output, too loose to test", label,
                     im->name, size);
            tested++;
        }
        if (mutant && ib_impl_usable(mutant, NULL)) {
            ib_verify_result r;
            ib_status st = ib_vcase_verify_impl(&c.v, mutant, NULL, &r, &e);
            printf("  %-8s %-18s max error / bound %.2e (%lld elements outside)\n", label,
                   mutant->name, r.max_bound_use, (long long)r.bad);
            ib_check(st == IB_OK && !r.ok, "%s: the wrong transform is caught", label);
        } else {
            ib_check(0, "%s: no usable Winograd mutant on this machine", label);
        }
        ib_case_free(&c);
    }
    ib_check(tested > 0, "a Winograd implementation runs here");
    return ib_check_done();
}
