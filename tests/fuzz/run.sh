#!/bin/sh
# Runs the libFuzzer targets side by side, each for a bounded time from its committed seed
# corpus, and prints each one's executions; closes with "N passed, N failed" (a target passes
# when it found no crash, leak, timeout or sanitizer report).
# Usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS TARGET...
# New inputs go to FUZZ_BUILD_DIR/corpus/TARGET/; a failing input to FUZZ_BUILD_DIR/crash-*.
dir=$1
secs=$2
shift 2
for t in "$@"; do
    mkdir -p "$dir/corpus/$t"
    ( "$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
          -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus/$t" "tests/fuzz/corpus/$t" \
          >"$dir/$t.log" 2>&1
      echo $? >"$dir/$t.rc" ) &
done
wait
passed=0
failed=0
for t in "$@"; do
    rc=$(cat "$dir/$t.rc" 2>/dev/null || echo 1)
    log="$dir/$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    units=$(ls "$dir/corpus/$t" | wc -l)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $t: ${execs:-?} executions in $secs s, $units corpus inputs, no crash"
        passed=$((passed + 1))
    else
        echo "FAILED fuzz $t: exit status $rc after ${execs:-?} executions; the report:"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written|round trip|differs|#[0-9] ' \
            "$log" | head -n 20
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
