/* The AVX2 convolution's plan: every branch (ic chunks of whole blocks and of split blocks,
 * several pixel ranges, tails in oc and ic, 8x8, stride 2, padding on each side, big and small
 * channel counts) on the detected CPU and on pretend CPUs with small and unknown caches. The
 * plan must change with the caches and the result must stay exact. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "tests/check.h"

#if defined(__x86_64__)
#include "arch/avx2/conv.h"
#include "arch/avx2/conv_split.h"
#include "core/cpu.h"
#include "tests/desc_text.h"
#include "tests/harness.h"

/* Pretend CPUs: the packing function of each (an ib_native's pack takes no context). */
static const ib_avx2_conv_caches tiny = {.l1d = 4 << 10, .l2 = 32 << 10, .l3 = 1 << 20};
static const ib_avx2_conv_caches unknown = {0};
static void pack_tiny(const ib_desc *d, const ib_args *nchw, void *packed)
{
    ib_avx2_conv_pack_for(d, nchw, packed, &tiny);
}
static void pack_unknown(const ib_desc *d, const ib_args *nchw, void *packed)
{
    ib_avx2_conv_pack_for(d, nchw, packed, &unknown);
}

#define NATIVE(pack_fn, src)                                                                       \
    {                                                                                              \
        .kernel = "conv_avx2_pretend", .src_layout = src, .dst_layout = IB_LAYOUT_NCHW8C,          \
        .packed_bytes = ib_avx2_conv_packed_bytes, .pack = pack_fn, .exec = ib_avx2_conv_exec      \
    }
static const ib_native natives[2][2] = {
    {NATIVE(pack_tiny, IB_LAYOUT_NCHW8C), NATIVE(pack_tiny, IB_LAYOUT_NCHW)},
    {NATIVE(pack_unknown, IB_LAYOUT_NCHW8C), NATIVE(pack_unknown, IB_LAYOUT_NCHW)},
};
static const ib_native *native_tiny(const ib_desc *d)
{
    return &natives[0][ib_avx2_conv_plain(&d->conv)];
}
static const ib_native *native_unknown(const ib_desc *d)
{
    return &natives[1][ib_avx2_conv_plain(&d->conv)];
}
static const ib_impl impl_tiny = {.name = "avx2_tiny_caches",
                                  .op = IB_OP_CONV,
                                  .isa = IB_ISA_AVX2,
                                  .test_only = 1,
                                  .native = native_tiny};
static const ib_impl impl_unknown = {.name = "avx2_unknown_caches",
                                     .op = IB_OP_CONV,
                                     .isa = IB_ISA_AVX2,
                                     .test_only = 1,
                                     .native = native_unknown};

typedef struct shape {
    const char *name;
    const char *text; /* benchdnn-style descriptor */
} shape;

static void check_exact(const shape *s, const ib_desc *d, const ib_impl *impl)
{
    ib_case c;
    ib_err e = {{0}};
    if (ib_case_init(&c, d, s->name, 0x5eed, &e) != IB_OK) {
        ib_check(0, "%s: %s", s->name, e.msg);
        return;
    }
    ib_check_result r;
    ib_case_check(&c, impl, stdout, &r);
    ib_check(r.status == 1, "%s with %s: %s", s->name, impl->name, r.why);
    ib_case_free(&c);
}

static void plan(const ib_desc *d, const ib_avx2_conv_caches *k, ib_avx2_conv_plan *p)
{
    ib_avx2_conv_plan_of(&d->conv, k, p);
}

/* Where the cuts of a split fell, over the shapes and thread counts that ran exactly. */
typedef struct cut_places {
    int mid_range;   /* inside a work item (not at a range's first tile) */
    int padded_row;  /* at a tile whose row has kernel rows in the padding */
    int short_range; /* inside the last range of an image, shorter than the others */
    int chunks, rsplit, chunks_outer, images; /* the plan and shape the cut item runs under */
} cut_places;

