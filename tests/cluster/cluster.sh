# An emulated cluster on one machine, sourced by tests/cluster/run.sh.
#
# Each node is a process that holds a network namespace and a UTS
# namespace of its own (its own hostname), created with unshare: nothing
# is mounted, nothing named under /run/netns.  A veth pair joins each node
# to a bridge in the root namespace; addresses come from one /24 of
# 10.213.0.0/16 that no interface of this machine uses, so two runs side
# by side each get their own.  Daemons run inside a node with
# nsenter --target <holder> --net --uts (not ip netns exec, which remounts
# /sys and hides the cgroup tree slurmd wants).  One munged serves every
# node through its socket in the shared filesystem.
#
#   cluster_up DIR N      controller "ctl" at .10, nodes n1..nN at .11...,
#                         the bridge at .254; Slurm configured in DIR
#   cluster_node NODE CMD...   runs CMD inside a node (ctl, n1, ...)
#   DIR/agent             Open MPI's rsh agent for mpirun outside Slurm:
#                         --mca plm_rsh_agent DIR/agent and a hostfile of
#                         the nodes' addresses (DIR/hostfile: one slot each)
#   cluster_down          stops every process it started, by PID, and
#                         removes the links; safe to call twice
#
# Needs root, unshare, nsenter, ip, munged, slurmctld, slurmd.
# Everything it started is listed in $cluster_pids; node holders in
# cluster_holder_<node>.

cluster_pids=""
cluster_links=""
cluster_nodes=""

# The holder process of a node: entering its namespaces enters the node.
cluster_holder() {
	eval "echo \"\${cluster_holder_$1:-}\""
}

cluster_node() { # cluster_node NODE CMD...
	local holder
	holder=$(cluster_holder "$1")
	shift
	nsenter --target "$holder" --net --uts "$@"
}

# A /24 of 10.213.0.0/16 no interface here has, and a bridge name free.
cluster_pick_subnet() {
	local tries=0 third
	while [ "$tries" -lt 200 ]; do
		third=$(((RANDOM % 200) + 20))
		if ! ip -4 -o addr show | grep -q " 10\.213\.$third\." &&
			! ip link show "pbc$third-br" >/dev/null 2>&1; then
			echo "$third"
			return 0
		fi
		tries=$((tries + 1))
	done
	return 1
}

# cluster_add_node NAME IP: a holder with its hostname, a veth to the bridge.
cluster_add_node() {
	local name=$1 ip=$2 holder veth=pbc$cluster_third-$1
	# The holder must not keep this shell's descriptors (a pipe the
	# caller waits on, a lock): they are closed for every daemon too.
	unshare --net --uts sh -c "hostname $name && exec sleep 86400" \
		</dev/null >/dev/null 2>&1 &
	holder=$!
	cluster_pids="$holder $cluster_pids"
	eval "cluster_holder_$name=$holder"
	for _ in $(seq 100); do
		[ "$(nsenter --target "$holder" --uts hostname 2>/dev/null)" = "$name" ] && break
		sleep 0.02
	done
	ip link add "$veth" type veth peer name "$veth-p" || return 1
	cluster_links="$veth $cluster_links"
	ip link set "$veth-p" netns "$holder" || return 1
	ip link set "$veth" master "pbc$cluster_third-br" up || return 1
	nsenter --target "$holder" --net sh -c "ip link set lo up &&
		ip link set $veth-p name eth0 && ip addr add $ip/24 dev eth0 &&
		ip link set eth0 up" || return 1
}

# The daemons' configuration: every node's slurmd has its own spool, log,
# PID file and TmpFS (PMIx makes its folders there: a shared /tmp lets
# only one node's tasks start).  task/none: Slurm binds nothing, so what
# parbench-mpi's own binding does on nodes that share physical cores is
# what the test sees.
cluster_write_conf() {
	local dir=$1 nodes=$2 cpus
	cpus=$(nproc)
	cat >"$dir/slurm.conf" <<EOF
ClusterName=parbench-emulated
SlurmctldHost=ctl($cluster_net.10)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
TmpFS=$dir/tmp/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
EnforcePartLimits=ALL
ReturnToService=2
SlurmdTimeout=30
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=2
EOF
	local i
	for i in $(seq "$nodes"); do
		echo "NodeName=n$i NodeAddr=$cluster_net.$((10 + i)) CPUs=$cpus State=UNKNOWN" \
			>>"$dir/slurm.conf"
	done
	echo "PartitionName=emulated Nodes=n[1-$nodes] Default=YES MaxTime=INFINITE State=UP" \
		>>"$dir/slurm.conf"
}

# Open MPI starts its daemon on a host from the hostfile with "AGENT HOST
# COMMAND", the command quoted for a shell (hence sh -c "$*"); here the
# host is a node's address, and entering the node stands in for ssh.
cluster_write_agent() {
	local dir=$1 nodes=$2 i holder
	{
		echo '#!/bin/sh'
		echo 'host=$1'
		echo 'shift'
		echo 'case "$host" in'
		for i in $(seq "$nodes"); do
			holder=$(cluster_holder "n$i")
			echo "$cluster_net.$((10 + i))) holder=$holder ;;"
		done
		echo '*) echo "agent: no emulated node at $host" >&2; exit 255 ;;'
		echo 'esac'
		echo 'exec nsenter --target "$holder" --net --uts sh -c "$*"'
	} >"$dir/agent"
	chmod 755 "$dir/agent"
	: >"$dir/hostfile"
	for i in $(seq "$nodes"); do
		echo "$cluster_net.$((10 + i)) slots=1" >>"$dir/hostfile"
	done
}

