# The shell tests' common part, sourced by tests/slurm/run.sh and
# tests/cluster/run.sh after they set `suite` (a name for their messages):
# where parbench is, a clean environment (no Slurm job of the caller's, no
# MPI launcher settings), check() and skip().
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARBENCH_BIN:-build/parbench}
case "$bin" in
/*) ;;
*) bin="$root/$bin" ;;
esac
export PARBENCH_DATADIR="${PARBENCH_DATADIR:-$root/plots}"
PATH="$PATH:/usr/sbin:/sbin"
# A test run inside someone's Slurm job must not talk to their cluster.
for var in $(env | sed -n 's/^\(SLURM_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$var"
done

passed=0
failed=0
check() { # check DESCRIPTION CONDITION (a shell condition, evaluated)
	if eval "$2"; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
	fi
}

# Says why the suite cannot run and ends it: a skip, or under CI=true a
# failure.
skip() {
	if [ "${CI:-}" = true ]; then
		echo "$suite tests cannot run: $1 (CI=true: this is a failure)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "$suite tests skipped: $1"
	echo "0 passed, 0 failed"
	exit 0
}

# Slurm's and munge's commands, installed from Debian's packages where one
# is missing (the caller is root), or a skip saying why not.
need_slurm() {
	local missing="" cmd
	for cmd in munged mungekey slurmctld slurmd sbatch squeue sinfo scancel; do
		command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
	done
	[ -z "$missing" ] && return 0
	echo "$suite tests: installing Slurm and munge (missing:$missing)"
	sh "$root/mk/install-deps.sh" slurm-wlm slurmctld slurmd slurm-client munge ||
		skip "Slurm could not be installed (see above)"
}
