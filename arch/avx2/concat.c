/* Channel concat on nChw8c: block copies where channels line up, lane shuffles where they do
 * not. */
#include <string.h>

#include "arch/avx2/avx2_util.h"
#include "arch/avx2/concat.h"

/* A run of lanes of one output block that comes from one block of one input: the input block's
 * vector, rotated by perm, blended in under mask. */
typedef struct concat_piece {
    const float *src; /* the input block (h*w vectors) */
    __m256i perm, mask;
    int whole; /* all 8 lanes, unrotated: a plain copy */
} concat_piece;

/* The pieces of output block ob of image k (at most 8: one per lane). */
static int concat_pieces(const ib_concat_desc *d, const float *const *src, int64_t k, int64_t ob,
                         concat_piece *pc)
{
    int64_t hw = d->oh * d->ow, lo = ob * 8, hi = lo + 8, off = 0;
    int np = 0;
    for (int i = 0; i < d->ninputs; off += d->in[i].c, i++) {
        int64_t a = lo > off ? lo : off, b = hi < off + d->in[i].c ? hi : off + d->in[i].c;
        if (a >= b)
            continue;
        int64_t cbi = ib_avx2_blocks(d->in[i].c);
        int32_t shift = (int32_t)(((lo - off) % 8 + 8) % 8);
        for (int64_t ib = (a - off) / 8; ib <= (b - 1 - off) / 8; ib++) {
            /* output channels this input block supplies, within [a, b) */
            int64_t s = off + ib * 8 > a ? off + ib * 8 : a;
            int64_t e = off + ib * 8 + 8 < b ? off + ib * 8 + 8 : b;
            int32_t perm[8], mask[8];
            for (int l = 0; l < 8; l++) {
                perm[l] = (l + shift) & 7;
                mask[l] = lo + l >= s && lo + l < e ? -1 : 0;
            }
            pc[np].src = src[i] + (k * cbi + ib) * hw * 8;
            pc[np].perm = _mm256_loadu_si256((const __m256i *)perm);
            pc[np].mask = _mm256_loadu_si256((const __m256i *)mask);
            pc[np].whole = shift == 0 && e - s == 8;
            np++;
        }
    }
    return np;
}

static void concat_exec(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst)
{
    (void)packed;
    const ib_concat_desc *c = &d->concat;
    int64_t hw = c->oh * c->ow, ocb = ib_avx2_blocks(c->oc), items = c->n * ocb;
    IB_PAR_FOR(
        ib_par_worth(items * hw * 8, items), "omp parallel for schedule(static)",
        for (int64_t it = 0; it < items; it++) {
            int64_t k = it / ocb, ob = it % ocb;
            float *y = dst[0] + it * hw * 8;
            concat_piece pc[8];
            int np = concat_pieces(c, src, k, ob, pc);
            if (np == 1 && pc[0].whole) {
                memcpy(y, pc[0].src, (size_t)hw * 8 * sizeof(float));
                continue;
            }
            /* lanes no piece covers are the output's padding channels: zero */
            for (int64_t p = 0; p < hw; p++) {
                __m256 v = _mm256_setzero_ps();
                for (int q = 0; q < np; q++) {
                    __m256 x =
                        _mm256_permutevar8x32_ps(_mm256_loadu_ps(pc[q].src + p * 8), pc[q].perm);
                    v = _mm256_blendv_ps(v, x, _mm256_castsi256_ps(pc[q].mask));
                }
                _mm256_storeu_ps(y + p * 8, v);
            }
        });
}

static const ib_native concat_native = {
    .kernel = "concat_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = concat_exec,
};

IB_NATIVE_ALWAYS(concat_native_choose, concat_native)
IB_IMPL_NATIVE(ib_avx2_concat_impl, "avx2", IB_OP_CONCAT, IB_ISA_AVX2, ib_supports_all,
               concat_native_choose);
