#!/bin/bash
# Conditions are passed to check() in single quotes, evaluated there.
# shellcheck disable=SC2016,SC2034
# parbench under a real Slurm: brings up a one-node cluster on this machine
# (munged, slurmctld, slurmd from Debian's packages, configuration in a
# temporary folder, daemons started and stopped by their PID, no systemd),
# submits bench/slurm/parbench.sbatch with sbatch --wait and checks what
# the jobs wrote: a job, a job array merged into one run, and a job stopped
# by SIGTERM then finished by a resuming job.  Cleans up on any exit.
#
#   tests/slurm/run.sh            (make test-slurm)
#
# Needs root (slurmd and munged run as root here).  Where Slurm cannot be
# had it says why and skips, except under CI=true, where that fails.
# Ends with a line "N passed, M failed"; exit status 1 on any failure.
set -eu

suite=slurm
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/../harness.sh"

[ -x "$bin" ] || skip "no parbench binary at $bin (run make first)"
[ "$(id -u)" -eq 0 ] || skip "they need root (slurmd and munged run as root)"
need_slurm

tmp=$(mktemp -d)
# munged's socket folder must be reachable by everyone.
chmod 755 "$tmp"
work="$tmp/work"
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$work"
pids=""

cleanup() {
	local status=$?
	if [ -n "${SLURM_CONF:-}" ] && [ -n "$pids" ]; then
		scancel --quiet --user=root 2>/dev/null || true
		for _ in $(seq 50); do
			[ -z "$(squeue -h 2>/dev/null)" ] && break
			sleep 0.1
		done
	fi
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $pids; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "$status" -ne 0 ] && [ -f "$tmp/slurmctld.log" ]; then
		echo "--- last lines of the daemons' logs and the jobs' output"
		tail -n 5 "$tmp/slurmctld.log" "$tmp/slurmd.log" "$tmp/munged.log" \
			"$work"/job-*.out 2>/dev/null || true
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Two ports nobody listens on (other test runs may hold the default ones),
# below the kernel's ephemeral range: a port there may be the local end of
# some connection, which no probe sees but which makes bind() fail.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 21024 ] 2>/dev/null || ephemeral_low=32768
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % (ephemeral_low - 20000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
}
ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do
	slurmd_port=$(free_port)
done
node=$(uname -n)
node=${node%%.*}
cpus=$(nproc)

mungekey --create --keyfile="$tmp/munge/munge.key"
munged --foreground --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/socket" \
	--pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/seed" \
	--log-file="$tmp/munged.log" >"$tmp/munged.out" 2>&1 &
pids="$!"

cat >"$tmp/slurm.conf" <<EOF
ClusterName=parbench-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
EnforcePartLimits=ALL
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"

# The waits below are for what can be seen (a socket, a state, a line),
# bounded by the clock: a loaded machine takes its time, a broken one is
# not waited on for ever.
deadline() { # deadline SECONDS: the time (date +%s) that many seconds from now
	echo $(($(date +%s) + $1))
}
before() { # before DEADLINE: it has not passed
	[ "$(date +%s)" -lt "$1" ]
}

end=$(deadline 30)
while [ ! -S "$tmp/munge/socket" ] && before "$end"; do
	sleep 0.1
done
check "munged is up (its socket is there)" '[ -S "$tmp/munge/socket" ]'
slurmctld -D >"$tmp/slurmctld.out" 2>&1 &
pids="$! $pids"
slurmd -D >"$tmp/slurmd.out" 2>&1 &
pids="$! $pids"
up=""
end=$(deadline 60)
while before "$end"; do
	if [ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ]; then
		up=yes
		break
	fi
	sleep 0.2
done
check "a one-node cluster comes up (node $node idle)" '[ -n "$up" ]'
if [ -z "$up" ]; then
	echo "$passed passed, $failed failed"
	exit 1
fi

sbatch_script="$root/bench/slurm/parbench.sbatch"
job_cpus=$((cpus < 2 ? cpus : 2))
tiny="--quick --reps 3 --max-reps 3 --repeat-disturbed 0 --warmup 0 --no-overhead"