# Starts node NAME's slurmd; its PID in cluster_slurmd_<name>.
cluster_start_slurmd() {
	local name=$1 dir=$cluster_dir
	mkdir -p "$dir/spool/$name" "$dir/tmp/$name"
	# nsenter itself, not through a function: $! must be the daemon
	# (nsenter execs it), not a subshell waiting for it.
	nsenter --target "$(cluster_holder "$name")" --net --uts slurmd -D -N "$name" \
		</dev/null >"$dir/log/slurmd-$name.out" 2>&1 &
	eval "cluster_slurmd_$name=$!"
	cluster_pids="$! $cluster_pids"
}

cluster_up() { # cluster_up DIR NODES
	local dir=$1 nodes=$2 i
	cluster_dir=$dir
	cluster_third=$(cluster_pick_subnet) || return 1
	cluster_net=10.213.$cluster_third
	mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/tmp" "$dir/log"
	chmod 755 "$dir"
	ip link add "pbc$cluster_third-br" type bridge || return 1
	cluster_links="pbc$cluster_third-br $cluster_links"
	ip addr add "$cluster_net.254/24" dev "pbc$cluster_third-br"
	ip link set "pbc$cluster_third-br" up
	cluster_add_node ctl "$cluster_net.10" || return 1
	for i in $(seq "$nodes"); do
		cluster_add_node "n$i" "$cluster_net.$((10 + i))" || return 1
		cluster_nodes="$cluster_nodes n$i"
	done

	mungekey --create --keyfile="$dir/munge/munge.key" || return 1
	munged --foreground --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" \
		--pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/seed" \
		--log-file="$dir/log/munged.log" </dev/null >"$dir/log/munged.out" 2>&1 &
	cluster_pids="$! $cluster_pids"
	cluster_write_conf "$dir" "$nodes"
	cluster_write_agent "$dir" "$nodes"
	export SLURM_CONF="$dir/slurm.conf"
	for _ in $(seq 100); do
		[ -S "$dir/munge/socket" ] && break
		sleep 0.05
	done
	if [ ! -S "$dir/munge/socket" ]; then
		echo "cluster: munged did not start (every folder above $dir must be" \
			"searchable by all): $(tail -n 1 "$dir/log/munged.out")" >&2
		return 1
	fi
	nsenter --target "$(cluster_holder ctl)" --net --uts slurmctld -D \
		</dev/null >"$dir/log/slurmctld.out" 2>&1 &
	cluster_pids="$! $cluster_pids"
	for i in $(seq "$nodes"); do
		cluster_start_slurmd "n$i"
	done
	cluster_wait_idle "$nodes"
}

# Waits until COUNT nodes are idle (sinfo from the root namespace, which
# reaches the controller over the bridge); 1 after 20 s.
cluster_wait_idle() {
	local deadline=$(($(date +%s) + 20))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		[ "$(sinfo -h -N -t idle -o %N 2>/dev/null | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# The PIDs of processes inside a node (sharing its holder's network
# namespace), the holder itself left out.
cluster_node_pids() {
	local holder ns pid
	holder=$(cluster_holder "$1")
	ns=$(readlink "/proc/$holder/ns/net") || return 0
	for pid in /proc/[0-9]*; do
		pid=${pid#/proc/}
		[ "$pid" = "$holder" ] && continue
		[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$ns" ] && echo "$pid"
	done
}

cluster_down() {
	local pid link
	if [ -n "${SLURM_CONF:-}" ] && [ -n "$cluster_pids" ]; then
		scancel --quiet --user=root 2>/dev/null || true
	fi
	# Jobs' processes first (they live in the nodes), then the daemons.
	for node in $cluster_nodes; do
		for pid in $(cluster_node_pids "$node"); do
			kill -KILL "$pid" 2>/dev/null || true
		done
	done
	for pid in $cluster_pids; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $cluster_pids; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	# Namespaces go with their last process, but their veths linger for
	# a while: delete them, so that the next bring-up finds names free.
	for link in $cluster_links; do
		ip link del "$link" 2>/dev/null || true
	done
	cluster_pids=""
	cluster_links=""
	cluster_nodes=""
}

# The PIDs of the live processes named COMM inside a node (a zombie, dead
# and waiting for its parent to reap it, is not counted).
cluster_node_find() { # cluster_node_find NODE COMM
	local pid state
	for pid in $(cluster_node_pids "$1"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || continue
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
		[ -n "$state" ] && [ "$state" != Z ] && echo "$pid"
	done
}

# A node lost: its slurmd and everything running in it killed at once,
# as a power cut would (the holder stays, so it can come back).
cluster_kill_node() {
	local pid
	eval "pid=\${cluster_slurmd_$1:-}"
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	for pid in $(cluster_node_pids "$1"); do
		kill -KILL "$pid" 2>/dev/null || true
	done
}
