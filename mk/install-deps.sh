#!/bin/sh
# Installs the Debian/Ubuntu packages parbench needs, if any is missing:
# with apt-get as root, through sudo otherwise, and says what to install
# where neither works.  Usage: install-deps.sh PACKAGE...
# The Makefile passes DEPS_PACKAGES (make deps) or SLURM_PACKAGES (make
# deps-slurm: apt does not start their daemons here, the Slurm test does);
# tests/slurm/run.sh passes the Slurm packages alone when run on its own.
set -eu

# Elsewhere (a cluster's login node, another distribution) the libraries
# come from modules or another package manager: the build then uses what
# pkg-config and $MPICC find, and says what it lacks.
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "parbench: not a Debian/Ubuntu system: installing nothing; the build uses" \
		"what pkg-config finds (hwloc, criterion) and mpicc" >&2
	exit 0
fi

missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo -n"
else
	echo "parbench: missing packages:$missing; run as root, or give this user sudo," \
		"or run: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# apt's own log goes to a file: a line per step here, the log's end where
# a step fails.
log=$(mktemp "${TMPDIR:-/tmp}/parbench-apt.XXXXXX")
step() {
	what=$1
	shift
	echo "parbench: $what"
	if ! "$@" >"$log" 2>&1; then
		echo "parbench: $what failed; apt said:" >&2
		tail -n 15 "$log" >&2
		rm -f "$log"
		exit 1
	fi
}
# A stale package index makes installs fail with 404s: refresh it first.
step "updating the package index" $as_root apt-get update -q
# shellcheck disable=SC2086
step "installing$missing" $as_root apt-get install -y -q --no-install-recommends $missing
# shellcheck disable=SC2086
echo "parbench: installed $(echo $missing | wc -w) packages"
rm -f "$log"
