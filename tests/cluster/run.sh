#!/bin/bash
# Conditions are passed to check() in single quotes, evaluated there.
# shellcheck disable=SC2016,SC2034
# parbench across nodes, on an emulated cluster of three nodes on this
# machine (tests/cluster/cluster.sh: a network and a UTS namespace per
# node, a bridge, one slurmd per node, TCP between them):
#
#   - sbatch -N 2 and -N 3 of bench/slurm/parbench.sbatch: MPI ranks on
#     every node, each rank's node recorded, the ranks of nodes that share
#     this machine's cores on different cores, mpi-scatter's communication
#     over TCP beside the same cell on one node;
#   - mpirun with a hostfile outside Slurm (PARBENCH_MPI_ARGS), and the
#     same forced onto shared memory, which cannot work across nodes;
#   - a job that asks for more nodes than exist: refused, not hung;
#   - a node lost in the middle of a cell: that cell fails naming the
#     node, the job goes on and exits 1, and PARBENCH_RESUME finishes it.
#
#   tests/cluster/run.sh            (make test-cluster)
#
# Needs root, namespaces and Slurm (installed here if missing).  Where it
# cannot run it says why and skips, except under CI=true, where that
# fails.  Ends with "N passed, M failed"; exit status 1 on any failure.
set -eu

suite=cluster
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/../harness.sh"
unset PARBENCH_MPI_LAUNCHER PARBENCH_MPI_ARGS PARBENCH_MPI_HOSTFILE PARBENCH_RESUME
# hwloc in every rank would otherwise probe X displays :0 to :9.
export HWLOC_COMPONENTS=-gl

[ -x "$bin" ] || skip "no parbench binary at $bin (run make first)"
"$bin" --list | grep -q '^  mpi ' || skip "this build has no mpi runner (no mpicc)"
[ "$(id -u)" -eq 0 ] || skip "they need root (namespaces, slurmd and munged)"
for cmd in unshare nsenter ip; do
	command -v "$cmd" >/dev/null 2>&1 || skip "no $cmd here (util-linux, iproute2)"
done
need_slurm
unshare --net --uts true 2>/dev/null || skip "this kernel or container refuses new namespaces"

# shellcheck source=tests/cluster/cluster.sh
. "$root/tests/cluster/cluster.sh"

tmp=$(mktemp -d)
# munged's socket folder must be reachable by everyone, all the way up.
chmod 755 "$tmp"
work="$tmp/work"
mkdir -p "$work"

