/* Single-thread FMA peak: times an FMA-throughput probe (arch/avx2/peak_avx2.c, the only
 * place with AVX2 flags) or a portable multiply-add loop, best of several runs. */
#include "bench/peak.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "kernels/cpu.h"

#if defined(__x86_64__)
/* Every x86-64 build compiles arch/avx2/, so the probe is always linked there. */
double ib_peak_probe_avx2(int64_t iters);
enum { AVX2_FLOPS_PER_ITER = 12 * 8 * 2 };
#endif

/* Eight independent multiply-add chains (two flops each per iteration). */
static double probe_scalar(int64_t iters)
{
    float c[8] = {0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f};
    volatile float av = 0.999999f, bv = 1e-7f;
    const float a = av, b = bv;
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < 8; k++)
            c[k] = c[k] * a + b;
    return c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7];
}

/* This thread's CPU time: the neighbours' load then cannot lower the figure. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double g_peak;
static const char *g_name = "scalar";
static volatile double g_sink; /* keeps the probe's result alive */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void measure(void)
{
    double (*probe)(int64_t) = probe_scalar;
    double flops_per_iter = 16;
#if defined(__x86_64__)
    const ib_cpu *cpu = ib_cpu_get();
    if (cpu->has_avx2 && cpu->has_fma) {
        probe = ib_peak_probe_avx2;
        flops_per_iter = AVX2_FLOPS_PER_ITER;
        g_name = "avx2-fma";
    }
#endif
    /* Grow the run to about 10 ms, then keep the best of five: the clock and the
     * neighbours only ever make it slower. */
    int64_t iters = 1 << 14;
    double t = 0;
    for (;;) {
        double t0 = now_s();
        g_sink = probe(iters);
        t = now_s() - t0;
        if (t >= 0.01 || iters >= ((int64_t)1 << 40))
            break;
        iters *= 2;
    }
    double best = t;
    for (int r = 0; r < 5; r++) {
        double t0 = now_s();
        g_sink = probe(iters);
        t = now_s() - t0;
        if (t < best)
            best = t;
    }
    g_peak = best > 0 ? (double)iters * flops_per_iter / best : 0;
}

double ib_peak_flops_1t(void)
{
    pthread_once(&g_once, measure);
    return g_peak;
}

const char *ib_peak_probe_name(void)
{
    pthread_once(&g_once, measure);
    return g_name;
}
