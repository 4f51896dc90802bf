#!/bin/sh
# mk/sweeps.sh COUNT LOG PARBENCH ARGS...: the same sweep COUNT times back
# to back (make bench-repro, make bench-coverage), each one's output in
# LOG-<i>.log; prints each run folder on stdout, one a line.  A sweep with
# failed cells (status 1) is said and counts; bad input, a stop, or a sweep
# that wrote no results ends it with that status.
set -u
count=$1 log=$2
shift 2
i=1
while [ "$i" -le "$count" ]; do
	echo "sweep $i of $count: $*" >&2
	"$@" >"$log-$i.log"
	status=$?
	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		echo "sweep $i ended with status $status (see $log-$i.log)" >&2
		exit "$status"
	fi
	run=$(sed -n 's|^Results: \(.*\)/$|\1|p' "$log-$i.log")
	if [ -z "$run" ]; then
		echo "sweep $i wrote no results (see $log-$i.log)" >&2
		exit 1
	fi
	[ "$status" -eq 0 ] || echo "sweep $i: some cells failed (status in $run/summary.csv)" >&2
	echo "$run"
	i=$((i + 1))
done
