/* When the kernels of the small layer types split a loop among OpenMP threads. Entering a
 * parallel region costs about 0.3 us on its own, even for a team of one thread (a false `if`
 * clause still enters one): the whole time of a ReLU over 768 channels, and 10-30% of one at
 * 8x8. A loop with little work, or with one thread to run on, runs without a region. */
#ifndef IB_CORE_PAR_H
#define IB_CORE_PAR_H

#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Elements (floats read or written) below which forking costs more than the work. */
enum { IB_PAR_MIN = 1 << 15 };

/* 1 when a loop of `items` iterations over `elems` elements is worth splitting. */
static inline int ib_par_worth(int64_t elems, int64_t items)
{
#ifdef _OPENMP
    return elems >= IB_PAR_MIN && items > 1 && omp_get_max_threads() > 1;
#else
    (void)elems;
    (void)items;
    return 0;
#endif
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

#endif
