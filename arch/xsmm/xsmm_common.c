/* libxsmm family: one-time target choice and the per-channel epilogue shared by its kernels. */
#include <libxsmm.h>
#include <pthread.h>

#include "arch/xsmm/xsmm.h"
#include "core/cpu.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
    libxsmm_init();
    /* Follow the project's ISA cap: INCBENCH_ISA=avx2 makes libxsmm generate AVX2 code. */
    if (ib_cpu_get()->cap < IB_ISA_AVX512 && libxsmm_get_target_archid() >= LIBXSMM_X86_AVX512)
        libxsmm_set_target_archid(LIBXSMM_X86_AVX2);
}

void ib_xsmm_init(void)
{
    pthread_once(&once, init);
}

const char *ib_xsmm_target(void)
{
    pthread_once(&once, init);
    return libxsmm_get_target_arch();
}

/* One body per block width and epilogue combination, so the compiler sees constants and
 * vectorises straight-line code; target("avx2") because this folder builds without ISA flags
 * and the family needs AVX2 anyway. */
__attribute__((target("avx2"), always_inline)) static inline void
epilogue(float *y, int64_t npix, const int V, const float *bias, const int fb, const int fr)
{
    for (int64_t p = 0; p < npix; p++, y += V)
        for (int v = 0; v < V; v++) {
            float a = y[v];
            if (fb)
                a += bias[v];
            if (fr && a < 0.0f)
                a = 0.0f;
            y[v] = a;
        }
}

#define XSMM_EPI_CASE(VV, fb, fr)                                                                  \
    case (VV)*4 + (fb)*2 + (fr):                                                                   \
        epilogue(y, npix, VV, bias, fb, fr);                                                       \
        break;
#define XSMM_EPI_CASES(VV) XSMM_EPI_CASE(VV, 0, 1) XSMM_EPI_CASE(VV, 1, 0) XSMM_EPI_CASE(VV, 1, 1)

__attribute__((target("avx2"))) void ib_xsmm_epilogue(float *y, int64_t npix, int V,
                                                      const float *bias, int relu)
{
    const int fb = bias != NULL, fr = relu != 0;
    switch (V * 4 + fb * 2 + fr) {
        XSMM_EPI_CASES(IB_XSMM_V)
    default: /* nothing to do, or another block width */
        if (fb || fr)
            epilogue(y, npix, V, bias, fb, fr);
        break;
    }
}
