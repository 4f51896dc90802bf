/*
 * mpi and mpi-scatter: distributed memory, one MPI rank per worker.
 *
 * The driver links no MPI.  open() starts parbench-mpi through a launcher
 * and keeps that job for the whole cell; every command goes to rank 0 as a
 * line on the launcher's stdin, every reply comes back on its stdout
 * (mpi/protocol.h), which works wherever rank 0 runs.  The ranks time
 * themselves (barrier to reduced result, slowest rank) and report it in
 * pb_outcome.seconds, so the pipe round trip is not in the figures.
 *
 *   mpi          each rank owns a block and initialises it (first touch);
 *                dynamic and guided chunks from an RMA counter on rank 0
 *                for kernels without memory.
 *   mpi-scatter  rank 0 holds the whole input and scatters it in every
 *                run, outputs are gathered back; comm_seconds is that part.
 *
 * Options, from the environment (the CLI maps its flags onto them):
 *   PARBENCH_MPI_LAUNCHER  mpirun (default), srun (default under a Slurm
 *                          allocation: SLURM_JOB_ID set), or a path to
 *                          either; a name with "srun" in it is driven as srun.
 *                          open() fails with -ENOENT when it is not found.
 *   PARBENCH_MPI_ARGS      extra launcher arguments, split at blanks (no
 *                          quoting), e.g. "--hostfile hosts --map-by node".
 *   PARBENCH_MPI_HOSTFILE  mpirun only: passed as --hostfile.
 *   PARBENCH_MPI_TIMEOUT   seconds to wait for the job to start and for
 *                          each reply (default 300); past it the job is
 *                          killed and the cell fails with "timeout".
 *   PARBENCH_MPI_PROGRAM   the MPI program (default: parbench-mpi beside
 *                          the running executable, or one folder up).
 * The launcher gets OMPI_MCA_pml=ob1 unless the user set OMPI_MCA_pml
 * (mpirun starts in about 0.13 s instead of 0.35 s; set it to ucx on a
 * cluster with a fast network), with ob1 OMPI_MCA_osc=sm,pt2pt unless set
 * (the one-sided components that work between nodes over TCP), and, as
 * root, Open MPI's run-as-root pair.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../mpi/protocol.h"
#include "mpi_proc.h"
#include "runner.h"

#define DEFAULT_TIMEOUT 300.0
/* How long a launcher that closed its output gets to exit, for its status. */
#define LAUNCH_EXIT_GRACE 1.0
#define QUIT_GRACE 10.0   /* seconds a job may take to finalise and exit */
#define MAX_EXTRA_ARGS 64
#define MAX_KERNEL_LIBS 16
#define MAX_ENV_ADDED 5

extern char **environ;

struct pb_pool {
	struct pb_mpi_proc proc;
	unsigned workers;
	double timeout;
	int broken;  /* the job is gone: every later call fails */
	char **nodes; /* each rank's node, from the ready line; NULL: unknown */
	char token;  /* what alloc() hands out: the memory lives in the ranks */
};

/* PARBENCH_MPI_TIMEOUT in seconds, -1 where it is not a number. */
static double option_timeout(void)
{
	return pb_env_seconds("PARBENCH_MPI_TIMEOUT", DEFAULT_TIMEOUT);
}

/* path: PATH_MAX bytes, as realpath() wants. */
static int find_program(char *path)
{
	const char *given = getenv("PARBENCH_MPI_PROGRAM");
	char self[PATH_MAX];

	if (given && *given) {
		/* Ranks may start in another folder, or on another node. */
		if (!realpath(given, path) || access(path, X_OK))
			return -ENOENT;
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -ENOENT;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	*slash = '\0';
	/* build/parbench-mpi beside build/parbench, $(BINDIR) when
	 * installed; one folder up from the test binary in build/tests. */
	static const char *const places[] = {"%s/" PB_MPI_PROGRAM, "%s/../" PB_MPI_PROGRAM};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		char candidate[PATH_MAX + 32];
		snprintf(candidate, sizeof(candidate), places[i], self);
		if (access(candidate, X_OK) == 0 && realpath(candidate, path))
			return 0;
	}
	return -ENOENT;
}