cleanup() {
	local status=$?
	# bash reports each daemon it reaps killed: expected here.
	cluster_down 2>/dev/null
	if [ "$status" -ne 0 ] && [ -d "$tmp/cluster/log" ]; then
		echo "--- last lines of the daemons' logs"
		tail -n 5 "$tmp/cluster/log"/*.log 2>/dev/null || true
	fi
	[ -n "${PARBENCH_CLUSTER_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

started=$(date +%s%N)
up=yes
cluster_up "$tmp/cluster" 3 || up=""
took=$((($(date +%s%N) - started) / 1000000))
check "three emulated nodes and a controller come up, idle (in $took ms)" '[ -n "$up" ]'
if [ -z "$up" ]; then
	echo "$passed passed, $failed failed"
	exit 1
fi
check "each node has its own hostname" '[ "$(cluster_node n2 hostname)" = n2 ]'
net=$cluster_net

sbatch_script="$root/bench/slurm/parbench.sbatch"
tiny="--reps 3 --max-reps 3 --repeat-disturbed 0 --rounds 1 --warmup 0 --no-overhead"
# The cells whose communication is compared: microseconds a repetition,
# so 30 of them and two warm-ups cost nothing, and their median holds on a
# busy host where the median of three did not.
comm="--reps 30 --max-reps 30 --repeat-disturbed 0 --rounds 1 --warmup 2 --no-overhead"
export PARBENCH="$bin"

submit() { # submit OUT SBATCH-OPTIONS...: sbatch --wait, its status returned
	local out=$1
	shift
	sbatch --wait --chdir="$work" --output="$work/job-%j.out" "$@" "$sbatch_script" \
		>"$out" 2>&1
}

job_of() {
	sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$1"
}

# The value of COLUMN in the rows of CSV where the other columns match,
# one per line: field CSV COLUMN runner=mpi workers=2 ...
field() {
	local csv=$1 col=$2
	shift 2
	awk -F, -v col="$col" -v conds="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; n = split(conds, c, " "); next }
		{ ok = 1
		  for (k = 1; k <= n; k++) { split(c[k], kv, "="); if ($idx[kv[1]] != kv[2]) ok = 0 }
		  if (ok) print $idx[col] }' "$csv"
}

merged_of() { # the merged run of a job
	find "$work/results" -mindepth 1 -maxdepth 1 -type d -name "*-job$1-all" | head -n 1
}

# 1. Two nodes and three: the MPI runners' ranks on every node.
declare -A run_of_nodes comm_of_nodes
for nodes in 2 3; do
	status=0
	PARBENCH_RUNNERS=mpi,mpi-scatter PARBENCH_ARGS="$comm --kernels sum --size sum=4000" \
		submit "$tmp/submit-$nodes.txt" -N "$nodes" --ntasks-per-node=1 -c 1 || status=$?
	job=$(job_of "$tmp/submit-$nodes.txt")
	check "sbatch -N $nodes returns 0" '[ "$status" -eq 0 ] && [ -n "$job" ]'
	merged=$(merged_of "$job")
	run_of_nodes[$nodes]=$merged
	if [ -z "$merged" ]; then
		check "the -N $nodes job merged its runs" 'false'
		grep -v '^  ' "$work/job-$job.out" 2>/dev/null | tail -n 30 | sed 's/^/    /'
		continue
	fi
	all=$(seq -s';' 1 "$nodes" | sed 's/\([0-9]\)/n\1/g')
	for runner in mpi mpi-scatter; do
		check "$runner over $nodes ranks: verified, on $nodes nodes" \
			'[ "$(field "$merged/summary.csv" status runner=$runner workers=$nodes)" = ok ] &&
			 [ "$(field "$merged/summary.csv" nodes runner=$runner workers=$nodes)" = "$nodes" ]'
		check "raw.csv names each rank's node ($all)" \
			'[ "$(field "$merged/raw.csv" nodes runner=$runner workers=$nodes | sort -u)" = "$all" ]'
	done
	# Ranks 0 and 1 are on n1 and n2, which share this machine's cores:
	# binding by each node's local rank would put both on CPU 0.
	if [ "$(nproc)" -ge 2 ]; then
		cpus=$(field "$merged/raw.csv" cpus_start runner=mpi workers="$nodes" | sort -u | head -n 1)
		check "the first ranks of two nodes ran on different cores ($cpus)" \
			'[ "${cpus%%;*}" != "$(echo "$cpus" | cut -d";" -f2)" ]'
	fi
	# The MPI sweep's provenance, among the merged run's.
	check "the provenance lists the nodes and the workers per node" \
		'cat "$merged"/provenance-*.txt | grep -qx "nodes.count=$nodes" &&
		 cat "$merged"/provenance-*.txt | grep -q "^nodes.workers_per_node=n1:1,n2:1"'
	check "the report says the cell spanned $nodes nodes" \
		'grep -q "Cells across nodes" "$work/job-$job.out" &&
		 grep -Eq "mpi +static +w=$nodes +$nodes nodes" "$work/job-$job.out"'
	comm_of_nodes[$nodes]=$(field "$merged/summary.csv" comm_median_s runner=mpi-scatter workers="$nodes")
	check "mpi-scatter timed its communication across nodes (${comm_of_nodes[$nodes]} s)" \
		'awk -v c="${comm_of_nodes[$nodes]}" "BEGIN { exit !(c > 0) }"'
done

# 2. The same two-rank mpi-scatter cell on one node: its communication
# goes through shared memory, not TCP.  32 KB a run: latency, not copying,
# is the difference (about 17 us a TCP round trip between these nodes,
# under 1 us in shared memory), large enough to hold on a busy machine.
status=0
PARBENCH_RUNNERS=mpi-scatter PARBENCH_ARGS="$comm --kernels sum --size sum=4000" \
	submit "$tmp/submit-1.txt" -N 1 --ntasks-per-node=2 -c 1 || status=$?
job=$(job_of "$tmp/submit-1.txt")
merged=$(merged_of "$job")
one=""
[ -n "$merged" ] && one=$(field "$merged/summary.csv" comm_median_s runner=mpi-scatter workers=2)
check "mpi-scatter over 2 ranks on one node: on 1 node" \
	'[ -n "$merged" ] && [ "$(field "$merged/summary.csv" nodes runner=mpi-scatter workers=2)" = 1 ]'
check "its communication over TCP between nodes (${comm_of_nodes[2]:-?} s) costs more than in one node (${one:-?} s)" \
	'awk -v tcp="${comm_of_nodes[2]:-0}" -v shm="${one:-0}" "BEGIN { exit !(shm > 0 && tcp > shm) }"'

# 3. mpirun with a hostfile of the nodes' addresses, outside Slurm, the
# driver on n1 as on a login node; Open MPI starts its daemons through
# the agent (ssh elsewhere).
mpirun_args="--hostfile $tmp/cluster/hostfile --mca plm_rsh_agent $tmp/cluster/agent"
mpirun_args="$mpirun_args --mca oob_tcp_if_include $net.0/24 --mca btl_tcp_if_include $net.0/24"
mpirun_args="$mpirun_args --map-by node -x HWLOC_COMPONENTS"
status=0
(cd "$work" && PARBENCH_MPI_LAUNCHER=mpirun PARBENCH_MPI_ARGS="$mpirun_args" \
	cluster_node n1 "$bin" --out "$work/mpirun" --no-plot --runners mpi --workers 2 \
	--kernels fib --size fib=24 $tiny >"$tmp/mpirun.out" 2>&1) || status=$?
run="$work/mpirun/latest"
check "mpirun with a hostfile: exit 0, ranks on n1 and n2, verified" \
	'[ "$status" -eq 0 ] && [ "$(field "$run/raw.csv" nodes runner=mpi workers=2 | sort -u)" = "n1;n2" ] &&
	 [ "$(field "$run/summary.csv" status runner=mpi workers=2 schedule=static)" = ok ]'
[ "$status" -eq 0 ] || tail -n 20 "$tmp/mpirun.out" | sed 's/^/    /'
status=0
(cd "$work" && PARBENCH_MPI_LAUNCHER=mpirun PARBENCH_MPI_TIMEOUT=20 \
	PARBENCH_MPI_ARGS="$mpirun_args --mca btl self,vader" \
	cluster_node n1 "$bin" --out "$work/vader" --no-plot --runners mpi --workers 2 \
	--kernels fib --size fib=24 $tiny >"$tmp/vader.out" 2>&1) || status=$?
check "forced onto shared memory, ranks on two nodes cannot talk: the cells fail, exit 1" \
	'[ "$status" -eq 1 ] && [ -z "$(field "$work/vader/latest/summary.csv" status runner=mpi | grep -x ok)" ]'
# The driver ended those jobs: nothing of theirs is left on the nodes (a
# rank left behind would also be taken for a later job's).
left=""
for _ in $(seq 100); do
	left=$(cluster_node_find n1 parbench-mpi; cluster_node_find n2 parbench-mpi;
		cluster_node_find n1 orted; cluster_node_find n2 orted)
	[ -z "$left" ] && break
	sleep 0.1
done
check "no rank or daemon of the failed jobs is left on the nodes${left:+ (left: $left)}" '[ -z "$left" ]'

# 4. More nodes than the cluster has: Slurm refuses the job at once.
started=$(date +%s)
status=0
timeout 30 sbatch --wait --chdir="$work" -N 4 "$sbatch_script" >"$tmp/too-many.txt" 2>&1 || status=$?
check "sbatch -N 4 on three nodes is refused, not left pending ($(($(date +%s) - started)) s)" \
	'[ "$status" -ne 0 ] && [ "$status" -ne 124 ] && grep -q "Batch job submission failed" "$tmp/too-many.txt"'

# 5. A node lost in the middle of an MPI cell: its slurmd and every process
# on it killed at once.  The rank on n2 writes a marker inside the timed
# region of its first repetition and waits there (PARBENCH_MPI_TEST_MARK),
# so the kill provably lands inside a timed repetition: no sleep decides.
lost_args="--reps 20 --max-reps 20 --repeat-disturbed 0 --rounds 1 --warmup 0 --no-overhead --no-shuffle --no-plot"
lost_args="$lost_args --kernels fib --size fib=30 --workers 2 --schedule static"
mark="$tmp/lost-rank-inside"
PARBENCH_MPI_TEST_MARK=$mark PARBENCH_MPI_TIMEOUT=20 PARBENCH_RUNNERS=mpi \
	PARBENCH_ARGS="$lost_args" \
	submit "$tmp/submit-lost.txt" -N 2 --ntasks-per-node=1 -c 1 --job-name=parbench-lost &
lost_pid=$!
killed=""
# Bounded: the job's other cells take seconds; 120 s is a job gone wrong.
for _ in $(seq 2400); do
	if [ -s "$mark" ]; then
		cluster_kill_node n2 2>/dev/null
		killed=$(cat "$mark")
		break
	fi
	kill -0 "$lost_pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$killed" ] || kill "$lost_pid" 2>/dev/null || true
status=0
wait "$lost_pid" || status=$?
check "node n2 was killed while its rank was inside a timed repetition (${killed:-no marker})" \
	'[ "$killed" = n2 ]'
job=$(job_of "$tmp/submit-lost.txt")
check "the job went on and exited 1 (not killed, not requeued)" '[ "$status" -eq 1 ]'
lost_run=$(grep -l "rank-1-lost-on-n2" "$work"/results/*-job"$job"*/summary.csv 2>/dev/null | head -n 1)
lost_run=${lost_run%/summary.csv}
check "the cell failed with a reason naming the node (rank-1-lost-on-n2)" '[ -n "$lost_run" ]'
if [ -n "$lost_run" ]; then
	check "the finished cells are kept, verified" \
		'[ "$(field "$lost_run/summary.csv" status runner=seq)" = ok ] && [ -z "$(find "$lost_run" -name "*.partial")" ]'
	# The node comes back (ReturnToService=2) and a new job resumes.
	cluster_start_slurmd n2
	cluster_wait_idle 3 || true
	status=0
	PARBENCH_RESUME="$lost_run" submit "$tmp/submit-resume.txt" -N 2 --ntasks-per-node=1 -c 1 ||
		status=$?
	check "PARBENCH_RESUME in a new job finishes the run: exit 0, every cell verified" \
		'[ "$status" -eq 0 ] && [ -z "$(field "$lost_run/summary.csv" status | grep -vx ok)" ] &&
		 [ "$(field "$lost_run/summary.csv" nodes runner=mpi schedule=static)" = 2 ]'
	check "each cell once, 20 verified repetitions of the one that failed" \
		'[ "$(field "$lost_run/raw.csv" ok runner=mpi schedule=static | grep -c 1)" -eq 20 ] &&
		 [ "$(field "$lost_run/raw.csv" ok runner=mpi schedule=static | grep -vc 1)" -eq 0 ]'
fi
if [ "$failed" -gt 0 ] && [ -n "$job" ]; then
	grep -v '^  ' "$work/job-$job.out" 2>/dev/null | tail -n 25 | sed 's/^/    /'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
