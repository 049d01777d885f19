/* The AVX-512 convolution's thread split (arch/avx512/conv_split.h) on every Inception-v3
 * convolution and on edge shapes, for this CPU's caches and a pretend CPU of small ones, at
 * several thread counts: the cuts give every (image, group, tile) to exactly one thread, the
 * work the split counts is the kernel's (taps counted pixel by pixel here), and each thread's
 * work is within one tile of one group of its share. Prints each layer's imbalance at 2 threads
 * (the most work one thread gets over the ideal), worst first. Ends with "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/avx512/conv_split.h"
#include "core/isa.h"
#include "core/registry.h"
#include "tests/check.h"
#include "tests/desc_text.h"
#include "tests/extras.h"
#include "tests/split_network.h"

typedef ib512_conv_plan (*plan_fn)(const ib_conv_desc *c, const ib512_caches *cs);

static const ib512_caches big = {48 << 10, 2 << 20, 256 << 20};
static const ib512_caches small = {4 << 10, 16 << 10, 64 << 10};

enum { MAX_THREADS = 8 };

/* The taps tile t runs, pixel by pixel: those that read inside the input for one of its pixels. */
static int64_t tile_taps(const ib512_conv_plan *pl, const ib_conv_desc *c, int64_t t, int64_t *np)
{
    int64_t q0, at[2], taps = 0;
    *np =
        ib512_conv_tile_in_line(pl, c->ow, t / pl->tiles_per_line, t % pl->tiles_per_line, &q0, at);
    for (int64_t kh = 0; kh < c->kh; kh++)
        for (int64_t kw = 0; kw < c->kw; kw++) {
            int in = 0;
            for (int64_t p = 0; p < *np && !in; p++) {
                const int64_t q = q0 + p * pl->px_step;
                const int64_t ih = q / c->ow * c->sh - c->pt + kh;
                const int64_t iw = q % c->ow * c->sw - c->pl + kw;
                in = ih >= 0 && ih < c->ih && iw >= 0 && iw < c->iw;
            }
            taps += in;
        }
    return taps;
}

/* What a split gives the threads: the most work one gets over the ideal (1: balanced), the most
 * weights and input one streams (input: the share of the output pixels it computes, halos left
 * out), and the groups more than one thread streams. */
typedef struct split_report {
    double imbalance, weight_kib, input_kib, all_weight_kib, all_input_kib;
    int64_t shared_groups;
    const char *order;
} split_report;