/* Everything open() needs to exec the launcher, in one allocation-owning
 * bundle so that failure paths free it in one place. */
struct launch {
	char launcher[PATH_MAX], program[PATH_MAX], ranks[24], ranks_opt[40];
	char *cpus;                /* "--cpus" list for the ranks, or NULL */
	char *extra;               /* copy of PARBENCH_MPI_ARGS, split in place */
	char *argv[MAX_EXTRA_ARGS + 24 + 4 * MAX_KERNEL_LIBS];
	char **envp;
};

/* Up to len bytes from fd, until its end. */
static size_t read_upto(int fd, char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	return got;
}

/*
 * The SHA-256 of a library as parbench-mpi --sha256 computes it on the
 * driver's node: the code that records it in the provenance
 * (bench/base/sha256.c), which the runners, a layer below bench/, may not
 * call.  0, or -EIO where it could not say (the file unreadable).
 */
static int digest_by_program(const char *program, const char *path, char hex[65])
{
	int fd[2], status;
	if (pipe2(fd, O_CLOEXEC))
		return -errno;
	pid_t pid = fork();
	if (pid == 0) { /* async-signal-safe calls only: the driver has threads */
		dup2(fd[1], STDOUT_FILENO);
		execl(program, program, "--sha256", path, (char *)NULL);
		_exit(127);
	}
	int err = pid < 0 ? -errno : 0;
	close(fd[1]);
	char buf[80];
	size_t got = err ? 0 : read_upto(fd[0], buf, sizeof(buf));
	close(fd[0]);
	if (err)
		return err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* 64 hex digits and a newline, from a clean exit */
	if (!WIFEXITED(status) || WEXITSTATUS(status) || got != 65 || buf[64] != '\n')
		return -EIO;
	memcpy(hex, buf, 64);
	hex[64] = '\0';
	return 0;
}

/*
 * The digest each rank must find its library to have: taken once, at the
 * sweep's first MPI cell, and kept, so that a library rebuilt during the
 * sweep fails the MPI cells that would run another build than the
 * driver's.  NULL where it cannot be had (the ranks then load unchecked,
 * as the provenance then records "unknown").
 */
static const char *expected_digest(const char *program, size_t i)
{
	static char digest[MAX_KERNEL_LIBS][65];
	if (!digest[i][0]) /* written only where it succeeds */
		digest_by_program(program, pb_kernel_lib_path(i), digest[i]);
	return digest[i][0] ? digest[i] : NULL;
}

