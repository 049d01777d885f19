#!/bin/sh
# Runs every test program of the given build folders and closes with one line
# "N passed, N failed" summing the closing lines of all of them.
# Usage: tests/run-all.sh BUILD_DIR... ; a program under BUILD_DIR-aarch64 runs in qemu-aarch64.
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for dir in "$@"; do
    for prog in "$dir"/tests/test_*; do
        case "$prog" in *.o | *.d) continue ;; esac
        [ -x "$prog" ] || continue
        runner=""
        case "$dir" in *aarch64*) runner="qemu-aarch64" ;; esac
        echo "== $prog"
        start=$(date +%s)
        $runner "$prog" >"$log" 2>&1
        rc=$?
        cat "$log"
        line=$(grep -E '^([A-Za-z_0-9-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | sed -E 's/^[A-Za-z_0-9-]+: //')
        if [ -z "$line" ]; then
            echo "FAILED $prog: exit status $rc and no closing 'N passed, N failed' line"
            failed=$((failed + 1))
            continue
        fi
        p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
        f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            echo "FAILED $prog: exit status $rc (a sanitizer report or a crash)"
            f=1
        fi
        passed=$((passed + p))
        failed=$((failed + f))
        echo "== $prog: $p passed, $f failed ($(($(date +%s) - start)) s)"
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
