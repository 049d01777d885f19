/* The AVX2 convolution's thread split (arch/avx2/conv_split.h over core/work_split.h) on every
 * Inception-v3 convolution at batch 1 and 3 and on edge shapes, for the Xeon's, Zen 3's and a
 * pretend CPU's small caches, at 1 to 8 threads: the work the split counts is the kernel's (taps
 * counted pixel by pixel here), the cuts give every (image, group, output pixel) to exactly one
 * thread, and each thread's work is within one tile of its share. Prints each layer's imbalance
 * at 2 threads (the most work one thread gets over the ideal), worst first. Ends with
 * "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>

#include "tests/check.h"

#if defined(__x86_64__)
#include "arch/avx2/conv_split.h"
#include "tests/desc_text.h"
#include "tests/split_network.h"

static const ib_avx2_conv_caches xeon = {.l1d = 48 << 10, .l2 = 2 << 20, .l3 = 105 << 20};
static const ib_avx2_conv_caches zen3 = {.l1d = 32 << 10, .l2 = 512 << 10, .l3 = 32 << 20};
static const ib_avx2_conv_caches tiny = {.l1d = 4 << 10, .l2 = 32 << 10, .l3 = 1 << 20};

enum { MAX_THREADS = 8 };

/* The taps of output pixel q that read inside the input, one by one. */
static int64_t pixel_taps(const ib_conv_desc *c, int64_t q)
{
    int64_t taps = 0;
    for (int64_t ky = 0; ky < c->kh; ky++)
        for (int64_t kx = 0; kx < c->kw; kx++) {
            const int64_t y = q / c->ow * c->sh - c->pt + ky, x = q % c->ow * c->sw - c->pl + kx;
            taps += y >= 0 && y < c->ih && x >= 0 && x < c->iw;
        }
    return taps;
}

/* Splits c's work among nthreads; checks the cuts; returns the most work a thread gets over
 * the ideal. */
static double check_split(const char *what, const ib_conv_desc *c, const ib_avx2_conv_caches *k,
                          int nthreads)
{
    ib_avx2_conv_plan p;
    ib_avx2_conv_plan_of(c, k, &p);
    const ib_avx2_conv_seq s = ib_avx2_conv_seq_of(&p, c);
    const ib_split_seq seq = ib_avx2_conv_split_of(&s);
    int64_t *px = malloc(sizeof *px * (size_t)(p.q + 1)); /* work before each pixel */
    px[0] = 0;
    for (int64_t q = 0; q < p.q; q++)
        px[q + 1] = px[q] + pixel_taps(c, q);
    const int64_t total = c->n * p.ocb * px[p.q];
    ib_check(s.image_work * c->n == total &&
                 s.image_work == ib_avx2_conv_px_work(&s, 0, p.q) * p.ocb,
             "%s: the split counts %lld pixel-taps, the kernel runs %lld", what,
             (long long)(s.image_work * c->n), (long long)total);
    ib_check(seq.units == c->n * p.nranges * p.groups && p.pb % p.palign == 0 &&
                 (p.nranges - 1) * p.pb < p.q && p.nranges * p.pb >= p.q && p.pb <= p.pbmax,
             "%s: %lld units for %lld ranges of %lld pixels", what, (long long)seq.units,
             (long long)p.nranges, (long long)p.pb);
    /* The most work of one tile: a thread is within it of its share. */
    int64_t most_tile = 0;
    for (int64_t g = 0; g < p.groups; g++) {
        const int64_t pw = ib_avx2_conv_tile_p(ib_avx2_conv_gsize(&p, g));
        for (int64_t q = 0; q < p.q; q += pw) {
            const int64_t q1 = q + pw < p.q ? q + pw : p.q;
            const int64_t w = ib_avx2_conv_gsize(&p, g) * (px[q1] - px[q]);
            most_tile = w > most_tile ? w : most_tile;
        }
    }
    unsigned char *seen = calloc((size_t)(c->n * p.groups * p.q), 1);
    int64_t most = 0;
    int ordered = 1, counted = 1;
    for (int t = 0; t < nthreads; t++) {
        const ib_split_cut from = ib_split_cut_at(&seq, t, nthreads);
        const ib_split_cut to = ib_split_cut_at(&seq, t + 1, nthreads);
        ordered &= from.unit < to.unit || (from.unit == to.unit && from.tile <= to.tile);
        int64_t work = 0;
        for (int64_t u = from.unit; u <= to.unit && u < seq.units; u++) {
            const ib_avx2_conv_unit un = ib_avx2_conv_unit_of(&p, u);
            int64_t t0, t1, q0, q1;
            ib_split_tiles_in(&seq, from, to, u, &t0, &t1);
            if (t0 >= t1)
                continue;
            ib_avx2_conv_tiles_px(&p, un.group, t0, t1, &q0, &q1);
            /* Within the unit's range. */
            ordered &= q0 >= un.range * p.pb && q1 <= (un.range + 1) * p.pb;
            const int64_t w = ib_avx2_conv_gsize(&p, un.group) * (px[q1] - px[q0]);
            counted &= w == ib_avx2_conv_gsize(&p, un.group) * ib_avx2_conv_px_work(&s, q0, q1);
            work += w;
            for (int64_t q = q0; q < q1; q++)
                seen[(un.n * p.groups + un.group) * p.q + q]++;
        }
        const double ideal = (double)total / nthreads;
        ib_check(work >= ideal - (double)most_tile - 1 && work <= ideal + (double)most_tile + 1,
                 "%s, %d threads: thread %d gets %lld pixel-taps, its share %.1f, a tile %lld",
                 what, nthreads, t, (long long)work, ideal, (long long)most_tile);
        most = work > most ? work : most;
    }
    int once = 1;
    for (int64_t i = 0; i < c->n * p.groups * p.q; i++)
        once &= seen[i] == 1;
    ib_check(ordered && once && counted,
             "%s, %d threads: cuts in order and within ranges %d, pixels run once %d, work of "
             "the stretches counted right %d",
             what, nthreads, ordered, once, counted);
    free(seen);
    free(px);
    return total ? (double)most / ((double)total / nthreads) : 1.0;
}