/* Splits c's work among nthreads; checks the cuts. */
static split_report check_split(const char *what, const ib_conv_desc *c, const ib512_caches *cs,
                                plan_fn plan, int nthreads)
{
    const ib512_conv_plan pl = plan(c, cs);
    const ib512_conv_seq seq = ib512_conv_seq_of(&pl, c);
    const ib_split_seq split = ib512_conv_split_of(&seq);
    /* (a plan has tiles; the bound keeps GCC from warning of a negative count's size) */
    int64_t *tile_work = calloc((size_t)(pl.ntiles > 0 ? pl.ntiles : 1), sizeof *tile_work);
    unsigned char *seen = calloc((size_t)(c->n * pl.ngroups * pl.ntiles), 1);
    int64_t total = 0, most_tile = 0;
    for (int64_t t = 0; t < pl.ntiles; t++) {
        int64_t np;
        const int64_t taps = tile_taps(&pl, c, t, &np);
        tile_work[t] = np * taps;
        total += tile_work[t] * pl.ocb;
        most_tile = tile_work[t] * pl.g > most_tile ? tile_work[t] * pl.g : most_tile;
    }
    total *= c->n;
    ib_check(seq.image_work * c->n == total,
             "%s: the split counts %lld pixel-taps, the kernel runs %lld", what,
             (long long)(seq.image_work * c->n), (long long)total);

    const int64_t v = ib_isa_traits_of(IB_ISA_AVX512)->vector_floats; /* an output block */
    const double group_kib = (double)(v * pl.icb * pl.icn * c->kh * c->kw) * 4 / 1024;
    const double input_kib = (double)(c->n * pl.icb * pl.icn * c->ih * c->iw) * 4 / 1024;
    split_report rep = {.all_weight_kib = group_kib * (double)pl.ocb,
                        .all_input_kib = input_kib,
                        .order = pl.order == IB512_ORDER_BLOCKS_OUTER ? "blocks" : "groups"};
    int64_t *threads_of = calloc((size_t)pl.ngroups, sizeof *threads_of);
    unsigned char *mine = calloc((size_t)(c->n * pl.ngroups + c->n * pl.ntiles), 1);
    int64_t work[MAX_THREADS] = {0}, most = 0;
    int ordered = 1, once = 1;
    for (int k = 0; k < nthreads; k++) {
        double blocks = 0, pixels = 0; /* output blocks of the groups it runs, pixels it runs */
        memset(mine, 0, (size_t)(c->n * pl.ngroups + c->n * pl.ntiles));
        const ib_split_cut from = ib_split_cut_at(&split, k, nthreads);
        const ib_split_cut to = ib_split_cut_at(&split, k + 1, nthreads);
        ordered &= from.unit < to.unit || (from.unit == to.unit && from.tile <= to.tile);
        for (int64_t u = from.unit; u <= to.unit && u < seq.units; u++) {
            const ib512_conv_unit un = ib512_conv_unit_of(&seq, u);
            int64_t t0, t1;
            ib_split_tiles_in(&split, from, to, u, &t0, &t1);
            if (t0 < t1 && !mine[un.group]++) {
                threads_of[un.group]++;
                blocks += (double)un.gsz;
            }
            for (int64_t t = t0; t < t1; t++) {
                once &= !seen[(un.n * pl.ngroups + un.group) * pl.ntiles + t]++;
                work[k] += tile_work[t] * un.gsz;
                if (!mine[c->n * pl.ngroups + un.n * pl.ntiles + t]++) {
                    int64_t q0, at[2];
                    pixels += (double)ib512_conv_tile_in_line(&pl, c->ow, t / pl.tiles_per_line,
                                                              t % pl.tiles_per_line, &q0, at);
                }
            }
        }
        most = work[k] > most ? work[k] : most;
        rep.weight_kib = blocks * group_kib > rep.weight_kib ? blocks * group_kib : rep.weight_kib;
        pixels *= input_kib / (double)(c->n * c->oh * c->ow);
        rep.input_kib = pixels > rep.input_kib ? pixels : rep.input_kib;
    }
    for (int64_t g = 0; g < pl.ngroups; g++)
        rep.shared_groups += threads_of[g] > 1;
    int all = 1;
    for (int64_t i = 0; i < c->n * pl.ngroups * pl.ntiles; i++)
        all &= seen[i] == 1;
    ib_check(ordered && once && all, "%s, %d threads: cuts in order %d, tiles run once %d, all %d",
             what, nthreads, ordered, once, all);
    /* Each cut is the tile boundary nearest its share, so a thread is within a tile of its own. */
    const double ideal = (double)total / nthreads;
    for (int k = 0; k < nthreads; k++)
        ib_check(work[k] >= ideal - (double)most_tile - 1 && work[k] <= ideal + most_tile + 1,
                 "%s, %d threads: thread %d gets %lld pixel-taps, its share %.1f, a tile %lld",
                 what, nthreads, k, (long long)work[k], ideal, (long long)most_tile);
    free(tile_work);
    free(seen);
    free(threads_of);
    free(mine);
    rep.imbalance = total ? (double)most / ideal : 1.0;
    return rep;
}

/* The reports of the bar's checks, in the order of the walk over the network. */
typedef struct network_walk {
    plan_fn plan;
    split_report reports[128];
    int nreports;
} network_walk;

static double check_layer(void *ctx, const char *name, const ib_conv_desc *c, int cpu, int nthreads,
                          int bar)
{
    network_walk *nw = ctx;
    const split_report r = check_split(name, c, cpu ? &small : &big, nw->plan, nthreads);
    if (bar && nw->nreports < (int)(sizeof nw->reports / sizeof nw->reports[0]))
        nw->reports[nw->nreports++] = r;
    return r.imbalance;
}

/* Every convolution of the network at batch 1 and 3, both CPUs, 1 to MAX_THREADS threads; the
 * imbalance at 2 threads on this project's Xeon of the layers above 20 MFLOP, worst first. */