static int build_argv(struct launch *l, const struct pb_pool_opts *opts, int scatter)
{
	const char *choice = getenv("PARBENCH_MPI_LAUNCHER");
	const char *hostfile = getenv("PARBENCH_MPI_HOSTFILE");
	const char *args = getenv("PARBENCH_MPI_ARGS");
	size_t c = 0;

	if (!choice || !*choice)
		choice = getenv("SLURM_JOB_ID") ? "srun" : "mpirun";
	int err = pb_mpi_find_exe(choice, l->launcher, sizeof(l->launcher));
	if (err)
		return err;
	const char *base = strrchr(l->launcher, '/');
	int srun = strstr(base ? base + 1 : l->launcher, "srun") != NULL;

	l->argv[c++] = l->launcher;
	if (srun) {
		/* Stdin to task 0 only; more tasks than CPUs allowed; no
		 * binding until placement policies exist. */
		snprintf(l->ranks_opt, sizeof(l->ranks_opt), "--ntasks=%u", opts->workers);
		l->argv[c++] = "--mpi=pmix";
		l->argv[c++] = l->ranks_opt;
		l->argv[c++] = "--input=0";
		l->argv[c++] = "--overcommit";
		l->argv[c++] = "--cpu-bind=none";
		l->argv[c++] = "--kill-on-bad-exit=1";
	} else {
		snprintf(l->ranks, sizeof(l->ranks), "%u", opts->workers);
		l->argv[c++] = "-np";
		l->argv[c++] = l->ranks;
		l->argv[c++] = "--oversubscribe";
		l->argv[c++] = "--bind-to";
		l->argv[c++] = "none";
		if (hostfile && *hostfile) {
			l->argv[c++] = "--hostfile";
			l->argv[c++] = (char *)hostfile;
		}
		/* mpirun hands remote ranks only the variables it is told to. */
		if (getenv("PARBENCH_MPI_TEST_FAIL")) {
			l->argv[c++] = "-x";
			l->argv[c++] = "PARBENCH_MPI_TEST_FAIL";
		}
	}
	if (args) {
		l->extra = strdup(args);
		if (!l->extra)
			return -ENOMEM;
		for (char *save, *tok = strtok_r(l->extra, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save)) {
			if (c >= MAX_EXTRA_ARGS + 10)
				return -E2BIG;
			l->argv[c++] = tok;
		}
	}
	err = find_program(l->program);
	if (err)
		return err;
	l->argv[c++] = l->program;
	/* Every rank loads the libraries the driver's kernels came from: on
	 * a cluster their paths must be visible on every node, and hold the
	 * very file the driver loaded there, which each rank checks. */
	for (size_t i = 0; i < pb_kernel_lib_count() && i < MAX_KERNEL_LIBS; i++) {
		const char *digest = expected_digest(l->program, i);
		l->argv[c++] = "--kernel-lib";
		l->argv[c++] = (char *)pb_kernel_lib_path(i);
		if (digest) {
			l->argv[c++] = "--kernel-lib-sha256";
			l->argv[c++] = (char *)digest;
		}
	}
	if (scatter)
		l->argv[c++] = "--scatter";
	if (opts->spin)
		l->argv[c++] = "--spin";
	if (opts->cpus) {
		/* The launcher's binding is off: each rank binds itself to the
		 * CPU of its local rank (the same policy on every node). */
		l->cpus = malloc((size_t)opts->workers * 12 + 1);
		if (!l->cpus)
			return -ENOMEM;
		size_t used = 0;
		for (unsigned w = 0; w < opts->workers; w++)
			used += (size_t)sprintf(l->cpus + used, "%s%d", w ? ";" : "", opts->cpus[w]);
		l->argv[c++] = "--cpus";
		l->argv[c++] = l->cpus;
	}
	l->argv[c] = NULL;
	return 0;
}

/* The driver's environment plus Open MPI's settings (built before fork:
 * the child may only call async-signal-safe functions). */
static int build_envp(struct launch *l)
{
	static char root1[] = "OMPI_ALLOW_RUN_AS_ROOT=1";
	static char root2[] = "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1";
	static char pml[] = "OMPI_MCA_pml=ob1";
	static char osc[] = "OMPI_MCA_osc=sm,pt2pt";
	size_t count = 0, c = 0;

	while (environ[count])
		count++;
	l->envp = malloc((count + MAX_ENV_ADDED + 1) * sizeof(*l->envp));
	if (!l->envp)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++)
		l->envp[c++] = environ[i];
	if (geteuid() == 0) {
		if (!getenv("OMPI_ALLOW_RUN_AS_ROOT"))
			l->envp[c++] = root1;
		if (!getenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"))
			l->envp[c++] = root2;
	}
	if (!getenv("OMPI_MCA_pml"))
		l->envp[c++] = pml;
	/* With ob1 over TCP no other one-sided component makes a window
	 * between nodes (MPI_Win_allocate fails "invalid window"): sm within
	 * a node, pt2pt across them. */
	const char *given = getenv("OMPI_MCA_pml");
	if (!getenv("OMPI_MCA_osc") && (!given || strcmp(given, "ob1") == 0))
		l->envp[c++] = osc;
	l->envp[c] = NULL;
	return 0;
}

