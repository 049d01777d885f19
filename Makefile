# incbench: the portable core (core/, ops/, reference/, the driver's cli/ harness/ studies/
# report/ regress/, tests/) builds with no ISA flags;
# each arch/<isa>/ folder builds with its own flags and nothing else does.
#
#   make            library, the incbench driver and the tests (installs missing packages)
#   make test       every test, then again under ASan+UBSan; ends with "N passed, N failed"
#   make bench      the main job: incbench's default run on this CPU
#   make ARCH=aarch64   cross-build for AArch64 (NEON)

ARCH ?= $(shell uname -m)
BUILD ?= build
OPT ?= -O2
SAN ?=
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

ifeq ($(ARCH),aarch64)
  ifneq ($(shell uname -m),aarch64)
    CROSS ?= aarch64-linux-gnu-
  endif
  BUILD := $(BUILD)-aarch64
endif
CC := $(CROSS)gcc
CXX := $(CROSS)g++

WARN := -Wall -Wextra -Werror
CPPFLAGS := -I. -D_GNU_SOURCE
CFLAGS := -std=c11 $(OPT) -g $(WARN) -ffp-contract=off -fopenmp $(SAN) $(EXTRA_CFLAGS)
CXXFLAGS := -std=c++17 $(OPT) -g $(WARN) -ffp-contract=off $(SAN)
LDFLAGS := -fopenmp $(SAN) $(EXTRA_LDFLAGS)

