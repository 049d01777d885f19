/* When the kernels split their work among OpenMP threads. Entering a parallel region costs
 * 0.2-0.3 us on its own, even for a team of one thread (a false `if` clause still enters one):
 * the whole time of a ReLU over 768 channels, and 10-30% of one at 8x8. A loop with little work,
 * or with one thread to run on, runs without a region; so do the convolutions on one thread, as
 * oneDNN's parallel() calls its body directly for one thread. */
#ifndef IB_CORE_PAR_H
#define IB_CORE_PAR_H

#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Elements (floats read or written) below which forking costs more than the work. */
enum { IB_PAR_MIN = 1 << 15 };

/* 1 when a parallel region entered here would have more than one thread. */
static inline int ib_par_multi(void)
{
#ifdef _OPENMP
    return omp_get_max_threads() > 1;
#else
    return 0;
#endif
}

/* The calling thread's index in its team, and the team's size (0 and 1 outside a region, or
 * without OpenMP). */
static inline int64_t ib_par_thread(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

static inline int64_t ib_par_team(void)
{
#ifdef _OPENMP
    return omp_get_num_threads();
#else
    return 1;
#endif
}

/* 1 when a loop of `items` iterations over `elems` elements is worth splitting. */
static inline int ib_par_worth(int64_t elems, int64_t items)
{
    return elems >= IB_PAR_MIN && items > 1 && ib_par_multi();
}

/* IB_PAR_FOR(worth, "omp parallel for ...", for-statement): the loop under that pragma when
 * worth, else the same loop on the calling thread. */
#define IB_PAR_FOR(worth, pragma, ...)                                                             \
    do {                                                                                           \
        if (worth) {                                                                               \
            _Pragma(pragma) __VA_ARGS__                                                            \
        } else {                                                                                   \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    } while (0)

/* IB_PAR_TEAM(k, nt, statement): the statement once per thread of a parallel region, with k the
 * thread's index and nt the team's size; with one thread to run on, once on the calling thread
 * (k 0, nt 1) without entering a region. */
#define IB_PAR_TEAM(k, nt, ...)                                                                    \
    do {                                                                                           \
        if (!ib_par_multi()) {                                                                     \
            const int64_t k = 0, nt = 1;                                                           \
            __VA_ARGS__                                                                            \
        } else {                                                                                   \
            _Pragma("omp parallel")                                                                \
            {                                                                                      \
                const int64_t k = ib_par_thread(), nt = ib_par_team();                             \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)

#endif
