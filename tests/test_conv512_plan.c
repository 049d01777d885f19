/* The AVX-512 convolution's plan (arch/avx512/conv_plan.h): every branch it takes (tile, flat
 * 1x1, reduction chunks, pixel blocks, loop order) on shapes that reach it, each run exactly
 * against the reference, with this CPU's caches and with a pretend CPU of small caches (whose
 * plan must differ). Runs the native build where AVX-512 is usable and the SIMDe build where it
 * is compiled in. Ends with "N passed, N failed". */
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "arch/avx512/conv_plan.h"
#include "core/registry.h"
#include "harness/verify.h"
#include "tests/check.h"
#include "tests/desc_text.h"
#include "tests/extras.h"

typedef ib512_conv_plan (*plan_fn)(const ib_conv_desc *c, const ib512_caches *cs);
typedef int (*describe_fn)(const ib512_conv_plan *pl, char *buf, size_t n);
typedef void (*pack_fn)(const ib_desc *d, const ib_args *a, void *packed, const ib512_caches *cs);

/* One build of arch/avx512: its registered implementation and its plan entry points. */
typedef struct build {
    const char *name;
    plan_fn plan;
    describe_fn describe;
    pack_fn pack;
} build;

/* The implementation under test: the build's kernel, packed for the caches in `caches`. */
static const build *cur;
static ib512_caches caches;
static ib_native native_copy;

static void pack_with_caches(const ib_desc *d, const ib_args *a, void *packed)
{
    cur->pack(d, a, packed, &caches);
}

static const ib_native *native_with_caches(const ib_desc *d)
{
    native_copy = *ib_registry_lookup(IB_OP_CONV, cur->name)->native(d);
    native_copy.pack = pack_with_caches;
    return &native_copy;
}

/* One image, batch-norm and ReLU, validated. */
static ib_desc conv(int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t kh, int64_t kw,
                    int64_t s, int64_t pt, int64_t pb, int64_t pl, int64_t pr)
{
    char text[160];
    snprintf(text, sizeof text,
             "mb1ic%lldih%lldiw%lldoc%lldkh%lldkw%lldsh%lldsw%lldpt%lldpb%lldpl%lldpr%lld_bn_relu",
             (long long)ic, (long long)ih, (long long)iw, (long long)oc, (long long)kh,
             (long long)kw, (long long)s, (long long)s, (long long)pt, (long long)pb, (long long)pl,
             (long long)pr);
    return ib_test_desc(text);
}

/* The Xeon this project runs on, and a pretend CPU whose caches hold little. */
static const ib512_caches big = {48 << 10, 2 << 20, 256 << 20};
static const ib512_caches small = {4 << 10, 16 << 10, 64 << 10};

/* Runs the build's kernel packed for cs on d against the reference; returns the plan. */
static ib512_conv_plan run_exact(const build *b, const char *what, ib_desc d,
                                 const ib512_caches *cs)
{
    ib_err e = {{0}};
    const ib512_conv_plan pl = b->plan(&d.conv, cs);
    char desc[512];
    b->describe(&pl, desc, sizeof desc);
    printf("  %-13s %-26s L2 %5lld KiB: %s\n", b->name, what, (long long)(cs->l2 >> 10), desc);

    const ib_impl impl = {.name = "avx512_plan",
                          .op = IB_OP_CONV,
                          .isa = ib_registry_lookup(IB_OP_CONV, b->name)->isa,
                          .test_only = 1,
                          .native = native_with_caches};
    cur = b;
    caches = *cs;
    /* At 1, 2 and 3 threads: each cuts the work elsewhere (arch/avx512/conv_split.h). */
    for (int nthreads = 1; nthreads <= 3; nthreads++) {
#ifdef _OPENMP
        omp_set_num_threads(nthreads);
#endif
        ib_vcase vc;
        ib_verify_result r = {0};
        ib_status st = ib_vcase_init(&vc, &d, 14, &e);
        if (st == IB_OK)
            st = ib_vcase_verify_impl(&vc, &impl, NULL, &r, &e);
        ib_check(st == IB_OK && r.ok, "%s %s (L2 %lld KiB, %d threads): %s %s", b->name, what,
                 (long long)(cs->l2 >> 10), nthreads, st == IB_OK ? "" : e.msg, r.msg);
        ib_vcase_free(&vc);
    }
    return pl;
}

