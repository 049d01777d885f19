/* Winograd convolution, the portable part: choice, weight transform, error bound, work. */
#include "core/winograd.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv_fold.h"

int ib_wino_supports(const ib_conv_desc *c, const char **why)
{
    const char *w = NULL;
    if (c->kh != IB_WINO_R || c->kw != IB_WINO_R)
        w = "winograd: only 3x3 kernels";
    else if (c->sh != 1 || c->sw != 1)
        w = "winograd: only stride 1";
    else if (c->pt > 2 || c->pb > 2 || c->pl > 2 || c->pr > 2)
        w = "winograd: padding above 2";
    if (w && why)
        *why = w;
    return w == NULL;
}

const ib_wino_mats *ib_wino_choose(const ib_conv_desc *c)
{
    return c->oh >= 12 && c->ow >= 12 ? &ib_wino_f4 : &ib_wino_f2;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

ib_wino_geom ib_wino_geom_of(const ib_conv_desc *c, const ib_wino_mats *mt, int64_t vl,
                             int64_t gmax)
{
    ib_wino_geom g;
    g.mt = mt;
    g.vl = vl;
    g.gmax = gmax;
    g.th = ceil_div(c->oh, mt->m);
    g.tw = ceil_div(c->ow, mt->m);
    g.tiles = g.th * g.tw;
    g.icb = ceil_div(c->ic, vl);
    g.icp = g.icb * vl;
    g.ocb = ceil_div(c->oc, vl);
    g.ocp = g.ocb * vl;
    g.ngroups = ceil_div(g.ocb, gmax);
    g.points = (int64_t)mt->alpha * mt->alpha;
    return g;
}

static int64_t group_floats(const ib_wino_geom *g)
{
    return g->points * g->icp * g->gmax * g->vl;
}

int64_t ib_wino_packed_floats(const ib_wino_geom *g)
{
    return g->ocp + g->ngroups * group_floats(g);
}

const float *ib_wino_group_weights(const ib_wino_geom *g, const float *packed, int64_t group)
{
    return packed + g->ocp + group * group_floats(g);
}

/* U = G g G^T of one 3x3 filter, in double. */
static void weight_transform(const ib_wino_mats *mt, const double g[3][3],
                             double u[IB_WINO_ALPHA_MAX][IB_WINO_ALPHA_MAX])
{
    double t[IB_WINO_ALPHA_MAX][3];
    for (int i = 0; i < mt->alpha; i++)
        for (int j = 0; j < 3; j++) {
            t[i][j] = 0;
            for (int k = 0; k < 3; k++)
                t[i][j] += (double)mt->g[i][k] * g[k][j];
        }
    for (int i = 0; i < mt->alpha; i++)
        for (int j = 0; j < mt->alpha; j++) {
            u[i][j] = 0;
            for (int k = 0; k < 3; k++)
                u[i][j] += t[i][k] * (double)mt->g[j][k];
        }
}

void ib_wino_pack(const ib_conv_desc *c, const ib_args *a, const ib_wino_geom *g, float *packed)
{
    const ib_wino_mats *mt = g->mt;
    memset(packed, 0, (size_t)ib_wino_packed_floats(g) * sizeof(float));
    for (int64_t oc = 0; oc < c->oc; oc++)
        packed[oc] = ib_conv_folded_bias(c, a, oc);
    for (int64_t oc = 0; oc < c->oc; oc++) {
        const int64_t ob = oc / g->vl, grp = ob / g->gmax;
        const int64_t left = g->ocb - grp * g->gmax;
        const int64_t gsz = left < g->gmax ? left : g->gmax;
        const int64_t col = oc - grp * g->gmax * g->vl; /* within the group's gsz*vl */
        float *wg = (float *)ib_wino_group_weights(g, packed, grp);
        for (int64_t ic = 0; ic < c->ic; ic++) {
            double f[3][3], u[IB_WINO_ALPHA_MAX][IB_WINO_ALPHA_MAX];
            for (int k = 0; k < 9; k++)
                f[k / 3][k % 3] = ib_conv_folded_weight(c, a, oc, ic, k);
            weight_transform(mt, f, u);
            for (int p = 0; p < g->points; p++)
                wg[(p * g->icp + ic) * gsz * g->vl + col] = (float)u[p / mt->alpha][p % mt->alpha];
        }
    }
}

/* Nonzero coefficients in the fullest row of an r x cols matrix. */
static int max_row_nonzeros(const float *m, int rows, int cols, int stride)
{
    int best = 0;
    for (int i = 0; i < rows; i++) {
        int k = 0;
        for (int j = 0; j < cols; j++)
            k += m[i * stride + j] != 0.0f;
        best = k > best ? k : best;
    }
    return best;
}

/* The bound, to first order in u = FLT_EPSILON / 2 (Higham's gamma_L = L u / (1 - L u) covers
 * every product of L factors (1 + delta), |delta| <= u). Per point (p, q) of a tile:
 *   U = G g G^T, packed as fl(U) from the folded filter: |fl(U) - U| <= 2u Ut, Ut = |G||g||G^T|
 *     (one rounding of the fold, one of the transform; the transform itself runs in double);
 *   V = B^T d B, two passes of sums of at most kB nonzero terms: |fl(V) - V| <= gamma_2kB Vt,
 *     Vt = |B^T||d||B|;
 *   M = sum over the icp padded input channels of U V, one rounding per fused multiply-add:
 *     |fl(M) - M| <= gamma_(icp + 2kB + 2) Mt, Mt = sum_ic Ut Vt;
 *   Y = A^T M A, two passes of at most kA terms: gamma_2kA on |A^T| Mt |A|;
 *   + bias: one rounding of a result bounded by |A^T| Mt |A| + |bias|. ReLU does not grow it.
 * So |fl(y) - y| <= gamma_L (|A^T| Mt |A|)_ij + u |bias|, L = icp + 2kB + 2kA + 3. The norms
 * of the transforms enter through |A^T|, |B^T| and |G|: F(4x4)'s A^T holds 8 and B^T 5, which
 * is why its bound (and its error) is larger than F(2x2)'s at the same channel count. The
 * reference is taken as exact, as it is under the verifier's integer fills. */
void ib_wino_error_bound(const ib_conv_desc *c, const ib_args *a, const ib_wino_mats *mt,
                         double *bound)
{
    const int al = mt->alpha, m = mt->m, P = al * al;
    const int kb = max_row_nonzeros(&mt->bt[0][0], al, al, IB_WINO_ALPHA_MAX);
    const int ka = max_row_nonzeros(&mt->at[0][0], m, al, IB_WINO_ALPHA_MAX);
    const int64_t th = ceil_div(c->oh, m), tw = ceil_div(c->ow, m), tiles = th * tw;
    /* the padded channel count of the widest vector any build uses: a bound for all */
    const int64_t icp = ceil_div(c->ic, 16) * 16;
    const double u = FLT_EPSILON / 2, L = (double)(icp + 2 * kb + 2 * ka + 3);
    const double gamma = L * u / (1 - L * u);

    /* Ut per (oc, ic, point) and Vt per (ic, tile, point) of one image */
    double *ut = malloc((size_t)(c->oc * c->ic * P) * sizeof(double));
    double *vt = malloc((size_t)(c->ic * tiles * P) * sizeof(double));
    if (!ut || !vt) {
        free(ut);
        free(vt);
        for (int64_t k = 0; k < c->n * c->oc * c->oh * c->ow; k++)
            bound[k] = INFINITY; /* no memory for the bound: nothing can be checked */
        return;
    }
    ib_wino_mats ab = *mt; /* |B^T|, |G|, |A^T| */
    for (int i = 0; i < IB_WINO_ALPHA_MAX; i++) {
        for (int j = 0; j < IB_WINO_ALPHA_MAX; j++)
            ab.bt[i][j] = fabsf(ab.bt[i][j]);
        for (int j = 0; j < IB_WINO_R; j++)
            ab.g[i][j] = fabsf(ab.g[i][j]);
    }
    for (int i = 0; i < IB_WINO_M_MAX; i++)
        for (int j = 0; j < IB_WINO_ALPHA_MAX; j++)
            ab.at[i][j] = fabsf(ab.at[i][j]);

    for (int64_t oc = 0; oc < c->oc; oc++)
        for (int64_t ic = 0; ic < c->ic; ic++) {
            double f[3][3], t[IB_WINO_ALPHA_MAX][IB_WINO_ALPHA_MAX];
            for (int k = 0; k < 9; k++)
                f[k / 3][k % 3] = fabs((double)ib_conv_folded_weight(c, a, oc, ic, k));
            weight_transform(&ab, f, t);
            for (int p = 0; p < P; p++)
                ut[(oc * c->ic + ic) * P + p] = t[p / al][p % al];
        }

    for (int64_t n = 0; n < c->n; n++) {
        for (int64_t ic = 0; ic < c->ic; ic++) {
            const float *src = a->in[0] + (n * c->ic + ic) * c->ih * c->iw;
            for (int64_t t = 0; t < tiles; t++) {
                const int64_t y0 = (t / tw) * m - c->pt, x0 = (t % tw) * m - c->pl;
                double d[IB_WINO_ALPHA_MAX][IB_WINO_ALPHA_MAX],
                    r[IB_WINO_ALPHA_MAX][IB_WINO_ALPHA_MAX];
                for (int i = 0; i < al; i++)
                    for (int j = 0; j < al; j++) {
                        const int64_t y = y0 + i, x = x0 + j;
                        d[i][j] = y >= 0 && y < c->ih && x >= 0 && x < c->iw
                                      ? fabs((double)src[y * c->iw + x])
                                      : 0.0;
                    }
                for (int i = 0; i < al; i++)
                    for (int j = 0; j < al; j++) {
                        r[i][j] = 0;
                        for (int k = 0; k < al; k++)
                            r[i][j] += (double)ab.bt[i][k] * d[k][j];
                    }
                for (int i = 0; i < al; i++)
                    for (int j = 0; j < al; j++) {
                        double s = 0;
                        for (int k = 0; k < al; k++)
                            s += r[i][k] * (double)ab.bt[j][k];
                        vt[(ic * tiles + t) * P + i * al + j] = s;
                    }
            }
        }
        for (int64_t oc = 0; oc < c->oc; oc++) {
            const double b = fabs((double)ib_conv_folded_bias(c, a, oc));
            for (int64_t t = 0; t < tiles; t++) {
                double mt_[IB_WINO_ALPHA_MAX * IB_WINO_ALPHA_MAX] = {0};
                for (int64_t ic = 0; ic < c->ic; ic++) {
                    const double *uw = ut + (oc * c->ic + ic) * P, *vv = vt + (ic * tiles + t) * P;
                    for (int p = 0; p < P; p++)
                        mt_[p] += uw[p] * vv[p];
                }
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < m; j++) {
                        const int64_t y = (t / tw) * m + i, x = (t % tw) * m + j;
                        if (y >= c->oh || x >= c->ow)
                            continue;
                        double s = 0;
                        for (int p = 0; p < P; p++)
                            s += (double)ab.at[i][p / al] * (double)ab.at[j][p % al] * mt_[p];
                        bound[((n * c->oc + oc) * c->oh + y) * c->ow + x] = gamma * s + u * b;
                    }
            }
        }
    }
    free(ut);
    free(vt);
}

/* Flops of applying a matrix's rows once: 2 per coefficient other than +-1 (a multiply-add),
 * 1 per +-1 (an add). */
static int64_t apply_flops(const float *m, int rows, int cols, int stride)
{
    int64_t f = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            const float v = m[i * stride + j];
            f += v == 0.0f ? 0 : (v == 1.0f || v == -1.0f) ? 1 : 2;
        }
    return f;
}

void ib_wino_work(const ib_conv_desc *c, const ib_wino_mats *mt, int64_t vl, int64_t *product_macs,
                  int64_t *transform_flops)
{
    const ib_wino_geom g = ib_wino_geom_of(c, mt, vl, 1);
    const int al = mt->alpha, m = mt->m;
    const int64_t in_t = al * apply_flops(&mt->bt[0][0], al, al, IB_WINO_ALPHA_MAX) * 2;
    const int64_t out_t = (al + m) * apply_flops(&mt->at[0][0], m, al, IB_WINO_ALPHA_MAX);
    *product_macs = c->n * g.tiles * g.points * g.icp * g.ocp;
    *transform_flops = c->n * g.tiles * (g.icp * in_t + g.ocp * out_t);
}
