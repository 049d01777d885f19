/* Which kernel taps of a convolution read inside the input, along one dimension (kernel extent
 * k, stride s, padding pad before an input of extent n). Kernels that skip the taps reading only
 * padding run these; their plans and thread splits count the work run from the same functions,
 * so what is counted is what is run. ISA-free and pure. */
#ifndef IB_CONV_TAPS_H
#define IB_CONV_TAPS_H

#include <stdint.h>

/* The taps kk (k0 <= kk < k1) that read inside when tap 0 reads position i0 (negative in the
 * padding): [lo, hi), empty when lo >= hi. */
static inline int64_t ib_conv_taps_lo(int64_t i0, int64_t k0)
{
    return i0 < -k0 ? -i0 : k0;
}
static inline int64_t ib_conv_taps_hi(int64_t i0, int64_t k1, int64_t n)
{
    return n - i0 < k1 ? n - i0 : k1;
}

/* The taps output position v runs: those inside. */
static inline int64_t ib_conv_taps_at(int64_t v, int64_t s, int64_t pad, int64_t k, int64_t n)
{
    const int64_t lo = ib_conv_taps_lo(v * s - pad, 0), hi = ib_conv_taps_hi(v * s - pad, k, n);
    return hi > lo ? hi - lo : 0;
}

/* The taps that read inside for at least one of the np output positions v0, v0 + 1, ...: those a
 * tile runs along a dimension its pixels span, when they share one pointer per tap (np = 1:
 * ib_conv_taps_at). */
static inline int64_t ib_conv_taps_any(int64_t v0, int64_t np, int64_t s, int64_t pad, int64_t k,
                                       int64_t n)
{
    int64_t taps = 0;
    for (int64_t kk = 0; kk < k; kk++) {
        /* Positions v read inside when pad - kk <= v s <= n - 1 + pad - kk. */
        const int64_t lo = pad - kk, hi = n - 1 + pad - kk;
        if (hi < 0)
            continue;
        const int64_t first = lo <= v0 * s ? v0 : (lo + s - 1) / s;
        const int64_t last = hi / s < v0 + np - 1 ? hi / s : v0 + np - 1;
        taps += first <= last;
    }
    return taps;
}

/* The taps run by positions [v0, v1), summed: k for each position whose taps all read inside,
 * and the few positions near the borders counted one by one, so that the sum does not grow with
 * the image. */
static inline int64_t ib_conv_taps_sum(int64_t v0, int64_t v1, int64_t s, int64_t pad, int64_t k,
                                       int64_t n)
{
    /* Positions [a, b) read every tap inside: v s - pad >= 0 and v s - pad + k <= n. */
    const int64_t a = (pad + s - 1) / s;
    int64_t b = n + pad - k >= 0 ? (n + pad - k) / s + 1 : 0;
    b = b > a ? b : a;
    const int64_t in0 = v0 > a ? v0 : a, in1 = v1 < b ? v1 : b;
    int64_t sum = in1 > in0 ? (in1 - in0) * k : 0;
    for (int64_t v = v0; v < v1 && v < a; v++)
        sum += ib_conv_taps_at(v, s, pad, k, n);
    for (int64_t v = v0 > b ? v0 : b; v < v1; v++)
        sum += ib_conv_taps_at(v, s, pad, k, n);
    return sum;
}

#endif