/* Each shape under both CPUs: exact each time, and the small CPU's plan blocks more. */
static void test_shapes(const build *b)
{
    static const struct {
        const char *what;
        int64_t ic, ih, iw, oc, kh, kw, s, pt, pb, pl, pr;
    } shapes[] = {
        {"tails ic40 oc72 3x3", 40, 9, 11, 72, 3, 3, 1, 1, 1, 1, 1},
        {"8x8 1x1 big ic", 1280, 8, 8, 320, 1, 1, 1, 0, 0, 0, 0},
        {"8x8 3x3 rows of 8", 64, 8, 8, 48, 3, 3, 1, 1, 1, 1, 1},
        {"8x8 1x3", 48, 8, 8, 64, 1, 3, 1, 0, 0, 1, 1},
        {"8x8 3x1", 48, 8, 8, 64, 3, 1, 1, 1, 1, 0, 0},
        {"1x1 flat 35x35", 64, 35, 35, 80, 1, 1, 1, 0, 0, 0, 0},
        {"1x1 stride 2 flat", 48, 13, 11, 32, 1, 1, 2, 0, 0, 0, 0},
        {"stride 2 3x3", 32, 17, 15, 64, 3, 3, 2, 0, 0, 0, 0},
        {"pad top", 16, 7, 9, 32, 3, 3, 1, 2, 0, 0, 0},
        {"pad bottom", 16, 7, 9, 32, 3, 3, 1, 0, 2, 0, 0},
        {"pad left", 16, 7, 9, 32, 3, 3, 1, 0, 0, 2, 0},
        {"pad right", 16, 7, 9, 32, 3, 3, 1, 0, 0, 0, 2},
        {"5x5 pad 2", 48, 12, 12, 64, 5, 5, 1, 2, 2, 2, 2},
        {"1x7 pad 3", 32, 17, 17, 48, 1, 7, 1, 0, 0, 3, 3},
        {"1x5 pad left stride 2", 24, 11, 13, 40, 1, 5, 2, 0, 0, 2, 0},
        {"1x3 pad right oc tail", 20, 9, 10, 56, 1, 3, 1, 0, 0, 0, 1},
        {"small ic8 oc8", 8, 6, 7, 8, 3, 3, 1, 1, 1, 1, 1},
        {"plain stem ic3", 3, 21, 23, 32, 3, 3, 2, 0, 0, 0, 0},
        {"big oc 1x1", 32, 5, 5, 1024, 1, 1, 1, 0, 0, 0, 0},
        {"1x7 oc160 groups 3 3 3 1", 32, 17, 17, 160, 1, 7, 1, 0, 0, 3, 3},
        {"last group of 1 block", 16, 9, 9, 112, 3, 3, 1, 1, 1, 1, 1}, /* 2 + 2 + 2 + 1 */
        {"rows all padding", 16, 5, 5, 32, 3, 3, 1, 3, 3, 3, 3},
        /* Padded in h only: flat tiles, those that reach a padding row checked. */
        {"7x1 pad 3 flat", 32, 17, 17, 48, 7, 1, 1, 3, 3, 0, 0},
        {"5x1 pad top stride 2", 24, 15, 9, 40, 5, 1, 2, 2, 0, 0, 0},
        {"3x1 pad bottom stride 2", 16, 10, 7, 32, 3, 1, 2, 0, 1, 0, 0},
        {"3x3 pad h ow 1 oc tail", 20, 9, 3, 56, 3, 3, 1, 1, 1, 0, 0},
        {"plain 7x1 pad h", 3, 12, 7, 32, 7, 1, 1, 3, 3, 0, 0},
        /* Flat tiles of one pointer, pixels' inputs 1 or 2 apart (one row, or rows that
         * follow each other in the input), and the strides that keep a pointer per pixel. */
        {"plain 3x3 stride 1 line", 3, 6, 31, 32, 3, 3, 1, 0, 0, 0, 0},
        {"plain 1x1 rows follow oc tail", 4, 7, 9, 40, 1, 1, 1, 0, 0, 0, 0},
        {"plain stride 2 oc tail odd", 3, 9, 37, 40, 3, 3, 2, 0, 0, 0, 0},
        {"plain stride 3", 2, 17, 20, 32, 3, 3, 3, 0, 0, 0, 0},
        {"plain stride 2 pad h", 3, 11, 13, 32, 3, 3, 2, 1, 1, 0, 0},
        /* One loop over every reduction step of a chunk (the plain unpadded source): several
         * chunks on the small CPU, one channel, odd widths with a short last tile. */
        {"plain 7x7 ic4 chunks", 4, 15, 20, 32, 7, 7, 1, 0, 0, 0, 0},
        {"plain ic1 5x5 stride 2 odd", 1, 17, 27, 24, 5, 5, 2, 0, 0, 0, 0},
        {"stride 2 1x1", 32, 8, 12, 48, 1, 1, 2, 0, 0, 0, 0},
        {"stride 3 3x3", 16, 16, 14, 32, 3, 3, 3, 0, 0, 0, 0},
        /* Row and column tiles whose first or last pixel (or both) reads padding in a tap: that
         * pixel's FMAs are skipped there. */
        {"both ends padded 1x1 input", 16, 1, 1, 32, 3, 3, 1, 2, 2, 2, 2},
        {"rows 8x8 3x3 ic tail oc tail", 40, 8, 8, 56, 3, 3, 1, 1, 1, 1, 1},
        {"rows stride 2 pad right", 32, 9, 16, 48, 3, 3, 2, 0, 1, 0, 1},
        /* Rows at stride 2 without padding columns: one pointer and a stride per tap (the 8x8
         * grid reductions), padding rows skipped whole, an oc tail. */
        {"rows stride 2 unpadded 8x8", 32, 17, 17, 48, 3, 3, 2, 0, 0, 0, 0},
        {"rows stride 2 pad h oc tail", 24, 15, 17, 40, 3, 3, 2, 1, 1, 0, 0},
        {"columns pad every side", 32, 19, 3, 48, 3, 3, 1, 1, 1, 1, 1},
        {"columns 5x5 pad 2 odd", 16, 23, 5, 40, 5, 5, 1, 2, 2, 2, 2},
        /* 3x9 down columns of kernels padded only in w: 17 pixels as 9 + 8, one group and two,
         * an ic tail. Columns without padding rows (these, "1x7 pad 3", "1x5 pad left stride 2",
         * "1x3 pad right oc tail", "8x8 1x3") take one pointer and a stride per tap; the two
         * above, padded in h too, check each pixel. */
        {"3x9 columns 1x7 pad 3", 32, 17, 11, 48, 1, 7, 1, 0, 0, 3, 3},
        {"3x9 columns 1x5 ic tail 2 groups", 40, 17, 9, 96, 1, 5, 1, 0, 0, 2, 2},
        /* Rows at stride 1 in w skip up to 3 pixels at one end: 7x7 pad 3 (1, 2 and 3 each side),
         * one side padded, 9x9 pad 4 (4 pixels: zeros multiplied; padding at both ends of a tap:
         * "both ends padded 1x1 input" above). */
        {"rows 7x7 pad 3 skips 1-3", 32, 17, 17, 48, 7, 7, 1, 3, 3, 3, 3},
        {"rows 7x7 pad left 3 oc tail", 24, 11, 13, 40, 7, 7, 1, 3, 3, 3, 0},
        {"rows 7x7 pad right 3 ic tail", 20, 11, 13, 32, 7, 7, 1, 3, 3, 0, 3},
        {"rows 9x9 pad 4 beyond the skips", 16, 13, 14, 32, 9, 9, 1, 4, 4, 4, 4},
        /* 5, 10, 6, 9 and 13 output blocks: the 5x5 tile where the plan picks it, its oc tails
         * (5 + 4, 5 + 5 + 3), and shapes where it passes it over. */
        {"oc80 1x1 flat odd", 24, 9, 13, 80, 1, 1, 1, 0, 0, 0, 0},
        {"oc160 1x1 flat ic tail", 40, 7, 11, 160, 1, 1, 1, 0, 0, 0, 0},
        {"oc96 1x1 flat", 32, 9, 11, 96, 1, 1, 1, 0, 0, 0, 0},
        {"oc160 7x1 pad 3 flat", 32, 11, 9, 160, 7, 1, 1, 3, 3, 0, 0},
        {"oc80 3x3 pad each side", 16, 9, 13, 80, 3, 3, 1, 1, 1, 1, 1},
        {"oc160 3x3 pad top left", 24, 7, 9, 160, 3, 3, 1, 1, 0, 2, 0},
        {"oc160 3x3 pad bottom right", 24, 7, 9, 160, 3, 3, 1, 0, 2, 0, 1},
        {"oc80 3x3 stride 2 odd", 32, 15, 13, 80, 3, 3, 2, 0, 0, 0, 0},
        {"oc160 1x7 pad 3", 32, 9, 11, 160, 1, 7, 1, 0, 0, 3, 3},
        {"oc96 3x3 stride 2 pad", 16, 11, 9, 96, 3, 3, 2, 1, 1, 1, 1},
        {"oc144 groups 5 4 rows", 16, 9, 9, 144, 3, 3, 1, 1, 1, 1, 1},
        {"oc208 groups 5 5 3 rows", 16, 9, 9, 208, 3, 3, 1, 1, 1, 1, 1},
        /* 1x1 with many input blocks (a group's weights overflow half of the Xeon's L1d; the
         * small CPU splits their reduction into chunks, partial sums through the output): ic
         * and oc tails, odd pixel counts, 8x8 and stride 2. */
        {"1x1 35x35 192 -> 64", 192, 35, 35, 64, 1, 1, 1, 0, 0, 0, 0},
        {"1x1 many ic tails odd", 200, 9, 13, 56, 1, 1, 1, 0, 0, 0, 0},
        {"1x1 8x8 many ic tail", 776, 8, 8, 128, 1, 1, 1, 0, 0, 0, 0},
        {"1x1 many ic stride 2", 392, 13, 11, 72, 1, 1, 2, 0, 0, 0, 0},
        /* The pointwise kind (1x1 at stride 1 unpadded, taps unrolled; its row walk: the 8x8
         * shapes above): flat tiles across output rows of uneven widths (45 pixels as 8, 8, 8,
         * 7, 7, 7), ic and oc tails, chunks on the small CPU. */
        {"pointwise flat odd width tails", 520, 5, 9, 40, 1, 1, 1, 0, 0, 0, 0},
        /* A short reduction per tile (IB512_CONV_SHORT_TAPS): each tap's channels in a loop, in
         * the tiles within a row (those across rows: unrolled), oc and width tails. */
        {"short loop 3x3 flat oc tail", 32, 13, 17, 40, 3, 3, 1, 0, 0, 0, 0},
        /* Several reduction chunks on the small CPU (starting mid input block), dozens of
         * tiles: flat, rows padded on every side, stride 2, 5x5 with odd widths. */
        {"3x3 flat chunks many tiles", 48, 21, 23, 40, 3, 3, 1, 0, 0, 0, 0},
        {"3x3 pad 1 rows chunks", 32, 19, 13, 48, 3, 3, 1, 1, 1, 1, 1},
        {"3x3 stride 2 flat chunks", 64, 31, 29, 56, 3, 3, 2, 0, 0, 0, 0},
        {"5x5 pad 2 odd chunks", 40, 15, 19, 24, 5, 5, 1, 2, 2, 2, 2},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const ib_desc d =
            conv(shapes[i].ic, shapes[i].ih, shapes[i].iw, shapes[i].oc, shapes[i].kh, shapes[i].kw,
                 shapes[i].s, shapes[i].pt, shapes[i].pb, shapes[i].pl, shapes[i].pr);
        const ib512_conv_plan pb = run_exact(b, shapes[i].what, d, &big);
        const ib512_conv_plan ps = run_exact(b, shapes[i].what, d, &small);
        ib_check(ps.nchunks >= pb.nchunks && ps.nblocks >= pb.nblocks,
                 "%s %s: the small CPU's plan blocks less (%lld chunks, %lld blocks vs %lld, %lld)",
                 b->name, shapes[i].what, (long long)ps.nchunks, (long long)ps.nblocks,
                 (long long)pb.nchunks, (long long)pb.nblocks);
    }
}

