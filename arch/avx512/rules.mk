# arch/avx512: AVX-512 F/BW/VL/DQ kernels and ISA traits (x86-64).
ifeq ($(ARCH),x86_64)
  FAMILIES += avx512
  ISAS += avx512
  FLAGS_avx512 := -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma
endif

# arch/avx512: the same kernel sources built a second time against SIMDe's emulation of
# AVX-512 (objects in $(BUILD)/arch/avx512_simde/, symbols suffixed _simde), linked into the
# test programs as the test-only implementation "avx512_simde", which runs on AVX2 machines.
ifeq ($(ARCH),x86_64)
ifneq ($(wildcard /usr/include/simde/x86/avx512.h),)

AVX512_SIMDE_OBJ := $(patsubst arch/avx512/%.c,$(BUILD)/arch/avx512_simde/%.o,$(wildcard arch/avx512/*.c))

# clang runs the emulation 3-10x faster than gcc. It builds without -fopenmp, so the objects
# need no OpenMP runtime (the pragmas are ignored: the emulated kernels run on one thread).
# Sanitized builds use $(CC) with the same $(SAN), so the objects share the link's runtime.
AVX512_SIMDE_CLANG := $(shell command -v clang 2>/dev/null)
ifeq ($(SAN)$(AVX512_SIMDE_CLANG),$(AVX512_SIMDE_CLANG))
  AVX512_SIMDE_CC := $(AVX512_SIMDE_CLANG)
  AVX512_SIMDE_CFLAGS := -std=c11 $(OPT) -g $(WARN) -ffp-contract=off -Wno-unknown-pragmas
else
  AVX512_SIMDE_CC := $(CC)
  AVX512_SIMDE_CFLAGS := $(CFLAGS)
endif
# -mfma so that fmadd is one rounding, as in hardware; -Wno-psabi: 512-bit vectors passed
# between inlined helpers without AVX-512 enabled.
AVX512_SIMDE_CFLAGS += -mavx2 -mfma -Wno-psabi -DIB_AVX512_SIMDE

$(BUILD)/arch/avx512_simde/%.o: arch/avx512/%.c
	@mkdir -p $(dir $@)
	$(Q)$(AVX512_SIMDE_CC) $(CPPFLAGS) $(AVX512_SIMDE_CFLAGS) -MMD -MP -c $< -o $@

TEST_EXTRA_OBJ += $(AVX512_SIMDE_OBJ)
TEST_CPPFLAGS += -DIB_TEST_AVX512_SIMDE

endif
endif