static void test_network(plan_fn plan)
{
    static network_walk nw;
    enum { MAX_ROWS = sizeof nw.reports / sizeof nw.reports[0] };
    static ib_test_split_row rows[MAX_ROWS];
    nw.plan = plan;
    nw.nreports = 0;
    const int nrows = ib_test_split_network(check_layer, &nw, 2, MAX_THREADS, rows, MAX_ROWS);
    int over = 0;
    for (int i = 0; i < nrows; i++)
        over += rows[i].imbalance > 1.01;
    printf("2 threads, this Xeon's caches (L2 %lld KiB a core): %d of %d layers above 20 MFLOP "
           "over 1.01x of an even split; worst, with what the thread streaming most streams "
           "(KiB, of the layer's) and the groups both threads stream:\n",
           (long long)(big.l2 >> 10), over, nrows);
    for (int i = 0; i < nrows && i < 10; i++) {
        const split_report *r = &nw.reports[rows[i].bar];
        printf("  %-26s %6.1f MMAC %.4fx  %s outer: weights %6.0f of %6.0f, input %5.0f of %5.0f, "
               "%lld shared\n",
               rows[i].name, rows[i].macs / 1e6, rows[i].imbalance, r->order, r->weight_kib,
               r->all_weight_kib, r->input_kib, r->all_input_kib, (long long)r->shared_groups);
    }
}

/* Shapes whose tiles differ in taps or width, groups in size, units in number. */
static void test_edges(plan_fn plan)
{
    static const char *const shapes[] = {
        "mb1ic40ih9iw11oc72kh3kw3ph1",         /* oc and row tails */
        "mb2ic16ih7iw9oc32kh3kw3pt2pb0pl0pr0", /* padding on one side, 2 images */
        "mb1ic16ih7iw9oc32kh3kw3pt0pb2pl0pr0", /* ... the other sides */
        "mb1ic16ih7iw9oc32kh3kw3pt0pb0pl2pr0", /* */
        "mb3ic16ih7iw9oc80kh3kw3pt0pb0pl0pr2", /* 5 blocks */
        "mb2ic16ih9iw9oc208kh3kw3ph1",         /* groups 5 5 3 */
        "mb1ic16ih9iw9oc112kh3kw3ph1",         /* a last group of one block */
        "mb1ic32ih17iw17oc160kh1kw7ph0pw3",    /* groups 3 3 3 1, down columns */
        "mb1ic24ih11iw13oc40kh1kw5sh2sw2pl2",  /* stride 2, padded left */
        "mb1ic16ih5iw5oc32kh3kw3ph3pw3",       /* rows and columns wholly in the padding */
        "mb1ic48ih13iw11oc32kh1kw1sh2sw2",     /* flat, stride 2 */
        "mb1ic3ih21iw23oc32kh3kw3sh2sw2",      /* the plain stem */
        "mb1ic1280ih8iw8oc320kh1kw1",          /* 8x8, many input blocks */
        "mb1ic8ih1iw1oc16kh1kw1",              /* one tile */
        "mb5ic16ih3iw3oc16kh3kw3ph1",          /* more images than tiles */
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const ib_desc d = ib_test_desc(shapes[i]);
        for (int nthreads = 1; nthreads <= MAX_THREADS; nthreads++) {
            check_split(shapes[i], &d.conv, &big, plan, nthreads);
            check_split(shapes[i], &d.conv, &small, plan, nthreads);
        }
    }
}

int main(void)
{
    ib_test_register_extras();
    /* The plan from a build of arch/avx512 that runs here; the split itself is built here. */
    static const struct {
        const char *name;
        plan_fn plan;
    } builds[] = {
#ifdef __x86_64__
        {"avx512", ib512_conv_plan_make},
#endif
#ifdef IB_TEST_AVX512_SIMDE
        {"avx512_simde", ib512_conv_plan_make_simde},
#endif
    };
    for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
        const ib_impl *impl = ib_registry_lookup(IB_OP_CONV, builds[i].name);
        if (impl && ib_impl_usable(impl, NULL)) {
            printf("the plans of %s:\n", builds[i].name);
            test_edges(builds[i].plan);
            test_network(builds[i].plan);
            return ib_check_done();
        }
    }
    printf("SKIPPED: neither build of arch/avx512 runs here\n");
    ib_check_skip();
    return ib_check_done();
}