/* Branches the plan must take on given shapes, so that the runs above cover them. */
static void test_branches(const build *b)
{
    const ib_desc big1x1 = conv(1280, 8, 8, 320, 1, 1, 1, 0, 0, 0, 0);
    const ib512_conv_plan a = b->plan(&big1x1.conv, &big), s = b->plan(&big1x1.conv, &small);
    const ib_desc mid1x1 = conv(768, 17, 17, 192, 1, 1, 1, 0, 0, 0, 0);
    ib_check(b->plan(&mid1x1.conv, &big).walk == IB512_WALK_FLAT,
             "%s: 17x17 1x1 tiles run across rows", b->name);
    ib_check(a.nchunks == 1 && s.nchunks > 1,
             "%s: 8x8 1x1 x1280: one reduction chunk with 2 MiB L2 (%lld), several with 16 KiB "
             "(%lld)",
             b->name, (long long)a.nchunks, (long long)s.nchunks);
    ib_check(a.p * (a.ntiles - 1) < 64 && a.ntiles * a.p >= 64,
             "%s: 8x8 1x1: %lld tiles of %d pixels cover 64 pixels without a spare tile", b->name,
             (long long)a.ntiles, a.p);

    const ib_desc pad = conv(32, 8, 8, 32, 3, 3, 1, 1, 1, 1, 1);
    ib_check(b->plan(&pad.conv, &big).walk == IB512_WALK_ROWS,
             "%s: a padded 3x3 keeps tiles within rows", b->name);
    /* Padded 3 on each side in both: rows, whose taps skip up to 3 pixels at an end (the
     * shapes above run them). */
    const ib_desc k7 = conv(128, 17, 17, 128, 7, 7, 1, 3, 3, 3, 3);
    ib_check(b->plan(&k7.conv, &big).walk == IB512_WALK_ROWS, "%s: 7x7 pad 3 walks rows", b->name);
    /* Padded only in w: down columns, the taps in the padding are skipped for a whole tile. */
    const ib_desc w7 = conv(128, 17, 17, 128, 1, 7, 1, 0, 0, 3, 3);
    ib_check(b->plan(&w7.conv, &big).walk == IB512_WALK_COLS, "%s: 1x7 pad 3 walks columns",
             b->name);
    /* 3x9 there (9 pixels per weight vector read from L2, a 17-pixel column in two tiles), with
     * 12 output blocks or 8 (3 + 3 + 2); not for the 35x35 3x3s, whose columns read padding
     * rows. */
    const ib_desc w7_192 = conv(160, 17, 17, 192, 1, 7, 1, 0, 0, 3, 3);
    const ib_desc k3 = conv(96, 35, 35, 96, 3, 3, 1, 1, 1, 1, 1);
    const ib512_conv_plan p7 = b->plan(&w7_192.conv, &big);
    ib_check(p7.tile == IB512_CONV_TILE_3x9 && p7.walk == IB512_WALK_COLS,
             "%s: 1x7 pad 3 to 192 channels: 3x9 columns (tile %dx%d, walk %d)", b->name, p7.g,
             p7.p, p7.walk);
    ib_check(b->plan(&w7.conv, &big).tile == IB512_CONV_TILE_3x9 &&
                 b->plan(&k3.conv, &big).tile != IB512_CONV_TILE_3x9,
             "%s: 3x9 for a 1x7 to 128 channels, not for a 35x35 3x3 pad 1", b->name);
    const ib_desc cols3x9[] = {conv(32, 17, 11, 48, 1, 7, 1, 0, 0, 3, 3),
                               conv(40, 17, 9, 96, 1, 5, 1, 0, 0, 2, 2)};
    for (size_t i = 0; i < sizeof cols3x9 / sizeof cols3x9[0]; i++)
        ib_check(b->plan(&cols3x9[i].conv, &big).tile == IB512_CONV_TILE_3x9,
                 "%s: the 3x9 column shapes above run 3x9 (%zu)", b->name, i);
    /* The 8x8 grid reductions (stride 2, unpadded) keep tiles within rows (the kernel then
     * addresses a tap's pixels from one pointer and a stride). */
    const ib_desc red = conv(192, 17, 17, 320, 3, 3, 2, 0, 0, 0, 0);
    ib_check(b->plan(&red.conv, &big).walk == IB512_WALK_ROWS,
             "%s: 17x17 -> 8x8 3x3 stride 2 walks rows", b->name);
    /* Padded only in h: tiles run across rows, the padding rows checked where a tile reaches them
     * (the shapes above run both kinds of tile). */
    const ib_desc h7 = conv(128, 17, 17, 128, 7, 1, 1, 3, 3, 0, 0);
    ib_check(b->plan(&h7.conv, &big).walk == IB512_WALK_FLAT, "%s: 7x1 pad 3 walks flat", b->name);
    /* At 8x8 rows and flat cut the same tiles: flat at stride 1 (one-pointer taps), a padded
     * 3x1 included, whose first and last tiles check the padding rows. */
    const ib_desc h3 = conv(384, 8, 8, 384, 3, 1, 1, 1, 1, 0, 0);
    const ib512_conv_plan p3 = b->plan(&h3.conv, &big);
    ib_check(p3.walk == IB512_WALK_FLAT && p3.p == 8,
             "%s: 8x8 3x1 pad 1 walks flat in rows of 8 (tile %dx%d, walk %d)", b->name, p3.g, p3.p,
             p3.walk);

    /* Tall and narrow, padded on every side: column tiles, whose ends read padding rows. */
    const ib_desc tall = conv(32, 19, 3, 48, 3, 3, 1, 1, 1, 1, 1);
    ib_check(b->plan(&tall.conv, &big).walk == IB512_WALK_COLS, "%s: 19x3 3x3 pad 1 walks columns",
             b->name);

    /* Big input, small weights: the input of a pixel block stays in L2 while groups run. */
    const ib_desc wide = conv(64, 73, 73, 256, 1, 1, 1, 0, 0, 0, 0);
    const ib512_conv_plan w = b->plan(&wide.conv, &big);
    ib_check(w.order == IB512_ORDER_BLOCKS_OUTER && w.nblocks > 1,
             "%s: 73x73x64 input on a 2 MiB L2: blocks outer (order %d, %lld blocks)", b->name,
             w.order, (long long)w.nblocks);
    /* Small input, big weights: a group's weights stay while its pixels run. */
    const ib_desc deep = conv(1280, 8, 8, 384, 3, 3, 1, 1, 1, 1, 1);
    ib_check(b->plan(&deep.conv, &big).order == IB512_ORDER_GROUPS_OUTER,
             "%s: 8x8x1280 3x3 on a 2 MiB L2: groups outer", b->name);

    /* 5 and 10 output blocks run in passes of 5, not 3 + 2 or 3 + 3 + 3 + 1 (Conv2d_3b_1x1,
     * Mixed_6c.branch7x7_1, Mixed_6c.branch7x7dbl_2). */
    const ib_desc five[] = {conv(64, 73, 73, 80, 1, 1, 1, 0, 0, 0, 0),
                            conv(768, 17, 17, 160, 1, 1, 1, 0, 0, 0, 0),
                            conv(160, 17, 17, 160, 7, 1, 1, 3, 3, 0, 0)};
    for (size_t i = 0; i < sizeof five / sizeof five[0]; i++) {
        const ib512_conv_plan p = b->plan(&five[i].conv, &big);
        ib_check(p.g == 5 && p.ngroups * 5 == p.ocb,
                 "%s: %lld output blocks in groups of 5 (tile %dx%d, %lld groups)", b->name,
                 (long long)p.ocb, p.g, p.p, (long long)p.ngroups);
    }

    /* Each tap's channels in a loop where a tile's reduction is short (the 35x35 1x1s, the
     * 3x3 on 32 channels), unrolled where it is long, never for a plain source. */
    const ib_desc short1x1 = conv(192, 35, 35, 64, 1, 1, 1, 0, 0, 0, 0);
    const ib_desc short3x3 = conv(32, 147, 147, 32, 3, 3, 1, 0, 0, 0, 0);
    const ib_desc stem = conv(3, 299, 299, 32, 3, 3, 2, 0, 0, 0, 0);
    ib_check(b->plan(&short1x1.conv, &big).short_loop && b->plan(&short3x3.conv, &big).short_loop,
             "%s: 35x35 1x1 x192 and 3x3 x32 run their taps in loops", b->name);
    ib_check(!b->plan(&mid1x1.conv, &big).short_loop && !a.short_loop &&
                 !b->plan(&stem.conv, &big).short_loop,
             "%s: 17x17 1x1 x768, 8x8 1x1 x1280 and the plain stem unroll their taps", b->name);

    /* The next chunk's weights prefetched into L2 by the pointwise tiles whose weights overflow
     * half of L2 (the 8x8 1x1 x1280: 1.6 MiB), not where they fit (17x17 1x1 x768: 576 KiB),
     * nor by spatial kernels (8x8 3x3 x1280: 17 MiB) or a tap in a loop. With a 256 KiB L2
     * the 8x8 1x1 prefetches each next chunk of a group as well as the next group's first. */
    const ib512_caches l2_256k = {32 << 10, 256 << 10, 8 << 20};
    const ib512_conv_plan m = run_exact(b, "8x8 1x1 prefetch chunks", big1x1, &l2_256k);
    ib_check(a.prefetch && m.prefetch && m.nchunks > 1,
             "%s: 8x8 1x1 x1280 prefetches (%lld chunks with a 256 KiB L2)", b->name,
             (long long)m.nchunks);
    ib_check(!b->plan(&mid1x1.conv, &big).prefetch && !b->plan(&deep.conv, &big).prefetch &&
                 !b->plan(&short1x1.conv, &small).prefetch,
             "%s: no prefetch where weights fit L2, for a 3x3 or taps in loops", b->name);
    ib_check(b->plan(&short1x1.conv, &small).short_loop,
             "%s: 35x35 1x1 x192 on 16 KiB L2 runs its taps in loops (weights 48 KiB)", b->name);

    /* A plain source's reduction in several chunks: the step loop starts mid-way. */
    const ib_desc plain7 = conv(4, 15, 20, 32, 7, 7, 1, 0, 0, 0, 0);
    ib_check(b->plan(&plain7.conv, &small).nchunks > 1, "%s: plain 7x7 ic4 chunks on 16 KiB L2",
             b->name);

    /* Unknown sizes take the defaults instead of dividing by zero. */
    const ib512_caches none = {0, 0, 0};
    const ib512_conv_plan z = b->plan(&big1x1.conv, &none);
    ib_check(z.nchunks >= 1 && z.rows_per_chunk >= 1 && z.caches.l2 > 0,
             "%s: unknown caches get default sizes", b->name);

    /* Every main tile is chosen somewhere, and each shape's tile covers its output channels. */
    int seen[IB512_CONV_NTILES] = {0};
    const ib_desc tiles[] = {
        conv(64, 35, 35, 64, 3, 3, 1, 1, 1, 1, 1),  conv(64, 8, 8, 48, 1, 1, 1, 0, 0, 0, 0),
        conv(64, 17, 17, 192, 1, 7, 1, 0, 0, 3, 3), conv(3, 149, 149, 32, 3, 3, 2, 0, 0, 0, 0),
        conv(64, 12, 12, 64, 3, 3, 1, 1, 1, 1, 1),  conv(64, 73, 73, 80, 1, 1, 1, 0, 0, 0, 0)};
    for (size_t i = 0; i < sizeof tiles / sizeof tiles[0]; i++) {
        const ib512_conv_plan p = b->plan(&tiles[i].conv, &big);
        seen[p.tile]++;
        ib_check(p.ngroups * p.g >= p.ocb && (p.ngroups - 1) * p.g < p.ocb,
                 "%s: groups of %d cover %lld output blocks", b->name, p.g, (long long)p.ocb);
    }
    for (int t = 0; t < IB512_CONV_NTILES; t++)
        ib_check(seen[t] > 0, "%s: main tile %d chosen for one of the shapes", b->name, t);
}

int main(void)
{
    ib_test_register_extras();
    static const build builds[] = {
#ifdef __x86_64__ /* arch/avx512 is built on every x86-64 host */
        {"avx512", ib512_conv_plan_make, ib512_conv_plan_describe, ib512_conv_pack_for},
#endif
#ifdef IB_TEST_AVX512_SIMDE
        {"avx512_simde", ib512_conv_plan_make_simde, ib512_conv_plan_describe_simde,
         ib512_conv_pack_for_simde},
#endif
    };
    int ran = 0;
    for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
        const ib_impl *impl = ib_registry_lookup(IB_OP_CONV, builds[i].name);
        const char *why = NULL;
        if (!impl || !ib_impl_usable(impl, &why)) {
            printf("SKIPPED %s: %s\n", builds[i].name, why ? why : "not registered");
            continue;
        }
        printf("%s:\n", builds[i].name);
        test_branches(&builds[i]);
        test_shapes(&builds[i]);
        ran++;
    }
    if (!ran)
        printf("SKIPPED: neither build of arch/avx512 runs here\n");
    return ib_check_done();
}
