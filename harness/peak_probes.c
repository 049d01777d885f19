/* FMA peak per ISA and STREAM-triad bandwidth, on one or all threads. The probe loops are the
 * ISA traits' (core/isa.h), in each arch/<isa>/ (the only places built with its flags). */
#include "harness/peak_probes.h"

#include <omp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/isa.h"
#include "core/layout.h"

/* Wall time, for the triad: one clock around a parallel region of several threads. */
static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU time of the calling thread: a probe timed on it is not lowered by a neighbour taking
 * the CPU away for a while (on a shared machine a wall-clock probe came out at a third of the
 * peak, and single-thread kernels, timed on CPU time, then showed 200% of it). */
static double thread_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile double g_sink;

/* Every one of threads threads runs probe(iters) at once and times its own run on its own CPU
 * time; the rate is the sum of the threads' rates. Per-thread clocks keep a thread that starts
 * late (or is descheduled by a neighbour) from being charged for the others' time, or for the
 * time it did not have the CPU. */
static double rate_parallel(double (*probe)(int64_t), int64_t iters, double flops_per_iter,
                            int threads, double *slowest)
{
    double rate = 0, sum = 0, worst = 0;
#pragma omp parallel num_threads(threads) reduction(+ : rate, sum) reduction(max : worst)
    {
        double t0 = thread_cpu_s();
        sum += probe(iters);
        double t = thread_cpu_s() - t0;
        rate += t > 0 ? (double)iters * flops_per_iter / t : 0;
        worst = t;
    }
    g_sink = sum;
    *slowest = worst;
    return rate;
}

/* Best of five runs of about 20 ms: the clock and the neighbours only ever slow it down. */
static double measure(double (*probe)(int64_t), double flops_per_iter, int threads)
{
    int64_t iters = 1 << 12;
    double t = 0, best = rate_parallel(probe, iters, flops_per_iter, threads, &t);
    while (t < 0.02 && iters < ((int64_t)1 << 40)) {
        iters *= 2;
        best = rate_parallel(probe, iters, flops_per_iter, threads, &t);
    }
    /* Best of many short runs: on a shared host a neighbour can take a whole CPU for a
     * tenth of a second, and a peak can only be underestimated, never exceeded. */
    for (int r = 0; r < 12; r++) {
        double v = rate_parallel(probe, iters, flops_per_iter, threads, &t);
        if (v > best)
            best = v;
    }
    return best;
}

enum { MAX_THREADS = 256 };
static double g_fma[IB_ISA_COUNT][MAX_THREADS + 1];
static double g_triad[MAX_THREADS + 1];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

double ib_peak_fma(ib_isa isa, int threads)
{
    if (threads < 1 || threads > MAX_THREADS || isa >= IB_ISA_COUNT)
        return 0;
    if (isa != IB_ISA_SCALAR && !ib_isa_usable(isa, NULL))
        return 0;
    pthread_mutex_lock(&g_lock);
    double v = g_fma[isa][threads];
    if (v == 0) {
        const ib_isa_traits *t = ib_isa_traits_of(isa);
        const double flops_per_iter = t ? 2.0 * t->fma_chains * t->vector_floats : 0;
        v = t && t->fma_probe ? measure(t->fma_probe, flops_per_iter, threads) : 0;
        g_fma[isa][threads] = v;
    }
    pthread_mutex_unlock(&g_lock);
    return v;
}

static char g_probe_names[IB_ISA_COUNT][32];
static pthread_once_t g_probe_names_once = PTHREAD_ONCE_INIT;

static void name_probes(void)
{
    for (int i = 0; i < IB_ISA_COUNT; i++)
        snprintf(g_probe_names[i], sizeof g_probe_names[i], "fma-%s", ib_isa_name((ib_isa)i));
}

const char *ib_peak_fma_probe_name(ib_isa isa)
{
    pthread_once(&g_probe_names_once, name_probes);
    return (unsigned)isa < IB_ISA_COUNT ? g_probe_names[isa] : "fma-unknown";
}

/* 3 arrays of 2^23 floats (96 MiB in all): beyond any L3 a 2-to-64-core machine has per
 * socket today, so the triad streams from memory. */
enum { TRIAD_N = 1 << 23 };

/* One thread's share of the triad, with the widest vectors usable here. */
static void triad_portable(float *a, const float *b, const float *c, float s, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        a[i] = b[i] + s * c[i];
}

/* With the vectors of the highest usable ISA that has a triad of its own. */
static void triad(float *a, const float *b, const float *c, float s, int64_t n)
{
    for (int i = ib_isa_count() - 1; i >= 0; i--) {
        const ib_isa_traits *t = ib_isa_at(i);
        if (t->triad && ib_isa_usable(t->isa, NULL)) {
            t->triad(a, b, c, s, n);
            return;
        }
    }
    triad_portable(a, b, c, s, n);
}

/* The triad over arrays of n floats, each timed pass repeating it often enough to last about
 * 5 ms (small arrays stay in cache, as the kernel they are compared with does); best of 5. */
static double measure_triad_n(int64_t n, int threads)
{
    float *a = ib_alloc((size_t)n * sizeof(float)), *b = ib_alloc((size_t)n * sizeof(float));
    float *c = ib_alloc((size_t)n * sizeof(float));
    double best = 0;
    int64_t reps = 1;
    if (a && b && c) {
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t i = 0; i < n; i++) /* first touch by the thread that uses it */
            a[i] = 0, b[i] = 1, c[i] = 2;
        int timed = 0;
        for (int guard = 0; timed < 6 && guard < 64; guard++) {
            const float s = 3.0f;
            double t0 = wall_s();
            for (int64_t k = 0; k < reps; k++) {
#pragma omp parallel num_threads(threads)
                {
                    /* each thread its contiguous share, as a static schedule would give */
                    int nt = omp_get_num_threads(), id = omp_get_thread_num();
                    int64_t lo = n * id / nt, hi = n * (id + 1) / nt;
                    triad(a + lo, b + lo, c + lo, s, hi - lo);
                }
            }
            double total = wall_s() - t0;
            if (total < 0.005 && reps < ((int64_t)1 << 30)) {
                reps *= 2; /* too short to time: grow, and do not count this pass */
                continue;
            }
            double t = total / (double)reps;
            if (timed > 0 && t > 0 && (best == 0 || t < best)) /* the first is the warm-up */
                best = t;
            timed++;
        }
        g_sink = a[n / 2];
    }
    ib_free(a);
    ib_free(b);
    ib_free(c);
    return best > 0 ? 3.0 * sizeof(float) * (double)n / best : 0;
}

static double measure_triad(int threads)
{
    return measure_triad_n(TRIAD_N, threads);
}

double ib_peak_triad_bytes(double bytes, int threads)
{
    int64_t n = (int64_t)(bytes / (3.0 * sizeof(float)));
    if (threads < 1 || threads > MAX_THREADS || !(bytes > 0))
        return 0;
    return measure_triad_n(n < 1024 ? 1024 : n, threads);
}

double ib_peak_triad(int threads)
{
    if (threads < 1 || threads > MAX_THREADS)
        return 0;
    pthread_mutex_lock(&g_lock);
    if (g_triad[threads] == 0)
        g_triad[threads] = measure_triad(threads);
    double v = g_triad[threads];
    pthread_mutex_unlock(&g_lock);
    return v;
}