/* The launcher's exit, as opts->why: "launcher-exit-7", "launcher-SIGSEGV". */
static void launcher_status(const struct pb_pool_opts *opts, int status)
{
	const char *sig;
	if (!opts->why || !opts->why_len || status < 0)
		return;
	if (WIFEXITED(status))
		snprintf(opts->why, opts->why_len, "launcher-exit-%d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && (sig = sigabbrev_np(WTERMSIG(status))))
		snprintf(opts->why, opts->why_len, "launcher-SIG%s", sig);
}

/* Adds the node the launcher blamed, if it named one: "rank-died-on-n2". */
static void blame_node(const struct pb_mpi_proc *proc, char *why, size_t len)
{
	char node[64];
	size_t used = strlen(why);
	if (used && pb_mpi_blamed_node(proc, node, sizeof(node)) && used < len)
		snprintf(why + used, len - used, "-on-%s", node);
}

static void fail(struct pb_pool *pool, struct pb_outcome *out, int err)
{
	/* A job that missed a deadline may be stuck anywhere: no grace.  One
	 * that died gets a moment to say where. */
	pb_mpi_end(&pool->proc, err == -EPIPE ? LAUNCH_EXIT_GRACE : 0);
	pool->broken = 1;
	if (out) {
		snprintf(out->why, sizeof(out->why), "%s",
			 err == -ETIMEDOUT ? "timeout" : err == -EPIPE ? "rank-died"
			 : "channel-error");
		blame_node(&pool->proc, out->why, sizeof(out->why));
	}
}

/* Rank 0's watcher (mpi/watch.c) said a rank is gone: "@pb lost <rank>
 * <node>" becomes "rank-lost-on-<node>". */
static int lost_rank(const char *line, char *why, size_t len)
{
	int rank;
	char node[PB_MPI_NODE_MAX];
	if (sscanf(line, PB_MPI_TAG " lost %d %63s", &rank, node) != 2)
		return 0;
	snprintf(why, len, "rank-%d-lost-on-%s", rank, node);
	return 1;
}

/* One command and its reply line; on a channel failure the job is ended. */
static int exchange(struct pb_pool *pool, const char *cmd, char **reply,
		    struct pb_outcome *out)
{
	if (pool->broken) {
		if (out)
			snprintf(out->why, sizeof(out->why), "job-lost");
		return -EPIPE;
	}
	int err = pb_mpi_send(&pool->proc, cmd, pool->timeout);
	if (!err)
		err = pb_mpi_recv(&pool->proc, PB_MPI_TAG, pool->timeout, reply);
	if (err) {
		fail(pool, out, err);
		return err;
	}
	char why[sizeof(out->why)];
	if (lost_rank(*reply, why, sizeof(why))) {
		/* The others may wait for it for ever. */
		pb_mpi_end(&pool->proc, 0);
		pool->broken = 1;
		if (out)
			snprintf(out->why, sizeof(out->why), "%s", why);
		return -ECONNRESET;
	}
	*reply += strlen(PB_MPI_TAG " ");
	return 0;
}

/* The node of each rank from "@pb ready <ranks> [<node> per rank]"; an
 * older parbench-mpi names none. */
static int keep_nodes(struct pb_pool *pool, const char *ready)
{
	const char *p = ready + strlen(PB_MPI_TAG " ready");
	p += strspn(p, " ");
	p += strcspn(p, " "); /* the rank count */
	char **nodes = calloc(pool->workers, sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	for (unsigned w = 0; w < pool->workers; w++) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " \n");
		if (!len || !(nodes[w] = strndup(p, len)))
			break;
		p += len;
	}
	if (!nodes[pool->workers - 1]) { /* none, or not one per rank */
		for (unsigned w = 0; w < pool->workers; w++)
			free(nodes[w]);
		free(nodes);
		return 0;
	}
	pool->nodes = nodes;
	return 0;
}

static void free_nodes(struct pb_pool *pool)
{
	for (unsigned w = 0; pool->nodes && w < pool->workers; w++)
		free(pool->nodes[w]);
	free(pool->nodes);
}

static const char *mpi_node(struct pb_pool *pool, unsigned w)
{
	return pool->nodes && w < pool->workers ? pool->nodes[w] : NULL;
}

