/* The taps of a convolution that read inside the input (core/conv_taps.h), against counting them
 * tap by tap and position by position, over strides, paddings, kernel and input extents (inputs
 * smaller than the kernel among them) and runs of positions: a position's taps (its range and
 * their count), the taps some position of a run reads inside, and the sum over a run. Ends with
 * "N passed, N failed". */
#include <stdio.h>

#include "core/conv_taps.h"
#include "tests/check.h"

static int inside(int64_t v, int64_t kk, int64_t s, int64_t pad, int64_t n)
{
    return v * s - pad + kk >= 0 && v * s - pad + kk < n;
}

int main(void)
{
    int bad[4] = {0};
    char first[4][160] = {""};
    for (int64_t s = 1; s <= 3; s++)
        for (int64_t pad = 0; pad <= 4; pad++)
            for (int64_t k = 1; k <= 7; k++)
                for (int64_t n = 1; n <= 9; n++)
                    for (int64_t v0 = 0; v0 <= 6; v0++)
                        for (int64_t np = 1; np <= 5; np++) {
                            int64_t any = 0, sum = 0, at = 0, contiguous = 1;
                            for (int64_t kk = 0; kk < k; kk++) {
                                int in = 0;
                                for (int64_t v = v0; v < v0 + np; v++) {
                                    in |= inside(v, kk, s, pad, n);
                                    sum += inside(v, kk, s, pad, n);
                                }
                                any += in;
                                at += inside(v0, kk, s, pad, n);
                            }
                            /* v0's taps inside are one range [lo, hi), which the tiles run. */
                            const int64_t lo = ib_conv_taps_lo(v0 * s - pad, 0),
                                          hi = ib_conv_taps_hi(v0 * s - pad, k, n);
                            for (int64_t kk = 0; kk < k; kk++)
                                contiguous &= inside(v0, kk, s, pad, n) == (kk >= lo && kk < hi);
                            const int64_t got[4] = {ib_conv_taps_any(v0, np, s, pad, k, n),
                                                    ib_conv_taps_sum(v0, v0 + np, s, pad, k, n),
                                                    ib_conv_taps_at(v0, s, pad, k, n),
                                                    contiguous ? at : -1};
                            const int64_t want[4] = {any, sum, at, at};
                            for (int q = 0; q < 4; q++)
                                if (got[q] != want[q] && !bad[q]++)
                                    snprintf(first[q], sizeof first[q],
                                             "v0 %lld np %lld s %lld pad %lld k %lld n %lld: "
                                             "%lld, not %lld",
                                             (long long)v0, (long long)np, (long long)s,
                                             (long long)pad, (long long)k, (long long)n,
                                             (long long)got[q], (long long)want[q]);
                        }
    ib_check(!bad[0], "taps some position of a run reads inside: %d wrong, first %s", bad[0],
             first[0]);
    ib_check(!bad[1], "taps summed over a run: %d wrong, first %s", bad[1], first[1]);
    ib_check(!bad[2], "a position's taps: %d wrong, first %s", bad[2], first[2]);
    ib_check(!bad[3], "a position's taps are its range [lo, hi): %d wrong, first %s", bad[3],
             first[3]);
    /* The sum over a long run of interior positions is k per position. */
    ib_check(ib_conv_taps_sum(0, 1000, 1, 1, 3, 1000) == 3 * 1000 - 2,
             "1000 positions, 3 taps, pad 1: %lld",
             (long long)ib_conv_taps_sum(0, 1000, 1, 1, 3, 1000));
    return ib_check_done();
}