# Submits the sbatch script and waits for the end of the job; the job's
# exit status becomes this function's.  OUT gets sbatch's own output.  The
# job sees the PARBENCH_* variables through sbatch's default --export=ALL
# (--export=VAR=a,b would split their commas).
submit() { # submit OUT SBATCH-OPTIONS...
	local out=$1
	shift
	sbatch --wait --chdir="$work" --output="$work/job-%j.out" "$@" "$sbatch_script" \
		>"$out" 2>&1
}

job_of() { # the job id sbatch printed into a file
	sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$1"
}

run_of() { # the one run folder whose id ends with a suffix
	local found
	found=$(find "$work/results" -mindepth 1 -maxdepth 1 -type d -name "*$1" | head -n 1)
	echo "$found"
}

column_all() { # column_all CSV COLUMN VALUE: every row has that value
	awk -F, -v col="$2" -v want="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		{ rows++; if ($c != want) bad++ }
		END { exit !(c && rows > 0 && bad == 0) }' "$1"
}

rows() { # data rows of a CSV
	echo $(($(wc -l <"$1") - 1))
}

distinct_cells() { # distinct cells of a CSV (kernel to base_n)
	cut -d, -f2-11 "$1" | tail -n +2 | sort -u | wc -l
}

max_workers() { # the largest worker count in a summary
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "workers") c = i; next }
		$c > m { m = $c } END { print m + 0 }' "$1"
}

no_partials() {
	[ -z "$(find "$1" -name '*.partial')" ]
}

bin_real=$(readlink -f "$bin")
job_parbench() { # the pid of the parbench that job $1 runs, if it runs one
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$bin_real" ] || continue
		tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "SLURM_JOB_ID=$1" || continue
		echo "${p#/proc/}"
		return
	done
}