static double check_layer(void *ctx, const char *name, const ib_conv_desc *c, int cpu, int nthreads,
                          int bar)
{
    static const ib_avx2_conv_caches *const cpus[] = {&xeon, &zen3, &tiny};
    (void)ctx;
    (void)bar;
    return check_split(name, c, cpus[cpu], nthreads);
}

/* Every convolution of the network at batch 1 (1 to MAX_THREADS threads, the three CPUs) and 3;
 * the imbalance at 2 threads on the Xeon of the layers above 20 MFLOP, worst first. */
static void test_network(void)
{
    static ib_test_split_row rows[128];
    const int nrows = ib_test_split_network(check_layer, NULL, 3, MAX_THREADS, rows, 128);
    int over = 0;
    for (int i = 0; i < nrows; i++)
        over += rows[i].imbalance > 1.01;
    printf("2 threads, the Xeon's caches: %d of %d layers above 20 MFLOP over 1.01x of an even "
           "split; worst:\n",
           over, nrows);
    for (int i = 0; i < nrows && i < 8; i++)
        printf("  %-26s %6.1f MMAC %.4fx\n", rows[i].name, rows[i].macs / 1e6, rows[i].imbalance);
}

/* Shapes whose tiles differ in taps or width, groups in size, ranges in length. */
static void test_edges(void)
{
    static const char *const shapes[] = {
        "mb1ic40ih9iw11oc72kh3kw3ph1",         /* oc and row tails, groups 3 3 3 */
        "mb2ic16ih7iw9oc32kh3kw3pt2pb0pl0pr0", /* padding on one side, 2 images */
        "mb1ic16ih7iw9oc32kh3kw3pt0pb2pl0pr0", /* ... the other sides */
        "mb1ic16ih7iw9oc32kh3kw3pt0pb0pl2pr0", /* */
        "mb3ic16ih7iw9oc80kh3kw3pt0pb0pl0pr2", /* groups of 4 and 3 blocks: tiles 3 and 4 wide */
        "mb1ic24ih11iw13oc40kh1kw5sh2sw2pl2",  /* stride 2, padded left */
        "mb1ic16ih5iw5oc32kh3kw3ph3pw3",       /* rows and columns wholly in the padding */
        "mb1ic20ih37oc40kh3kw3ph1",            /* many ranges on small caches, the last short */
        "mb1ic3ih21iw23oc32kh3kw3sh2sw2",      /* the stem */
        "mb2ic1020ih8oc76kh1kw1",              /* 8x8 1x1, chunks outside the groups */
        "mb1ic8ih1iw1oc16kh1kw1",              /* one pixel */
        "mb5ic16ih3iw3oc16kh3kw3ph1",          /* more images than tiles */
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const ib_desc d = ib_test_desc(shapes[i]);
        for (int nthreads = 1; nthreads <= MAX_THREADS; nthreads++) {
            check_split(shapes[i], &d.conv, &xeon, nthreads);
            check_split(shapes[i], &d.conv, &tiny, nthreads);
        }
    }
}

int main(void)
{
    test_edges();
    test_network();
    return ib_check_done();
}
#else
int main(void)
{
    printf("test_avx2_conv_split: skipped: not an x86-64 build\n");
    ib_check_skip();
    return ib_check_done();
}
#endif