PORT_SRC := $(wildcard core/*.c ops/*.c reference/*.c)
LIBS :=
# Each arch/<folder>/rules.mk adds itself when this build compiles it: to FAMILIES (a folder
# whose impls.inc the registry lists), to ISAS (one with ISA traits, arch/<isa>/isa.c), its
# flags as FLAGS_<folder> (only its own objects get them) and the libraries it links.
FAMILIES :=
ISAS :=

LIB := $(BUILD)/libincbench.a

BENCH_C := $(wildcard cli/*.c harness/*.c studies/*.c report/*.c regress/*.c)
BENCH_CXX := $(wildcard harness/*.cc)
BENCH_OBJ := $(BENCH_C:%.c=$(BUILD)/%.o) $(BENCH_CXX:%.cc=$(BUILD)/%.o)
BENCH_LIBS := -lbenchmark -lpthread

# tests/test_*.c are programs; the other tests/*.c are shared harness code linked into each.
TEST_MAINS := $(wildcard tests/test_*.c)
TEST_SUPPORT := $(filter-out $(TEST_MAINS),$(wildcard tests/*.c))
# The tests verify through the driver's own verifier, so both apply the same rules.
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o) $(BUILD)/harness/verify.o $(BUILD)/harness/cases.o \
  $(BUILD)/harness/shapes_parse.o
TEST_BINS := $(TEST_MAINS:tests/%.c=$(BUILD)/tests/%)

INCBENCH := $(BUILD)/incbench
TEST_EXTRA_OBJ :=
TEST_CPPFLAGS :=

# Each ISA folder may add its own rules (extra test objects, cross builds).
-include $(wildcard arch/*/rules.mk)
ISA_OBJ := $(foreach f,$(FAMILIES),$(patsubst %.c,$(BUILD)/%.o,$(wildcard arch/$(f)/*.c)))
ISA_DEFS := $(foreach f,$(FAMILIES),-DIB_HAVE_$(shell echo $(f) | tr a-z A-Z)=1)
LIB_OBJ := $(PORT_SRC:%.c=$(BUILD)/%.o) $(ISA_OBJ)
LIBS += -lm

# What this build compiles depends on what is installed (a family joins when its library's
# header is found). The settings are kept in $(BUILD)/config, rewritten when they change, and
# every object depends on it: a build made before `make deps` installed oneDNN is rebuilt with
# it, instead of keeping objects that do not know the family.
BUILD_CONFIG := $(BUILD)/config
BUILD_CONFIG_TEXT := $(CC) $(CFLAGS) $(CPPFLAGS); families $(FAMILIES); isas $(ISAS); \
  $(foreach f,$(FAMILIES),$(f): $(FLAGS_$(f));) tests: $(TEST_CPPFLAGS); libs $(LIBS)
ifneq ($(file <$(BUILD_CONFIG)),$(BUILD_CONFIG_TEXT))
  $(shell mkdir -p $(BUILD))
  $(file >$(BUILD_CONFIG),$(BUILD_CONFIG_TEXT))
endif

.PHONY: all deps test bench bench-conv bench-scaling regress static clean build-all
# Keep objects that pattern rules create on the way to test programs.
.SECONDARY:
.DEFAULT_GOAL := all

all: deps
	$(Q)$(MAKE) --no-print-directory build-all

build-all: $(LIB) $(INCBENCH) $(TEST_BINS)

deps:
	$(Q)./.ci/install-deps build $(DEPS_EXTRA)

$(BUILD)/core/registry.o: CPPFLAGS += $(ISA_DEFS)
$(BUILD)/core/isa.o: CPPFLAGS += '-DIB_ISA_LIST=$(foreach f,$(ISAS),IB_ISA_ENTRY($(f)))'
$(foreach f,$(FAMILIES),$(eval $(BUILD)/arch/$(f)/%.o: CFLAGS += $(FLAGS_$(f))))

$(BUILD)/%.o: %.c $(BUILD_CONFIG)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.cc $(BUILD_CONFIG)
	@mkdir -p $(dir $@)
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

$(INCBENCH): $(BENCH_OBJ) $(LIB)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(BENCH_OBJ) $(LIB) $(BENCH_LIBS) $(LIBS)

# Test programs may link extra objects that only tests have (e.g. AVX-512 kernels emulated
# through SIMDe, which arch/avx512/rules.mk adds to TEST_EXTRA_OBJ).
$(BUILD)/tests/%.o: CPPFLAGS += $(TEST_CPPFLAGS)
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_SUPPORT_OBJ) $(TEST_EXTRA_OBJ) $(LIB)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(TEST_EXTRA_OBJ) $(LIB) $(LIBS)

# make test: the native suite, the same suite under ASan+UBSan, the AArch64 build's tests in
# qemu (reduced shapes), short libFuzzer runs and valgrind on an end-to-end verify; the
# runner sums the "N passed, N failed" lines of every part into the closing line.
test: deps
	$(Q)./.ci/install-deps test
	$(Q)$(MAKE) --no-print-directory build-all
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  $(patsubst build/%,build-asan/%,$(TEST_BINS))
	$(Q)$(MAKE) --no-print-directory build-tests-aarch64
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)tests/run-all.sh build build-asan \
	  "+env $(NEON_TEST_ENV) RUN_ONLY_AARCH64='$(NEON_TESTS)' tests/run-all.sh build-aarch64" \
	  "+$(MAKE) --no-print-directory fuzz-smoke" "+tests/valgrind_verify.sh build"

bench: all
	$(Q)./.ci/install-deps bench
	$(Q)$(INCBENCH) all $(BENCH_FLAGS)

# One bench run of the conv layers: this ISA's kernels and oneDNN held to the same ISA, $(1)
# threads, $(2) repetitions interleaved at random, written to $(3). What it prints goes to
# $(3).log; the terminal gets a line per run, incbench's warnings, and the log if it fails.
conv_run = echo "run $$r: $(1) thread(s), $(2) repetitions -> $(3)"; \
  INCBENCH_ISA=$(ISA) OMP_NUM_THREADS=$(1) $(INCBENCH) bench --threads $(1) \
  --impl $(ISA),onednn --benchmark_filter='^conv/' --benchmark_repetitions=$(2) \
  --benchmark_enable_random_interleaving=true --benchmark_min_time=0.05 \
  --benchmark_out=$(3) --benchmark_out_format=json >$(3).log 2>&1 || { cat $(3).log; exit 1; }; \
  grep '^incbench.*WARNING' $(3).log || true

# make bench-conv ISA=avx2: our kernels of one ISA against oneDNN held to the same ISA, one
# thread, in BENCH_CONV_RUNS separate runs of 5 repetitions each (interleaved at random), then
# the ratio summary over the runs as rounds (geomean, worst, the network's sum over its 94
# convolutions). Runs, not the repetitions of one run, are the independent units: a burst of
# load lasts several repetitions of one run.
ISA ?= avx2
BENCH_CONV_RUNS ?= 6
conv_json = $(BUILD)/conv-$(ISA)-run$(1).json
bench-conv: all
	$(Q)rm -f $(call conv_json,*)*
	$(Q)for r in $$(seq $(BENCH_CONV_RUNS)); do \
	  $(call conv_run,1,5,$(call conv_json,$$r)); done
	$(Q)$(INCBENCH) compare $(foreach r,$(shell seq $(BENCH_CONV_RUNS)),$(call conv_json,$(r))) \
	  --impl $(ISA)

# make bench-scaling ISA=avx512 THREADS=2: the same layers at 1 and THREADS threads, in
# BENCH_CONV_RUNS runs of each count, alternating (1, THREADS, 1, ...) so that a slow spell of
# the machine reaches both, 3 repetitions per run; then, for ours and for oneDNN, each layer's
# wall time at THREADS over its time at 1 and the speed-up over the layers.
THREADS ?= 2
scaling_json = $(BUILD)/scaling-$(ISA)-t$(1)-run$(2).json
SCALING_RUNS = $(foreach r,$(shell seq $(BENCH_CONV_RUNS)),$(foreach t,1 $(THREADS),\
  $(call scaling_json,$(t),$(r))))
bench-scaling: all
	$(Q)rm -f $(call scaling_json,*,*)*
	$(Q)for r in $$(seq $(BENCH_CONV_RUNS)); do for t in 1 $(THREADS); do \
	  $(call conv_run,$$t,3,$(call scaling_json,$$t,$$r)); done; done
	$(Q)$(INCBENCH) compare $(SCALING_RUNS) --impl $(ISA)
	$(Q)echo
	$(Q)$(INCBENCH) compare $(SCALING_RUNS) --impl onednn

# incbench regress: this build against this CPU's baseline (REGRESS_FLAGS=--record makes one).
regress: all
	$(Q)$(INCBENCH) regress $(REGRESS_FLAGS)

# The regress tests link the driver's regress code and Google Benchmark; baselines record the
# flags the binary was built with.
REGRESS_TESTS := $(BUILD)/tests/test_regress $(BUILD)/tests/test_regress_ab
REGRESS_OBJ := $(patsubst %,$(BUILD)/%.o,regress/regress regress/regress_io regress/regress_power harness/build_info \
  regress/regress_procs regress/regress_speed report/json harness/stats harness/gbench_shim)
$(REGRESS_TESTS): $(REGRESS_OBJ)
$(REGRESS_TESTS): TEST_EXTRA_OBJ += $(REGRESS_OBJ)
$(REGRESS_TESTS): LIBS += $(BENCH_LIBS)
$(BUILD)/harness/build_info.o: CPPFLAGS += -DIB_BUILD_FLAGS='"$(CFLAGS)"'
# machine.csv records the build: flags, Google Benchmark's version, the peers' versions.
$(BUILD)/harness/run_info.o: CPPFLAGS += $(ISA_DEFS) \
  -DIB_GBENCH_VERSION='"$(shell pkg-config --modversion benchmark 2>/dev/null)"'

# The statistics test links the driver's statistics and factorization arithmetic.
STATS_OBJ := $(patsubst %,$(BUILD)/%.o,harness/stats harness/ratio_boot studies/factor studies/factor_verdict)
$(BUILD)/tests/test_stats: $(STATS_OBJ)
$(BUILD)/tests/test_stats: TEST_EXTRA_OBJ += $(STATS_OBJ)

# The peak test links the driver's probes (their loops are in arch/, in the library).
$(BUILD)/tests/test_peak: $(BUILD)/harness/peak_probes.o
$(BUILD)/tests/test_peak: TEST_EXTRA_OBJ += $(BUILD)/harness/peak_probes.o

# The bench JSON test links Google Benchmark through the shim (the pct_peak warning), the
# JSON reader, the results writer and the ratio statistics, and runs the built incbench.
BENCH_JSON_OBJ := $(patsubst %,$(BUILD)/%.o,report/json report/results harness/stats harness/ratio_boot harness/gbench_shim)
$(BUILD)/tests/test_bench_json: $(BENCH_JSON_OBJ) | $(INCBENCH)
$(BUILD)/tests/test_bench_json: TEST_EXTRA_OBJ += $(BENCH_JSON_OBJ)
$(BUILD)/tests/test_bench_json: LIBS += $(BENCH_LIBS)

# make static: x86-64 programs to copy to another machine (e.g. one with AVX-512) and run
# there. The test programs link fully statically, without the oneDNN peer (Debian ships no
# static libdnnl). incbench needs Google Benchmark, which Debian ships only as a shared
# library: build-static/bundle/ holds incbench with every shared library it loads, the
# dynamic loader included, and a launcher (bundle/incbench) that runs it on any x86-64 Linux.
STATIC_TESTS := test_core test_reference test_model test_layers
static: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-static NO_ONEDNN=1 EXTRA_LDFLAGS=-static \
	  $(STATIC_TESTS:%=build-static/tests/%)
	$(Q)$(MAKE) --no-print-directory build/incbench
	$(Q)tools/bundle.sh build/incbench build-static/bundle

# The driver test links the descriptor parser and results code, and runs the built incbench.
DRIVER_OBJ := $(patsubst %,$(BUILD)/%.o,report/results harness/stats)
$(BUILD)/tests/test_driver: $(DRIVER_OBJ) $(INCBENCH)
$(BUILD)/tests/test_driver: TEST_EXTRA_OBJ += $(DRIVER_OBJ)

# The net best test links the driver (all but its main): the choice measures reorders with
# the driver's timer.
NET_BEST_OBJ := $(filter-out $(BUILD)/cli/incbench.o $(TEST_SUPPORT_OBJ),$(BENCH_OBJ))
$(BUILD)/tests/test_net_best: $(NET_BEST_OBJ)
$(BUILD)/tests/test_net_best: TEST_EXTRA_OBJ += $(NET_BEST_OBJ)
$(BUILD)/tests/test_net_best: LIBS += $(BENCH_LIBS)

# The report test links the report's CSV reader and number formatting, and runs the built
# incbench (report) and headless Chromium on a committed quick run (tests/data/report-run).
REPORT_OBJ := $(patsubst %,$(BUILD)/%.o,report/report_csv report/report_fmt report/csv)
$(BUILD)/tests/test_report: $(REPORT_OBJ) $(INCBENCH)
$(BUILD)/tests/test_report: TEST_EXTRA_OBJ += $(REPORT_OBJ)

clean:
	rm -rf build build-asan build-aarch64 build-static build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- Fuzzing: libFuzzer targets (clang, ASan + UBSan) for descriptor validation with the
# reference run on accepted descriptors, the command line's parsers (descriptors, shapes files,
# strict numbers) and the JSON reader of baselines. Seed corpora: tests/fuzz/corpus/<target>/.
#   make fuzz         each target FUZZ_TIME seconds (default 60)
#   make fuzz-smoke   each target FUZZ_SMOKE_TIME seconds (default 20), as make test runs it
# Each prints its executions and closes with "N passed, N failed"; a failing input is saved
# as build-fuzz/crash-* (replay: build-fuzz/<target> build-fuzz/crash-...).
FUZZ_CC ?= clang
FUZZ_BUILD := build-fuzz
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 20
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -O1 -g $(WARN) -ffp-contract=off $(CPPFLAGS) $(FUZZ_SAN)
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(PORT_SRC) harness/shapes_parse.c cli/cli.c \
  report/json.c harness/cases.c)

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_TIME) $(FUZZ_TARGETS)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lm

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

# The bad-inputs table calls the driver's parsers and results folders, and runs the incbench
# binary of the same build (so the ASan build's commands run under the sanitizers too).
BAD_INPUTS_OBJ := $(patsubst %,$(BUILD)/%.o,cli/cli report/json report/results harness/stats)
$(BUILD)/tests/test_bad_inputs: $(BAD_INPUTS_OBJ) | $(INCBENCH)
$(BUILD)/tests/test_bad_inputs: TEST_EXTRA_OBJ += $(BAD_INPUTS_OBJ)
# ---- end of fuzzing and bad inputs

# make mca: llvm-mca's estimate (cycles per iteration, FMA utilisation) of every conv
# micro-kernel's inner loop on cores we don't have (Skylake-X, Ice Lake-SP, Sapphire Rapids,
# Neoverse N1/V1, Apple M1). Compiles to a temp dir with -DIB_MCA_MARKERS -S, builds nothing
# into $(BUILD). llvm-mca comes with Debian's llvm-14. MCA_FLAGS=--tiles=all for every tile.
.PHONY: mca
mca:
	$(Q)/usr/bin/python3 tools/mca.py $(MCA_FLAGS)
