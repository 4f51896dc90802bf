#!/bin/sh
# make test's parts (Makefile targets), one after another, each timed: a
# part that fails does not hide the ones after it.  At the end, how long
# each part took and its outcome, then one closing line that adds up the
# tests of every part (Criterion's Synthesis lines and the shell suites'
# "N passed, M failed").  Exit status 1 if any part failed.
#   sh mk/run-tests.sh TARGET...
set -u
make=${MAKE:-make}
log=$(mktemp)
trap 'rm -f "$log" "$log.rc"' EXIT
summary=""
failed_parts=0
passed=0
failed=0
for part in "$@"; do
	start=$(date +%s)
	{ $make --no-print-directory "$part"; echo $? >"$log.rc"; } 2>&1 | tee "$log"
	rc=$(cat "$log.rc")
	took=$(($(date +%s) - start))
	# Criterion counts crashes apart from failures; both are failures here.
	counts=$(awk '
		/Synthesis: Tested:/ { for (i = 1; i <= NF; i++) {
			if ($i == "Passing:") p += $(i + 1)
			if ($i == "Failing:" || $i == "Crashing:") f += $(i + 1) } }
		/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
		END { printf "%d %d", p, f }' "$log")
	p=${counts% *}
	f=${counts#* }
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -eq 0 ]; then
		outcome="passed"
	else
		outcome="FAILED (exit $rc)"
		failed_parts=$((failed_parts + 1))
	fi
	summary="$summary$(printf '  %-15s %-18s %4d s  %d passed, %d failed' "$part" "$outcome" \
		"$took" "$p" "$f")
"
done
echo
echo "make test, part by part:"
printf '%s' "$summary"
# A part that failed without a failed test (a build error) still fails.
[ "$failed_parts" -gt 0 ] && [ "$failed" -eq 0 ] && failed=$failed_parts
echo "tests: $passed passed, $failed failed"
[ "$failed_parts" -eq 0 ]
