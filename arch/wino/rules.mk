# arch/wino: the Winograd family, one source (wino.c) built once per ISA of the target with
# that ISA's flags and vector header (vec_<isa>.h): AVX2 and AVX-512 on x86-64 (AVX-512 also
# through SIMDe for the tests, as arch/avx512 is), NEON on AArch64.
WINO_ISAS := $(if $(filter x86_64,$(ARCH)),avx2 avx512,$(if $(filter aarch64,$(ARCH)),neon))
WINO_OBJ := $(WINO_ISAS:%=$(BUILD)/arch/wino/wino_%.o)

ifneq ($(WINO_OBJ),)
$(LIB): $(WINO_OBJ)
$(BUILD)/core/registry.o: CPPFLAGS += -DIB_HAVE_WINO=1

$(BUILD)/arch/wino/wino_%.o: arch/wino/wino.c arch/wino/vec_%.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(FLAGS_$*) -DWINO_VEC='"arch/wino/vec_$*.h"' -MMD -MP \
	  -c $< -o $@
endif

# The AVX-512 build under SIMDe's emulation, with arch/avx512's emulation flags; the test
# programs register it as "wino_avx512_simde" (tests/extras.c).
ifneq ($(AVX512_SIMDE_OBJ),)
WINO_SIMDE_OBJ := $(BUILD)/arch/wino/wino_avx512_simde.o
$(WINO_SIMDE_OBJ): arch/wino/wino.c arch/wino/vec_avx512.h
	@mkdir -p $(dir $@)
	$(Q)$(AVX512_SIMDE_CC) $(CPPFLAGS) $(AVX512_SIMDE_CFLAGS) \
	  -DWINO_VEC='"arch/wino/vec_avx512.h"' -MMD -MP -c $< -o $@
TEST_EXTRA_OBJ += $(WINO_SIMDE_OBJ)
TEST_CPPFLAGS += -DIB_TEST_WINO_SIMDE
endif

# The bound's test also runs in qemu on the AArch64 build (arch/neon/rules.mk runs NEON_TESTS).
NEON_TESTS += test_winograd
neon-test-bins: $(filter $(BUILD)/tests/test_winograd,$(TEST_BINS))
