/* Parallel first touch of a freshly allocated buffer, so its pages land where the threads that
 * use it run. */
#include "core/layout.h"

#include <stdint.h>

/* The pages of a buffer are placed (NUMA node, and the first page fault's cost) by the thread
 * that first writes them. Our kernels split their work with OpenMP static schedules over
 * contiguous ranges, as oneDNN's reorders and the triad's first touch do, so zeros written by
 * a parallel loop of the same static schedule put each thread's share where it runs; one
 * thread filling the whole buffer would put every page on its own node and make our kernels,
 * not the peers', pay for that in a multi-socket run. Floats (4 bytes) are the unit, as the
 * kernels' loops; a tail of up to 3 bytes is written by the calling thread. */
void ib_first_touch(void *p, size_t bytes)
{
    if (!p || bytes == 0)
        return;
    float *f = p;
    const int64_t n = (int64_t)(bytes / sizeof(float));
    /* below a few pages, the fork of a parallel region costs more than placement gains */
#pragma omp parallel for schedule(static) if (n >= 16384)
    for (int64_t i = 0; i < n; i++)
        f[i] = 0.0f;
    unsigned char *tail = (unsigned char *)p + (size_t)n * sizeof(float);
    for (size_t k = (size_t)n * sizeof(float); k < bytes; k++)
        *tail++ = 0;
}
