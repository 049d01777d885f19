/* Registers the implementations that exist only in test builds. */
#include "tests/extras.h"

#include <pthread.h>

#include "core/registry.h"
#include "tests/planted_slowdown.h"

#ifdef IB_TEST_AVX512_SIMDE
/* arch/avx512 built against SIMDe's emulation (arch/avx512/rules.mk). */
void ib_avx512_simde_register(void);
#endif

#ifdef IB_TEST_WINO_SIMDE
/* arch/wino's AVX-512 build emulated through SIMDe (arch/wino/rules.mk). */
extern const ib_impl ib_wino_conv_impl_avx512_simde;
#endif

static void register_all(void)
{
    ib_planted_register(); /* incbench regress's A/B check */
#ifdef IB_TEST_AVX512_SIMDE
    ib_avx512_simde_register();
#endif
#ifdef IB_TEST_WINO_SIMDE
    (void)ib_registry_add(&ib_wino_conv_impl_avx512_simde, NULL);
#endif
}

void ib_test_register_extras(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_all);
}