signal_pending() { # signal_pending PID SIGNUM: sent to it, not yet taken
	local mask
	mask=$(sed -n 's/^ShdPnd:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$mask" ] && [ $((0x$mask >> ($2 - 1) & 1)) -eq 1 ]
}

# 1. One job and a job array of two tasks, side by side.
export PARBENCH="$bin"
PARBENCH_ARGS="$tiny --kernels sum,fib --size sum=100000 --size fib=20" submit "$tmp/submit-single.txt" --cpus-per-task="$job_cpus" &
single=$!
PARBENCH_ARGS="$tiny" PARBENCH_ARRAY_ARGS="--kernels sum --size sum=100000;--kernels fib --size fib=20" \
	submit "$tmp/submit-array.txt" --array=0-1 --cpus-per-task=1 &
array=$!
status=0
wait "$single" || status=$?
check "sbatch --wait of the job returns 0" '[ "$status" -eq 0 ]'
job=$(job_of "$tmp/submit-single.txt")
check "sbatch said the job id ($job)" '[ -n "$job" ]'
run=$(run_of "-job$job")
check "results/<run-id> has the job id in the run id" '[ -n "$run" ] && [ -d "$run" ]'
if [ -n "$run" ]; then
	id=$(basename "$run")
	check "raw.csv has rows" '[ "$(rows "$run/raw.csv")" -gt 0 ]'
	check "summary.csv has rows, every one ok" 'column_all "$run/summary.csv" status ok'
	check "summary.csv has the scaling column" 'column_all "$run/summary.csv" scaling strong'
	check "the provenance records SLURM_JOB_ID" 'grep -qx "env.SLURM_JOB_ID=$job" "$run/provenance.txt"'
	check "the sweep is recorded for --resume" '[ -s "$run/sweep.args" ]'
	check "no partial files are left" 'no_partials "$run"'
	check "speedup plots were rendered in the job" '[ -s "$work/plots/$id/speedup-sum-100000.png" ] && [ -s "$work/plots/$id/speedup-fib-20.svg" ]'
	check "workers went up to the CPUs of the job" '[ "$(max_workers "$run/summary.csv")" -eq "$job_cpus" ]'
fi
[ -n "$run" ] || sed 's/^/    /' "$work"/job-*.out 2>/dev/null | tail -n 20

status=0
wait "$array" || status=$?
check "sbatch --wait of the job array returns 0" '[ "$status" -eq 0 ]'
array_job=$(job_of "$tmp/submit-array.txt")
task1=$(run_of "-job${array_job}_0")
task2=$(run_of "-job${array_job}_1")
check "each array task wrote its own run folder" '[ -n "$task1" ] && [ -n "$task2" ] && [ "$task1" != "$task2" ]'
if [ -n "$task1" ] && [ -n "$task2" ]; then
	merged="$work/results/array-$array_job"
	status=0
	"$bin" merge "$merged" "$task1" "$task2" >"$tmp/merge.txt" 2>&1 || status=$?
	check "parbench merge of the array tasks succeeds" '[ "$status" -eq 0 ]'
	check "the merged summary holds both tasks' cells" '[ "$(rows "$merged/summary.csv")" -eq $(($(rows "$task1/summary.csv") + $(rows "$task2/summary.csv"))) ]'
	check "the tasks ran their own part of the sweep" '[ "$(cut -d, -f2 "$merged/summary.csv" | sort -u | tr "\n" " ")" = "fib kernel sum " ]'
	check "the merged raw.csv holds both tasks' rows" '[ "$(rows "$merged/raw.csv")" -eq $(($(rows "$task1/raw.csv") + $(rows "$task2/raw.csv"))) ]'
	check "each task's provenance is kept" '[ -s "$merged/provenance-$(basename "$task1").txt" ] && [ -s "$merged/provenance-$(basename "$task2").txt" ]'
	status=0
	"$bin" --plots "$work/plots" plot "$merged" >"$tmp/plot.txt" 2>&1 || status=$?
	check "the merged run can be plotted" '[ "$status" -eq 0 ] && [ -s "$work/plots/array-$array_job/speedup-sum-100000.png" ]'
fi

# 1b. MPI ranks over the allocation: two tasks, srun --mpi=pmix inside the
# job; the shared-memory and the MPI sweeps merged into one run.
if "$bin" --list | grep -q '^  mpi '; then
	status=0
	PARBENCH_ARGS="$tiny --kernels fib --size fib=20" submit "$tmp/submit-mpi.txt" \
		--ntasks-per-node=2 --cpus-per-task=1 || status=$?
	check "sbatch --wait of a two-task MPI job returns 0" '[ "$status" -eq 0 ]'
	mpi_job=$(job_of "$tmp/submit-mpi.txt")
	merged=$(find "$work/results" -mindepth 1 -maxdepth 1 -type d -name "*-job${mpi_job}-all" | head -n 1)
	check "the job merged its shared-memory and MPI runs" '[ -n "$merged" ]'
	if [ -n "$merged" ]; then
		check "mpi rows over 2 ranks, verified" 'awk -F, '"'"'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "runner") r = i; if ($i == "workers") w = i; if ($i == "status") s = i }; next } $r == "mpi" && $w == 2 && $s == "ok" { n++ } END { exit !(n > 0) }'"'"' "$merged/summary.csv"'
		check "the provenance says the ranks came from srun" 'grep -q "SLURM_NTASKS=2" "$merged"/provenance*.txt'
	fi
	if [ -z "$merged" ]; then
		sed 's/^/    /' "$tmp/submit-mpi.txt"
		grep -v '^  ' "$work/job-$mpi_job.out" 2>/dev/null | sed 's/^/    /' | tail -n 40
	fi
fi

# 2. A compute node without gnuplot: a warning and a hint, not a failure
# (the script run by hand, as in a job, with a gnuplot that is not there).
mkdir -p "$tmp/nognuplot"
printf '#!/bin/sh\nexit 127\n' >"$tmp/nognuplot/gnuplot"
chmod +x "$tmp/nognuplot/gnuplot"
status=0
(cd "$work" && PATH="$tmp/nognuplot:$PATH" SLURM_JOB_ID=424242 \
	PARBENCH_ARGS="$tiny --kernels sum --size sum=100000" \
	bash "$sbatch_script" >"$tmp/nognuplot.out" 2>&1) || status=$?
check "without gnuplot the job still succeeds" '[ "$status" -eq 0 ]'
check "and says how to plot later" 'grep -q "gnuplot not found" "$tmp/nognuplot.out" && grep -q "make plots RUN=results/.*-job424242" "$tmp/nognuplot.out"'

# 3. A job stopped by SIGTERM (as at its time limit, through the batch
# shell like --signal=B:TERM), then finished by a job that resumes it.
long="--kernels fib --size fib=32 --reps 20 --max-reps 20 --repeat-disturbed 0 --rounds 1 --warmup 1 --no-shuffle --no-overhead --no-plot"
PARBENCH_RUNNERS=seq,omp,pthread PARBENCH_ARGS="$long" submit "$tmp/submit-term.txt" \
	--job-name=parbench-term --cpus-per-task="$job_cpus" &
term=$!
# The job's parbench, once the job runs it (a job may wait to start).
term_job="" term_pid="" held=""
end=$(deadline 120)
while [ -z "$term_pid" ] && before "$end" && kill -0 "$term" 2>/dev/null; do
	[ -n "$term_job" ] || term_job=$(squeue -h -n parbench-term -o %i 2>/dev/null | head -n 1)
	[ -z "$term_job" ] || term_pid=$(job_parbench "$term_job")
	[ -n "$term_pid" ] || sleep 0.1
done
# Held still (SIGSTOP: this is its node) as soon as its first cell is
# logged: the TERM, which goes through slurmctld, slurmd and the batch
# shell, then lands before the next cells however long that chain takes,
# instead of racing the seconds they last.
while [ -n "$term_pid" ] && before "$end" && kill -0 "$term_pid" 2>/dev/null; do
	if grep -q '^\[  1/' "$work/job-$term_job.out" 2>/dev/null; then
		kill -STOP "$term_pid" 2>/dev/null && held=yes
		break
	fi
	sleep 0.05
done
check "the job's parbench logged its first cell and was held there (job ${term_job:-none}, pid ${term_pid:-none})" \
	'[ -n "$held" ] && ! grep -q "^\[  9/" "$work/job-$term_job.out"'
if [ -n "$term_job" ]; then
	scancel --batch --signal=TERM "$term_job"
fi
if [ -n "$held" ]; then
	# Let go once the TERM the batch shell forwards is there.
	end=$(deadline 60)
	while ! signal_pending "$term_pid" 15 && before "$end"; do
		sleep 0.05
	done
	check "the batch shell forwarded the TERM to parbench" 'signal_pending "$term_pid" 15'
	kill -CONT "$term_pid" 2>/dev/null || true
fi
status=0
wait "$term" || status=$?
check "a job sent SIGTERM exits with status 3 (stopped)" '[ "$status" -eq 3 ]'
stopped=$(run_of "-job$term_job")
check "it said how to go on" 'grep -q "stopped by SIGTERM.*--resume" "$work/job-$term_job.out"'
if [ -n "$stopped" ] && [ -f "$stopped/summary.csv" ]; then
	done_before=$(rows "$stopped/summary.csv")
	check "the finished cells are committed ($done_before of 9)" '[ "$done_before" -gt 0 ] && [ "$done_before" -lt 9 ] && no_partials "$stopped"'
	check "raw.csv is committed too" '[ "$(distinct_cells "$stopped/raw.csv")" -eq "$done_before" ]'
	status=0
	PARBENCH_RESUME="$stopped" submit "$tmp/submit-resume.txt" \
		--cpus-per-task="$job_cpus" || status=$?
	check "a job resuming the run returns 0" '[ "$status" -eq 0 ]'
	check "the resumed run has every cell once" '[ "$(rows "$stopped/summary.csv")" -eq 9 ] && [ "$(distinct_cells "$stopped/summary.csv")" -eq 9 ]'
	check "raw.csv has 20 repetitions of every cell" '[ "$(rows "$stopped/raw.csv")" -eq 180 ] && [ "$(distinct_cells "$stopped/raw.csv")" -eq 9 ]'
	check "the resuming job's provenance is added" '[ -s "$stopped/provenance-resume1.txt" ]'
else
	check "the stopped job left summary.csv" 'false'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