/* Notes where the inner cuts of c's split among nthreads fall under the plan for caches k. */
static void note_cuts(const ib_conv_desc *c, const ib_avx2_conv_caches *k, int nthreads,
                      cut_places *at)
{
    ib_avx2_conv_plan p;
    ib_avx2_conv_plan_of(c, k, &p);
    const ib_avx2_conv_seq s = ib_avx2_conv_seq_of(&p, c);
    const ib_split_seq seq = ib_avx2_conv_split_of(&s);
    for (int t = 1; t < nthreads; t++) {
        const ib_split_cut cut = ib_split_cut_at(&seq, t, nthreads);
        if (cut.unit >= seq.units || cut.tile == ib_split_unit_start(&seq, cut.unit).tile)
            continue;
        const ib_avx2_conv_unit un = ib_avx2_conv_unit_of(&p, cut.unit);
        int64_t q0, q1;
        ib_avx2_conv_tiles_px(&p, un.group, cut.tile, cut.tile + 1, &q0, &q1);
        const int64_t iy = q0 / c->ow * c->sh - c->pt;
        at->mid_range++;
        at->padded_row += iy < 0 || iy + c->kh > c->ih;
        at->short_range += un.range == p.nranges - 1 && p.q % p.pb != 0;
        at->chunks += (p.icb + p.kchunk - 1) / p.kchunk > 1;
        at->rsplit += p.rsplit > 1;
        at->chunks_outer += p.chunks_outer;
        at->images += un.n > 0;
    }
}

/* The thread split (conv_split.h): exact at 1, 2, 3 and 5 threads, on both pretend CPUs, on
 * shapes whose cuts land inside a work item, in a padded row, in an image's last and shorter
 * range, in a later image, under plans of several chunks, of split kernel rows and of chunks
 * outside the groups (each a cut that must give every pixel to one thread, its bias once and
 * its sums over every chunk). */
static void test_threads(void)
{
    static const shape shapes[] = {
        {"3x3 pad, one group", "ic24ih11iw10oc32kh3ph1"},
        {"5x5 pad 2, ic and oc tails", "ic19ih12oc36kh5ph2"},
        {"3x3 pad, oc tail, 2 images", "mb2ic40ih9iw11oc72kh3ph1"},
        {"7x1 pad, oc tail, 3 images", "mb3ic40ih13oc20kh7kw1ph3pw0"},
        {"1x7 pad", "ic40ih17oc48kh1kw7ph0pw3"},
        {"1x1 8x8 chunks outside groups, 2 images", "mb2ic1020ih8oc76kh1"},
        {"3x3 stride 2, ic tail", "ic21ih15iw13oc24kh3sh2"},
        {"stem, 2 images", "mb2ic3ih33iw31oc32kh3sh2"},
        {"many ranges, the last short", "ic20ih37oc40kh3ph1"},
        {"rows wholly in the padding", "ic16ih5oc32kh3ph3"},
    };
    const int nthreads[] = {1, 2, 3, 5};
    cut_places at = {0};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        ib_desc d = ib_test_desc(shapes[i].text);
        d.conv.has_bias = 1;
        d.conv.relu = 1;
        for (size_t t = 0; t < sizeof nthreads / sizeof nthreads[0]; t++) {
            omp_set_num_threads(nthreads[t]);
            check_exact(&shapes[i], &d, &impl_tiny);
            check_exact(&shapes[i], &d, &impl_unknown);
            note_cuts(&d.conv, &tiny, nthreads[t], &at);
            note_cuts(&d.conv, &unknown, nthreads[t], &at);
        }
    }
    ib_check(at.mid_range && at.padded_row && at.short_range && at.chunks && at.rsplit &&
                 at.chunks_outer && at.images,
             "cuts inside an item %d, in a padded row %d, in a short last range %d, under "
             "several chunks %d, split rows %d, chunks outside %d, in a later image %d",
             at.mid_range, at.padded_row, at.short_range, at.chunks, at.rsplit, at.chunks_outer,
             at.images);
    printf("thread split: %d cuts inside an item, %d in a padded row, %d in a short last range, "
           "%d under several chunks, %d split rows, %d chunks outside, %d in a later image\n",
           at.mid_range, at.padded_row, at.short_range, at.chunks, at.rsplit, at.chunks_outer,
           at.images);
}

