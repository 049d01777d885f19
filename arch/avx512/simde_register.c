/* Registers the SIMDe-emulated build of these kernels as test-only implementations. */
#ifdef IB_AVX512_SIMDE
#include "arch/avx512/avx512_build.h"
#include "core/registry.h"

/* Only the emulated build (arch/avx512/rules.mk) compiles this; natively it is empty. */
#define IB_IMPL(sym) extern const ib_impl IB_AVX512_SYM(sym);
#include "arch/avx512/impls.inc"
#undef IB_IMPL

void ib_avx512_simde_register(void);

void ib_avx512_simde_register(void)
{
    static const ib_impl *const all[] = {
#define IB_IMPL(sym) &IB_AVX512_SYM(sym),
#include "arch/avx512/impls.inc"
#undef IB_IMPL
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        (void)ib_registry_add(all[i], NULL);
}
#endif
