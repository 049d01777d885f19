#!/bin/sh
# valgrind memcheck over end-to-end incbench verify runs of a few layers: the reference, the
# registry's instances and the AVX2 kernels on Inception shapes and on channel tails. Any
# invalid read or write, use of uninitialised memory, or definite/indirect leak fails.
# valgrind cannot run AVX-512 code, so the ISA is capped at AVX2 (valgrind hides AVX-512 from
# CPUID anyway). Closes with "N passed, N failed".
# Usage: tests/valgrind_verify.sh [BUILD_DIR]   (default build)
build=${1:-build}
bin="$build/incbench"
passed=0
failed=0
if ! command -v valgrind >/dev/null 2>&1 || [ ! -x "$bin" ]; then
    echo "FAILED valgrind_verify: valgrind or $bin missing"
    echo "0 passed, 1 failed"
    exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
check() {
    what=$1
    shift
    start=$(date +%s)
    INCBENCH_ISA=avx2 OMP_NUM_THREADS=1 valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$bin" verify --quiet "$@" >"$log" 2>&1
    rc=$?
    summary=$(grep -E '^verify: ' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "valgrind incbench verify $what: clean ($summary; $(($(date +%s) - start)) s)"
        passed=$((passed + 1))
    else
        echo "FAILED valgrind incbench verify $what: exit status $rc"
        grep -E '^==[0-9]+==|FAILED' "$log" | head -n 40
        failed=$((failed + 1))
    fi
}
check "--layer 'Mixed_5b.*_pool' --impl ref,avx2" --layer 'Mixed_5b.*_pool' --impl ref,avx2
check "(channel tails, odd grids) --impl ref,avx2" --impl ref,avx2 \
    --shape ic13ih9iw11oc17kh3ph1_bias_bn_relu --shape ic3ih17oc20kh3sh2 \
    --shape ic24ih7oc40kh1kw7pw3_bn_relu --shape maxpool:ic13ih9kh3sh2 \
    --shape avgpool:ic19ih7kh3ph1_excl --shape avgpool:ic21ih8kh3sh2ph1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