int main(void)
{
    const char *why = NULL;
    if (!ib_isa_usable(IB_ISA_AVX2, &why)) {
        printf("test_avx2_conv: skipped: %s\n", why ? why : "no AVX2");
        ib_check_skip();
        return ib_check_done();
    }
    const ib_cpu *cpu = ib_cpu_get();
    const ib_avx2_conv_caches here = {.l1d = cpu->l1d, .l2 = cpu->l2, .l3 = cpu->l3};
    const shape shapes[] = {
        {"1x1 8x8 ic1280 oc tail", "ic1280ih8oc20kh1"},
        {"1x1 8x8 ic2048", "ic2048ih8oc48kh1"},
        {"1x1 8x8 groups 3,3,2,2 oc tail", "ic44ih8oc76kh1"},
        {"1x1 8x8 chunks outside groups, ic and oc tails, 2 images", "mb2ic1020ih8oc76kh1"},
        {"1x1 17x17 ic tail", "ic77ih17oc40kh1"},
        {"1x1 stride 2", "ic32ih9oc24kh1sh2"},
        {"3x3 pad each side", "ic24ih11iw10oc32kh3ph1"},
        {"3x3 pad top only", "ic16ih7iw9oc16kh3pt1pb0pl0pr0"},
        {"3x3 pad bottom only", "ic16ih7iw9oc16kh3pt0pb1pl0pr0"},
        {"3x3 pad left only", "ic16ih7iw9oc16kh3pt0pb0pl1pr0"},
        {"3x3 pad right only", "ic16ih7iw9oc16kh3pt0pb0pl0pr1"},
        {"3x3 stride 2 ic tail", "ic21ih15iw13oc24kh3sh2"},
        {"5x5 ic tail oc tail", "ic19ih12oc36kh5ph2"},
        {"7x7 pad 3 oc tail", "ic20ih11oc40kh7ph3"},
        {"1x7 pad", "ic40ih9oc48kh1kw7ph0pw3"},
        {"7x1 pad", "ic40ih9oc48kh7kw1ph3pw0"},
        {"1x3 8x8", "ic64ih8oc32kh1kw3ph0pw1"},
        {"3x1 8x8", "ic64ih8oc32kh3kw1ph1pw0"},
        {"2x2 asym pad", "ic32ih10oc40kh2pt0pb1pl0pr1"},
        {"stem ic3 stride 2", "ic3ih33iw31oc32kh3sh2"},
        {"stem ic3 pad each side, oc tail, odd width", "ic3ih9iw11oc13kh3ph1"},
        {"stem ic3 stride 2 pad left and top only", "ic3ih12iw13oc32kh3sh2pt1pb0pl1pr0"},
        {"plain 3x3 ic5 stride 2 pad right and bottom only", "ic5ih12iw13oc24kh3sh2pt0pb1pl0pr1"},
        {"plain 3x3 ic2", "ic2ih8iw7oc8kh3ph1"},
        {"ic1 big grid", "ic1ih70oc8kh3ph1"},
    };
    const int n = (int)(sizeof shapes / sizeof shapes[0]);
    int split = 0, ranges = 0, changed = 0;
    ib_desc d[sizeof shapes / sizeof shapes[0]];
    for (int i = 0; i < n; i++) {
        d[i] = ib_test_desc(shapes[i].text);
        d[i].conv.has_bias = 1;
        d[i].conv.relu = 1;
        check_exact(&shapes[i], &d[i], &impl_tiny);
        check_exact(&shapes[i], &d[i], &impl_unknown);
        ib_avx2_conv_plan a, b;
        plan(&d[i], &here, &a);
        plan(&d[i], &tiny, &b);
        split += b.rsplit > 1;
        ranges += b.q > b.pbmax;
        changed += a.kchunk != b.kchunk || a.rsplit != b.rsplit || a.pbmax != b.pbmax;
        /* Whatever the caches, the chunks cover every input channel and the ranges every
         * pixel: a plan is never empty. */
        ib_check(b.kchunk >= 1 && b.rsplit >= 1 && b.pbmax >= b.palign && b.pbmax % b.palign == 0,
                 "%s: plan kchunk %lld rsplit %lld pbmax %lld", shapes[i].name, (long long)b.kchunk,
                 (long long)b.rsplit, (long long)b.pbmax);
    }
    /* The pretend CPU reaches the branches the shapes are chosen for. */
    ib_check(split >= 3, "tiny caches split a block's kernel rows in %d shapes (want >= 3)", split);
    ib_check(ranges >= 3, "tiny caches cut the pixels into ranges in %d shapes", ranges);
    ib_check(changed >= n / 2, "the plan changed with the caches in only %d of %d shapes", changed,
             n);

    /* A 5x5 block's weights for 4 oc blocks (25.6 KB) with the input rows it slides along
     * stay whole in a 48 KiB L1d, a block per chunk; on a 32 KiB one (Zen 3) they do not, and
     * the chunks hold the blocks whose weights fit a quarter of L2 (5 of 25.6 KB in 128 KiB:
     * 6 blocks in 2 even chunks of 3), their kernel rows whole; with 4 KiB of L2 too, a block's
     * rows are split so that each part fits the L1d. */
    const ib_desc five = ib_test_desc("ic48ih35oc64kh5ph2"); /* Mixed_5b.branch5x5_2 */
    const ib_avx2_conv_caches zen3 = {.l1d = 32 << 10, .l2 = 512 << 10, .l3 = 32 << 20};
    const ib_avx2_conv_caches xeon = {.l1d = 48 << 10, .l2 = 2 << 20, .l3 = 105 << 20};
    const ib_avx2_conv_caches no_l2 = {.l1d = 32 << 10, .l2 = 4 << 10, .l3 = 32 << 20};
    ib_avx2_conv_plan pz, px, pn;
    plan(&five, &zen3, &pz);
    plan(&five, &xeon, &px);
    plan(&five, &no_l2, &pn);
    const int64_t jmax = pz.gbase + (pz.gextra > 0);
    const int64_t block_bytes = jmax * pz.wblk * (int64_t)sizeof(float);
    ib_check(pz.rsplit == 1 && pz.kchunk == 3 && pz.chunks_l2 &&
                 pz.kchunk * block_bytes <= zen3.l2 / 4,
             "5x5 on 32 KiB L1d, 512 KiB L2: %lld row parts, chunks of %lld blocks (%lld bytes of "
             "weights each)",
             (long long)pz.rsplit, (long long)pz.kchunk, (long long)(pz.kchunk * block_bytes));
    ib_check(px.rsplit == 1 && px.kchunk == 1 && !px.chunks_l2,
             "5x5 on 48 KiB L1d: %lld row parts, %lld blocks", (long long)px.rsplit,
             (long long)px.kchunk);
    const int64_t kh = five.conv.kh, rows = (kh + pn.rsplit - 1) / pn.rsplit; /* biggest part */
    const int64_t part_bytes = block_bytes / kh * rows;
    ib_check(pn.rsplit > 1 && pn.kchunk == 1 && !pn.chunks_l2 && part_bytes <= no_l2.l1d * 3 / 4,
             "5x5 on 32 KiB L1d, 4 KiB L2: %lld row parts of %lld bytes of weights",
             (long long)pn.rsplit, (long long)part_bytes);

    /* The 1x1 path's chunks keep their weights in half of L1d, a direct convolution's with a
     * tile's window in three quarters: on Zen 3's caches Mixed_5b.branch5x5_1 (192 -> 48, 1x1)
     * runs 2 chunks of 12 blocks (9 KiB of weights for its groups of 3), where three quarters
     * would hold all 24 (18 KiB); Mixed_5b.branch3x3dbl_2 (64 -> 96, 3x3) 4 chunks of 2 blocks
     * (18 KiB for its groups of 4), more than half of L1d. */
    const ib_desc pw = ib_test_desc("ic192ih35oc48kh1");
    const ib_desc dir = ib_test_desc("ic64ih35oc96kh3ph1");
    ib_avx2_conv_plan ppw, pdir;
    plan(&pw, &zen3, &ppw);
    plan(&dir, &zen3, &pdir);
    const int64_t pw_bytes = ppw.kchunk * (ppw.gbase + (ppw.gextra > 0)) * ppw.wblk * 4;
    const int64_t dir_bytes = pdir.kchunk * (pdir.gbase + (pdir.gextra > 0)) * pdir.wblk * 4;
    ib_check(ppw.pointwise && ppw.kchunk == 12 && pw_bytes <= zen3.l1d / 2,
             "1x1 192 -> 48 on Zen 3: chunks of %lld blocks, %lld bytes of weights",
             (long long)ppw.kchunk, (long long)pw_bytes);
    ib_check(!pdir.pointwise && pdir.kchunk == 2 && dir_bytes > zen3.l1d / 2 &&
                 dir_bytes <= zen3.l1d * 3 / 4,
             "3x3 64 -> 96 on Zen 3: chunks of %lld blocks, %lld bytes of weights",
             (long long)pdir.kchunk, (long long)dir_bytes);

    /* One pixel range where ranges would read more bytes of weights from beyond L2 than the
     * groups read of the image's inputs in one: Mixed_6a.branch3x3 on Zen 3's caches (7 ranges of
     * its 4 MiB of weights against 12 groups of 1.4 MiB of inputs), not on the Xeon's (2 ranges),
     * nor Mixed_5b.branch3x3dbl_3 on Zen 3's (3 x 332 KiB against 3 x 470 KiB). */
    const ib_desc s2 = ib_test_desc("ic288ih35oc384kh3sh2");
    const ib_desc d96 = ib_test_desc("ic96ih35oc96kh3ph1");
    ib_avx2_conv_plan pr;
    plan(&s2, &zen3, &pr);
    ib_check(pr.nranges == 1, "Mixed_6a.branch3x3 on Zen 3: %lld ranges", (long long)pr.nranges);
    plan(&s2, &xeon, &pr);
    ib_check(pr.nranges > 1, "Mixed_6a.branch3x3 on the Xeon: %lld range", (long long)pr.nranges);
    plan(&d96, &zen3, &pr);
    ib_check(pr.nranges > 1, "35x35 3x3 96 -> 96 on Zen 3: %lld range", (long long)pr.nranges);

    /* The 1x1 path's largest group follows the pixel count: on 8x8 (64 pixels) groups of 3
     * blocks, whose 3x4 tiles cover the pixels exactly (4x3 leaves a 1-pixel tile), with the
     * rest in groups of 2 when the blocks do not divide by 3; on 17x17 (289 = 96 x 3 + 1 =
     * 72 x 4 + 1) the main 4x3. Direct convolutions keep the main tile's groups. */
    const struct {
        const char *text;
        int64_t gbase, gextra, groups;
    } groups[] = {
        {"ic1280ih8oc192kh1", 3, 0, 8},    /* Mixed_7b.branch_pool */
        {"ic2048ih8oc320kh1", 2, 12, 14},  /* Mixed_7c.branch1x1: 12x3 + 2x2 */
        {"ic768ih17oc192kh1", 4, 0, 6},    /* Mixed_6b.branch1x1 */
        {"ic448ih8oc384kh3ph1", 4, 0, 12}, /* Mixed_7b.branch3x3dbl_2, direct */
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        const ib_desc g = ib_test_desc(groups[i].text);
        ib_avx2_conv_plan pg;
        plan(&g, &here, &pg);
        ib_check(pg.gbase == groups[i].gbase && pg.gextra == groups[i].gextra &&
                     pg.groups == groups[i].groups,
                 "%s: %lld groups of %lld, %lld of them one more (want %lld, %lld, %lld)",
                 groups[i].text, (long long)pg.groups, (long long)pg.gbase, (long long)pg.gextra,
                 (long long)groups[i].groups, (long long)groups[i].gbase,
                 (long long)groups[i].gextra);
    }

    /* The 1x1 path on 8x8 runs its chunks outside the groups when a chunk of at least
     * IB_AVX2_CONV_MIN_BLOCKS blocks over all 64 pixels fits in L1 beside a group's weights of
     * it: on Zen 3's caches and unknown ones, in one pixel range, but not on the tiny caches, nor
     * on a direct convolution. */
    const ib_desc c7 = ib_test_desc("ic2048ih8oc320kh1"); /* Mixed_7c.branch1x1 */
    const ib_desc c6 = ib_test_desc("ic768ih17oc192kh1"); /* Mixed_6b.branch1x1 */
    const ib_desc mixed = ib_test_desc("mb2ic1020ih8oc76kh1");
    ib_avx2_conv_plan pc;
    plan(&c7, &zen3, &pc);
    const int64_t cj = pc.gbase + (pc.gextra > 0);
    const int64_t c_bytes = pc.kchunk * (cj * 8 + pc.q) * 8 * (int64_t)sizeof(float);
    ib_check(pc.chunks_outer && pc.pbmax >= pc.q && pc.kchunk >= IB_AVX2_CONV_MIN_BLOCKS &&
                 c_bytes <= zen3.l1d * 3 / 4,
             "Mixed_7c.branch1x1 on Zen 3: chunks outside %d, chunk %lld blocks (%lld bytes), "
             "pixel ranges of %lld",
             pc.chunks_outer, (long long)pc.kchunk, (long long)c_bytes, (long long)pc.pbmax);
    plan(&mixed, &unknown, &pc);
    ib_check(pc.chunks_outer && pc.icb / pc.kchunk >= 4 && pc.groups == 4,
             "the exact 8x8 shape has chunks outside %d, %lld chunks, %lld groups", pc.chunks_outer,
             (long long)(pc.icb / pc.kchunk), (long long)pc.groups);
    plan(&mixed, &tiny, &pc);
    ib_check(!pc.chunks_outer, "tiny caches: the chunks outside the groups");
    /* Weights that do not stay in L2 from one pixel range to the next (768 -> 192 at 17x17:
     * 576 KiB, more than half of Zen 3's L2) take the same order over one range, with the chunks
     * planned for L1, when a chunk's inputs over the image and all the partial sums fit three
     * quarters of L2; where they stay (the Xeon's 2 MiB), each group runs through its chunks. */
    plan(&c6, &zen3, &pc);
    const int64_t c6_px = pc.q * 8 * (int64_t)sizeof(float);
    ib_check(pc.chunks_outer && pc.nranges == 1 && pc.kchunk >= IB_AVX2_CONV_MIN_BLOCKS &&
                 pc.wfloats * (int64_t)sizeof(float) > zen3.l2 / 2 &&
                 (pc.ocb + pc.kchunk) * c6_px <= zen3.l2 * 3 / 4,
             "17x17 1x1 from 768 on Zen 3: chunks outside %d, %lld ranges, chunks of %lld blocks",
             pc.chunks_outer, (long long)pc.nranges, (long long)pc.kchunk);
    plan(&c6, &xeon, &pc);
    ib_check(!pc.chunks_outer, "17x17 1x1 from 768 on the Xeon: chunks outside the groups");
    const ib_desc direct = ib_test_desc("ic448ih8oc384kh3ph1"); /* Mixed_7b.branch3x3dbl_2 */
    plan(&direct, &zen3, &pc);
    ib_check(!pc.chunks_outer, "direct 3x3 on 8x8: the chunks outside the groups");

    /* The stem's tile unrolls its 3 channels as one chunk: on any caches its plan has them
     * all, and a plain 3x3 of other channel counts takes the general plain tile. */
    const ib_desc stem = ib_test_desc("ic3ih299oc32kh3sh2"); /* Conv2d_1a_3x3 */
    const ib_desc plain3 = ib_test_desc("ic5ih17oc16kh3");
    ib_avx2_conv_plan ps;
    plan(&stem, &tiny, &ps);
    ib_check(ps.kchunk == 3 && ps.rsplit == 1 && ib_avx2_conv_kind(&stem.conv) == IB_CONV_STEM,
             "the stem on tiny caches: chunks of %lld channels in %lld row parts",
             (long long)ps.kchunk, (long long)ps.rsplit);
    ib_check(ib_avx2_conv_kind(&plain3.conv) == IB_CONV_PLAIN,
             "a 5-channel 3x3 took the stem tile");

    test_threads();

    /* describe: one line naming the tile and the caches it was planned for. */
    char line[320];
    ib_avx2_conv_describe(&d[0], line, sizeof line);
    ib_check(strstr(line, "tile ") && strstr(line, "L1d") && !strchr(line, '\n'), "describe: '%s'",
             line);
    printf("plan of %s here: %s\n", shapes[0].name, line);
    return ib_check_done();
}
#else
int main(void)
{
    printf("test_avx2_conv: skipped: not an x86-64 build\n");
    ib_check_skip();
    return ib_check_done();
}
#endif
