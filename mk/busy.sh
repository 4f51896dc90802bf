#!/bin/sh
# mk/busy.sh LOG PARBENCH ARGS...: the same sweep twice on the machine as
# it is, then once beside a background load (make bench-busy); prints the
# three run folders on stdout, one a line.  The load stands for an
# ordinary process that takes one CPU part of the time, as an editor's
# indexer or a compile would: it spins for 0.2 s, then sleeps 0.3 s.  It
# runs in a process group of its own, stopped by its PID however this
# script ends.
set -u
log=$1
shift
sh mk/sweeps.sh 2 "$log-quiet" "$@" || exit $?
setsid sh -c 'while :; do timeout 0.2 sh -c "while :; do :; done"; sleep 0.3; done' \
	>/dev/null 2>&1 &
load=$!
trap 'kill -- -"$load" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
echo "beside a background load (process group $load, about 40% of one CPU)" >&2
sh mk/sweeps.sh 1 "$log-busy" "$@"
