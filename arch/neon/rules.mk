# arch/neon: AArch64 build settings and `make test-aarch64` (cross-built tests run in qemu).
#
#   make ARCH=aarch64      library, incbench (dynamic, needs libbenchmark-dev:arm64) and the
#                          test programs (static, so qemu-aarch64 runs them without -L)
#   make test-aarch64      from any host: cross-builds the test programs and runs them all
#                          through tests/run-all.sh (in qemu-aarch64), which sums them
#   NEON_TEST_ENV=...      environment for those runs, e.g. INCBENCH_TEST_REDUCED=1

NEON_TEST_ENV ?= INCBENCH_TEST_REDUCED=1

ifeq ($(ARCH),aarch64)
  FAMILIES += neon
  ISAS += neon
  FLAGS_neon :=
  # the cross toolchain, qemu-user and the arm64 Google Benchmark for incbench
  DEPS_EXTRA += cross
  # Test programs link statically (qemu-aarch64 then needs no -L), except those linking
  # Google Benchmark, which has no static archive (incbench, the regress tests): they run
  # in qemu through the arm64 libraries the cross group installs. Evaluated at link time,
  # when LIBS holds each program's own additions.
  NEON_BASE_LDFLAGS := $(LDFLAGS)
  $(BUILD)/tests/test_%: LDFLAGS = $(NEON_BASE_LDFLAGS) $(if $(filter -lbenchmark,$(LIBS)),,-static)
  # A target-specific value passes to prerequisites: incbench, a prerequisite of the driver
  # tests, would otherwise be linked -static (and fail: no static Google Benchmark) whenever
  # one of them is what makes it first.
  $(INCBENCH): LDFLAGS = $(NEON_BASE_LDFLAGS)
endif

# The cross build folder, passed to a sub-make with ARCH=aarch64. Its name always holds
# "aarch64", which is how tests/run-all.sh knows to run its programs in qemu-aarch64. (BUILD
# given on the command line stays as given: it overrides the Makefile's "-aarch64" suffix.)
NEON_XBUILD := $(if $(findstring aarch64,$(BUILD)),$(BUILD),$(BUILD)-aarch64)

.PHONY: test-aarch64 build-tests-aarch64 neon-test-bins neon-run-tests
build-tests-aarch64:
	$(Q)$(MAKE) --no-print-directory ARCH=aarch64 BUILD=$(NEON_XBUILD) neon-test-bins

test-aarch64:
	$(Q)./.ci/install-deps cross
	$(Q)$(MAKE) --no-print-directory ARCH=aarch64 BUILD=$(NEON_XBUILD) neon-run-tests

# Inside that sub-make: BUILD is the cross one. The programs that check kernels and the
# reference run under qemu, and the peak probes' (only a positive finite rate: emulation says
# nothing of the value); the timing checks of the regress tests do not mean anything there
# (emulation noise), and the driver tests run natively.
NEON_TESTS ?= test_core test_reference test_model test_layers test_numerics test_mutants test_peak \
  test_traits
neon-test-bins: $(filter $(NEON_TESTS:%=$(BUILD)/tests/%),$(TEST_BINS))

neon-run-tests: neon-test-bins
	$(Q)env $(NEON_TEST_ENV) RUN_ONLY_AARCH64="$(NEON_TESTS)" tests/run-all.sh $(BUILD)