static int mpi_open_mode(struct pb_pool **out, const struct pb_pool_opts *opts,
			 int scatter)
{
	struct launch *l;
	struct pb_pool *pool;
	char *line;
	int err;

	if (opts->workers < 1)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	pool = calloc(1, sizeof(*pool));
	err = l && pool ? 0 : -ENOMEM;
	if (!err)
		err = build_argv(l, opts, scatter);
	if (!err)
		err = build_envp(l);
	if (!err) {
		pool->workers = opts->workers;
		pool->timeout = option_timeout();
		err = pb_mpi_spawn(&pool->proc, l->argv, l->envp);
	}
	if (l) {
		free(l->extra);
		free(l->cpus);
		free(l->envp);
		free(l);
	}
	if (err) {
		free(pool);
		return err;
	}
	err = pb_mpi_recv(&pool->proc, PB_MPI_TAG, pool->timeout, &line);
	unsigned ranks = 0;
	if (!err && opts->why && lost_rank(line, opts->why, opts->why_len)) {
		err = -ENOENT; /* a rank died as the job started: its node named */
	} else if (!err && strncmp(line, PB_MPI_TAG " err ", strlen(PB_MPI_TAG) + 5) == 0) {
		/* The ranks started but refused (a library a node cannot load). */
		if (opts->why)
			snprintf(opts->why, opts->why_len, "%s", line + strlen(PB_MPI_TAG) + 5);
		err = -ENOENT;
	} else if (!err && (sscanf(line, PB_MPI_TAG " ready %u", &ranks) != 1 ||
			    ranks != opts->workers)) {
		err = -EPROTO;
	} else if (!err) {
		err = keep_nodes(pool, line);
	}
	if (err) {
		/* A job that ended its output has likely exited: its status
		 * says more than "broken pipe". */
		int status = pb_mpi_end(&pool->proc, err == -EPIPE || err == -ENOENT
							      ? LAUNCH_EXIT_GRACE : 0);
		if (err != -ENOENT) { /* else the ranks' own reason stands */
			if (err == -ETIMEDOUT && opts->why && opts->why_len)
				snprintf(opts->why, opts->why_len, "timeout");
			launcher_status(opts, status);
			if (opts->why && opts->why_len)
				blame_node(&pool->proc, opts->why, opts->why_len);
		}
		free_nodes(pool);
		free(pool);
		return err;
	}
	*out = pool;
	return 0;
}

static int mpi_open(struct pb_pool **pool, const struct pb_pool_opts *opts)
{
	return mpi_open_mode(pool, opts, 0);
}

static int mpi_scatter_open(struct pb_pool **pool, const struct pb_pool_opts *opts)
{
	return mpi_open_mode(pool, opts, 1);
}

static void *mpi_alloc(struct pb_pool *pool, size_t bytes)
{
	char cmd[48], *reply;

	if (bytes == 0)
		return NULL;
	snprintf(cmd, sizeof(cmd), "alloc %zu\n", bytes);
	if (exchange(pool, cmd, &reply, NULL) || strcmp(reply, "ok") != 0)
		return NULL;
	return &pool->token;
}

static void mpi_free(struct pb_pool *pool, void *mem, size_t bytes)
{
	char *reply;

	(void)bytes;
	if (mem && !pool->broken)
		exchange(pool, "free\n", &reply, NULL);
}

/* "ok <result> <seconds> <comm> [<start> <end> per rank]" into out. */
static int parse_ok(const struct pb_pool *pool, const char *reply, struct pb_outcome *out)
{
	unsigned long long result;
	double seconds, comm;
	int used;

	if (sscanf(reply, "ok %llu %lf %lf%n", &result, &seconds, &comm, &used) != 3)
		return -EPROTO;
	out->result = result;
	out->seconds = seconds;
	out->comm_seconds = comm;
	if (!out->cpu_start || !out->cpu_end)
		return 0;
	const char *p = reply + used;
	for (unsigned w = 0; w < pool->workers; w++) {
		int bound, start, end, n;
		if (sscanf(p, "%d %d %d%n", &bound, &start, &end, &n) != 3)
			return -EPROTO;
		if (out->cpu_bound)
			out->cpu_bound[w] = bound;
		out->cpu_start[w] = start;
		out->cpu_end[w] = end;
		p += n;
	}
	return 0;
}

