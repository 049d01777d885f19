#!/bin/sh
# Runs every test of make test and closes with one line "N passed, N failed" summing the
# closing lines of all of them.
# Usage: tests/run-all.sh ARG...
#   ARG = a build folder: every program BUILD/tests/test_* (in qemu-aarch64 when the folder
#         name holds "aarch64"; RUN_ONLY_AARCH64="test_a test_b" restricts those)
#   ARG = +COMMAND: a command whose output ends with its own "N passed, N failed" line
passed=0
failed=0
failed_parts="" # named again at the end: a log read from its tail still says which part failed
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run NAME COMMAND...: runs it, prints its output, adds its closing line to the totals
run() {
    name=$1
    shift
    echo "== $name"
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    line=$(grep -E '^([A-Za-z_0-9-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 |
        sed -E 's/^[A-Za-z_0-9-]+: //')
    if [ -z "$line" ]; then
        echo "FAILED $name: exit status $rc and no closing 'N passed, N failed' line"
        failed=$((failed + 1))
        failed_parts="$failed_parts
  $name (no closing line, exit status $rc)"
        return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAILED $name: exit status $rc (a sanitizer report or a crash)"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failed_parts="$failed_parts
  $name: $f failed ($(grep -E '^(FAIL|FAILED)' "$log" | head -n 3 | tr '\n' ' '))"
    fi
    echo "== $name: $p passed, $f failed ($(($(date +%s) - start)) s)"
}

for arg in "$@"; do
    case "$arg" in
    +*)
        run "${arg#+}" sh -c "${arg#+}"
        continue
        ;;
    esac
    for prog in "$arg"/tests/test_*; do
        case "$prog" in *.o | *.d) continue ;; esac
        [ -x "$prog" ] || continue
        case "$arg" in
        *aarch64*)
            if [ -n "${RUN_ONLY_AARCH64:-}" ]; then
                case " $RUN_ONLY_AARCH64 " in *" $(basename "$prog") "*) ;; *) continue ;; esac
            fi
            run "$prog" qemu-aarch64 "$prog"
            ;;
        *) run "$prog" "$prog" ;;
        esac
    done
done
if [ -n "$failed_parts" ]; then
    echo "failed parts:$failed_parts"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
