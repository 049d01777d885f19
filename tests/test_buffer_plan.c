/* The activation plan (core/buffer_plan.h): buffers live at a common step never share a byte,
 * buffers whose lives do not meet do, and offsets are aligned and inside the arena. */
#include <limits.h>
#include <stdio.h>

#include "core/buffer_plan.h"
#include "core/rng.h"
#include "tests/check.h"

/* Every pair checked for the invariant, every buffer for alignment and bounds. */
static void check_plan(const char *what, const ib_buf_life *b, int n, size_t size)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bad += b[i].offset % 64 != 0 || b[i].offset + b[i].bytes > size;
        for (int j = i + 1; j < n; j++)
            if (ib_buffer_conflict(&b[i], &b[j])) {
                ib_check(0,
                         "%s: buffers %d [%d, %d] and %d [%d, %d] are live together and share "
                         "bytes",
                         what, i, b[i].first, b[i].last, j, b[j].first, b[j].last);
                bad++;
            }
    }
    ib_check(bad == 0, "%s: %d bad placements", what, bad);
}

/* Branches of a block, each written by its own step and all read by the concat at step 5:
 * none may share with another or with the block's input, read by every branch. */
static void concat_block(void)
{
    ib_buf_life b[6] = {
        {.bytes = 1000, .first = 0, .last = 4}, /* the block's input */
        {.bytes = 300, .first = 1, .last = 5},  {.bytes = 500, .first = 2, .last = 5},
        {.bytes = 200, .first = 3, .last = 5},  {.bytes = 700, .first = 4, .last = 5},
        {.bytes = 1700, .first = 5, .last = 6}}; /* the concat */
    const size_t size = ib_buffer_plan(b, 6);
    check_plan("concat block", b, 6, size);
    /* the concat's output may reuse the input's bytes: the input is dead by then */
    ib_check(size <= 64 * 6 + 1000 + 300 + 500 + 200 + 700 + 1700, "concat block: %zu bytes", size);
}

/* A straight chain: each buffer read only by the next step, so two buffers are enough. */
static void straight_chain(void)
{
    ib_buf_life b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (ib_buf_life){.bytes = 4096, .first = i, .last = i + 1};
    const size_t size = ib_buffer_plan(b, 8);
    check_plan("straight chain", b, 8, size);
    ib_check(size == 2 * 4096, "straight chain: %zu bytes, want 2 buffers of 4096", size);
}

static void random_lives(void)
{
    enum { N = 300 };
    ib_buf_life b[N];
    uint64_t s = 77;
    for (int i = 0; i < N; i++) {
        const int first = (int)ib_rng_uniform(&s, 0, 200);
        b[i] = (ib_buf_life){.bytes = (size_t)ib_rng_uniform(&s, 1, 100000),
                             .first = first,
                             .last = first + (int)ib_rng_uniform(&s, 0, 30)};
    }
    size_t sum = 0;
    for (int i = 0; i < N; i++)
        sum += b[i].bytes;
    const size_t size = ib_buffer_plan(b, N);
    check_plan("random lives", b, N, size);
    ib_check(size < sum, "random lives: the arena (%zu bytes) shares nothing of %zu", size, sum);
}

/* Built through the chains' own calls: a buffer no step reads (an output of the network)
 * lives to the end, and a kept one (the logits) shares its bytes with no other. */
static void accessed_lives(void)
{
    ib_buf_life b[4] = {ib_buffer_life(256), ib_buffer_life(256), ib_buffer_life(256),
                        ib_buffer_life(256)};
    ib_buffer_access(&b[0], 0, 1); /* written at 0, read at 1 */
    ib_buffer_access(&b[0], 1, 0);
    ib_buffer_access(&b[1], 1, 1); /* written at 1, never read: an output */
    ib_buffer_access(&b[2], 2, 1); /* written at 2, read at 3, kept */
    ib_buffer_access(&b[2], 3, 0);
    ib_buffer_keep(&b[2]);
    ib_buffer_access(&b[3], 4, 1); /* written at 4, read at 5 */
    ib_buffer_access(&b[3], 5, 0);
    const size_t size = ib_buffer_plan(b, 4);
    check_plan("accessed lives", b, 4, size);
    ib_check(b[1].last == INT_MAX, "an output no step reads lives to the end (last %d)", b[1].last);
    ib_check(b[2].first == 0 && b[2].last == INT_MAX, "a kept buffer lives through the pass");
    ib_check(b[3].offset == b[0].offset, "buffers 0 and 3 never live together: they share");
    ib_check(size == 3 * 256, "accessed lives: %zu bytes, want 3 buffers of 256", size);
}

int main(void)
{
    ib_check(ib_buffer_plan(NULL, 0) == 0, "no buffers: an empty arena");
    concat_block();
    straight_chain();
    random_lives();
    accessed_lives();
    return ib_check_done();
}