static int mpi_run(struct pb_pool *pool, const struct pb_job *job, struct pb_outcome *out)
{
	char cmd[160], *reply;
	int want_cpus = out->cpu_start && out->cpu_end;

	if (strlen(job->kernel->name) >= PB_MPI_NAME_MAX || strchr(job->kernel->name, ' '))
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "run %s %s %llu %s %llu %d %llu\n",
		 job->phase == PB_PHASE_INIT ? "init" : "run", job->kernel->name,
		 (unsigned long long)job->n, pb_sched_name(job->sched.kind),
		 (unsigned long long)job->sched.chunk, want_cpus,
		 (unsigned long long)job->wait_ns);
	int err = exchange(pool, cmd, &reply, out);
	if (err)
		return err;
	if (strncmp(reply, "err ", 4) == 0) {
		snprintf(out->why, sizeof(out->why), "%s", reply + 4);
		return -EIO;
	}
	if (parse_ok(pool, reply, out)) {
		snprintf(out->why, sizeof(out->why), "bad-reply");
		return -EPROTO;
	}
	return 0;
}

static void mpi_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	if (!pool->broken)
		pb_mpi_send(&pool->proc, "quit\n", pool->timeout);
	pb_mpi_end(&pool->proc, QUIT_GRACE);
	free_nodes(pool);
	free(pool);
}

#define MPI_SCHEDULES (PB_SCHED_BIT(PB_SCHED_STATIC) | PB_SCHED_BIT(PB_SCHED_DYNAMIC) | \
		       PB_SCHED_BIT(PB_SCHED_GUIDED))

static int mpi_available(char *why, size_t len)
{
	const char *choice = getenv("PARBENCH_MPI_LAUNCHER");
	char path[PATH_MAX];

	if (option_timeout() < 0) {
		snprintf(why, len, "PARBENCH_MPI_TIMEOUT='%s' is not a positive number of "
			 "seconds", getenv("PARBENCH_MPI_TIMEOUT"));
		return -EINVAL;
	}
	if (!choice || !*choice)
		choice = getenv("SLURM_JOB_ID") ? "srun" : "mpirun";
	if (pb_mpi_find_exe(choice, path, sizeof(path))) {
		snprintf(why, len, "no MPI launcher '%s' found (install openmpi-bin or set "
			 "PARBENCH_MPI_LAUNCHER)", choice);
		return -ENOENT;
	}
	if (find_program(path)) {
		snprintf(why, len, "no %s program beside parbench (set PARBENCH_MPI_PROGRAM)",
			 PB_MPI_PROGRAM);
		return -ENOENT;
	}
	return 0;
}

const struct pb_runner pb_runner_mpi = {
	.name = "mpi",
	.summary = "MPI ranks own their blocks (mpirun/srun, PARBENCH_MPI_LAUNCHER); "
		   "RMA counter for dynamic",
	.schedules = MPI_SCHEDULES,
	.distributed = 1,
	.open = mpi_open,
	.alloc = mpi_alloc,
	.free = mpi_free,
	.run = mpi_run,
	.close = mpi_close,
	.available = mpi_available,
	.node = mpi_node,
};

const struct pb_runner pb_runner_mpi_scatter = {
	.name = "mpi-scatter",
	.summary = "MPI, rank 0 scatters the input and gathers the output every run",
	.schedules = MPI_SCHEDULES,
	.distributed = 1,
	.moves_data = 1,
	.open = mpi_scatter_open,
	.alloc = mpi_alloc,
	.free = mpi_free,
	.run = mpi_run,
	.close = mpi_close,
	.available = mpi_available,
	.node = mpi_node,
};
