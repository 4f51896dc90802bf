/*
 * fork: a persistent pool of worker processes.  The children are forked
 * once per cell, in open(), and reused for every job until close(); the
 * caller is worker 0, as in the pthread pool, so a pool of w workers has
 * w - 1 children.
 *
 * Everything the workers share lives in memory that outlives fork:
 *  - a control block, MAP_SHARED | MAP_ANONYMOUS, mapped before forking:
 *    the job, a generation counter, the join countdown, the chunk counter of
 *    the dynamic schedules and one cache line per worker for its partial;
 *  - the kernel's data, in a memfd created before forking.  The harness calls
 *    alloc() only after open(), so the children cannot inherit that mapping:
 *    alloc() sizes the memfd and maps it in the caller, and each child maps
 *    the inherited descriptor itself at the start of its next job (the
 *    init phase, untimed).  Each process maps it wherever its kernel puts
 *    it and the children turn job->mem into an offset from the caller's base
 *    plus their own: a fixed address would need the same hole in every
 *    address space, which nothing guarantees once the caller has mapped and
 *    unmapped things after the fork.  Input is read and output written in
 *    place, no copies.  Pages are first touched by the workers' init phase,
 *    and nothing big is resident at fork time, so forking stays cheap.
 *    Unlike threads, each process has page tables of its own: a page
 *    another worker first touched faults (a minor fault per 64 KiB or so)
 *    when a dynamic schedule later hands it to us, rep after rep until every
 *    process has mapped every page.  So the init phase ends with every
 *    process reading one byte per page: the pages exist by then, so this
 *    only fills page tables (writable: shmem needs no write notification).
 *    MADV_POPULATE_WRITE would do the same in one call, but measured here
 *    it left the first rep 20 times slower than the next ones.
 *
 * Dispatch and join are those of the pthread pool on shared futexes: spin
 * first when every worker has a CPU of its own, then sleep.  The job's
 * kernel pointer is valid in the children because fork copies the binary
 * image: kernels are static objects (one created after open() would not
 * be).
 *
 * A child that dies is never waited on forever: the caller sleeps on the
 * join countdown with a timeout and checks its children with
 * waitpid(WNOHANG) every DEATH_CHECK_NS.  The pool is then broken: run()
 * kills and reaps the other children and returns -ECHILD with the signal
 * ("SIGKILL"), exit status ("exit-3") or stop ("stopped-by-SIGSTOP") in
 * out->why: a stopped child holds the job as a dead one would.  Under a
 * static schedule the caller notices once it has done its own block;
 * under one that hands out chunks, between its chunks: a death costs at
 * most a block or a chunk plus DEATH_CHECK_NS.  Children die with their
 * parent (PR_SET_PDEATHSIG) and leave with _exit, so they never run
 * atexit handlers nor flush the parent's stdio buffers.  Besides the kernel, a child calls only thin
 * system-call wrappers (no malloc, no stdio): the caller may have other
 * threads (libgomp's) when it forks.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

#include "affinity.h"
#include "chunks.h"
#include "futex.h"
#include "runner.h"

#define CACHE_LINE 64
/* How often a waiting caller looks for dead children. */
#define DEATH_CHECK_NS (20 * 1000 * 1000L)
/* How long close() lets idle children leave before killing them. */
#define STOP_GRACE_NS (1000 * 1000 * 1000L)
/* How long the caller waits for the children's shares of one job
 * (PARBENCH_FORK_TIMEOUT, seconds), as the mpi runners wait for their
 * ranks: a child stuck in a loop fails its cell instead of the sweep. */
#define DEFAULT_TIMEOUT_S 300.0

/* Written by worker w only; the caller reads it after the join. */
struct slot {
	alignas(CACHE_LINE) uint64_t partial;
	int cpu_start, cpu_end, cpu_bound;
	int error; /* negative errno: binding at start-up, or mapping the data */
};

/* Shared by the caller and every child (MAP_SHARED before fork). */
struct control {
	alignas(CACHE_LINE) _Atomic uint32_t generation; /* bumped per job */
	_Atomic uint32_t worker_sleepers;
	alignas(CACHE_LINE) _Atomic uint32_t pending; /* workers still busy */
	_Atomic uint32_t caller_sleeping;
	alignas(CACHE_LINE) _Atomic uint64_t next; /* dynamic schedules */
	/* Written by the caller while the workers are idle; the generation
	 * bump publishes them. */
	alignas(CACHE_LINE) struct pb_job job; /* mem: the caller's address */
	unsigned workers;
	int stop;
	int where;             /* record the workers' CPUs */
	int populate;          /* the job: populate page tables, see above */
	char *base;            /* the caller's mapping of the data */
	size_t map_bytes;      /* size of the memfd, 0: no data */
	uint32_t map_seq;      /* bumped by alloc/free: children remap */
	struct slot slot[];    /* one per worker; slot 0 (the caller) unused */
};

struct pb_pool {
	struct control *ctl;
	size_t ctl_bytes;
	unsigned workers;
	int spin;
	int memfd;
	void *mem; /* the live allocation in the caller, or NULL */
	size_t bytes;
	int broken;   /* negative errno once a child died: unusable */
	char why[32]; /* why it broke */
	struct pb_affinity caller; /* the caller is worker 0 while the pool lives */
	pid_t *pid;   /* child of worker w (w >= 1); 0 once reaped */
	int64_t timeout_ns; /* for the children's shares of one job */
};

static void finish_share(struct control *ctl)
{
	if (atomic_fetch_sub(&ctl->pending, 1) == 1)
		pb_wake_if_sleeping(&ctl->pending, &ctl->caller_sleeping, 1);
}

/* Maps the data at its current size in a child; returns 0 or -errno. */
static int child_remap(struct control *ctl, int memfd, char **mem, size_t *bytes)
{
	if (*mem)
		munmap(*mem, *bytes);
	*mem = NULL;
	*bytes = ctl->map_bytes;
	if (!*bytes)
		return 0;
	void *p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (p == MAP_FAILED)
		return -errno;
	*mem = p;
	return 0;
}

/* Maps every page of the data into this process's page tables.  A stride
 * of the smallest page size also reaches every page of larger ones. */
static void populate(const char *mem, size_t bytes)
{
	const volatile char *p = mem;

	for (size_t i = 0; mem && i < bytes; i += 4096)
		(void)p[i];
}

static _Noreturn void child_main(struct control *ctl, int memfd, unsigned w,
				 int cpu, pid_t parent, int spin)
{
	struct slot *self = &ctl->slot[w];
	uint32_t seen = atomic_load(&ctl->generation), seq = 0;
	char *mem = NULL;
	size_t bytes = 0;

	/* The signal comes when the thread that forked exits: the pool must
	 * be opened and closed by the same, long-lived thread.  The parent may
	 * have died before prctl: then we were already re-parented. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(1);
	if (cpu >= 0)
		self->error = pb_bind_self(cpu);
	finish_share(ctl); /* ready */
	for (;;) {
		seen = pb_wait_change(&ctl->generation, seen, &ctl->worker_sleepers,
				      spin, 1);
		if (ctl->stop)
			_exit(0);
		if (ctl->map_seq != seq) {
			seq = ctl->map_seq;
			self->error = child_remap(ctl, memfd, &mem, &bytes);
		}
		if (ctl->populate) {
			populate(mem, bytes);
			finish_share(ctl);
			continue;
		}
		/* Where this worker is, in its own slot (index 0 of each). */
		struct pb_outcome where = {.cpu_start = &self->cpu_start,
					   .cpu_end = &self->cpu_end,
					   .cpu_bound = &self->cpu_bound};
		if (ctl->where)
			pb_outcome_where(&where, 0, 0);
		/* A child that could not map the data runs nothing; the caller
		 * reports its error. */
		self->partial = 0;
		if (!self->error) {
			struct pb_job job = ctl->job;
			if (job.mem) /* the same offset in our own mapping */
				job.mem = mem + ((char *)job.mem - ctl->base);
			if (job.task_ns)
				job.task_ns = (uint64_t *)(mem + ((char *)job.task_ns - ctl->base));
			self->partial = pb_share_run(&ctl->next, &job, ctl->workers, w);
		}
		if (ctl->where)
			pb_outcome_where(&where, 0, 1);
		finish_share(ctl);
	}
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* pb_futex_wait with a timeout, so that a dead child cannot hold us. */
static void futex_wait_ns(_Atomic uint32_t *word, uint32_t expected, long ns)
{
	struct timespec t = {.tv_sec = 0, .tv_nsec = ns};

	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected, &t, NULL, 0);
}

static void describe_status(char *buf, size_t size, int status)
{
	const char *abbrev;

	if (WIFSTOPPED(status) && (abbrev = sigabbrev_np(WSTOPSIG(status))))
		snprintf(buf, size, "stopped-by-SIG%s", abbrev);
	else if (WIFSTOPPED(status))
		snprintf(buf, size, "stopped-by-signal-%d", WSTOPSIG(status));
	else if (WIFSIGNALED(status) && (abbrev = sigabbrev_np(WTERMSIG(status))))
		snprintf(buf, size, "SIG%s", abbrev);
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal-%d", WTERMSIG(status));
	else
		snprintf(buf, size, "exit-%d", WEXITSTATUS(status));
}

/* Kills and reaps every child still there: bounded, SIGKILL cannot be
 * caught, and it leaves no zombie behind. */
static void kill_all(struct pb_pool *pool)
{
	for (unsigned w = 1; w < pool->workers; w++)
		if (pool->pid[w] > 0)
			kill(pool->pid[w], SIGKILL);
	for (unsigned w = 1; w < pool->workers; w++) {
		if (pool->pid[w] <= 0)
			continue;
		while (waitpid(pool->pid[w], NULL, 0) < 0 && errno == EINTR)
			;
		pool->pid[w] = 0;
	}
}

/* Reaps a child that died; the first death breaks the pool, whose other
 * children are then killed so that none goes on touching the data.
 * Returns pool->broken. */
static int check_children(struct pb_pool *pool)
{
	for (unsigned w = 1; w < pool->workers && !pool->broken; w++) {
		int status;
		/* A stopped child (SIGSTOP, a debugger) would hold the job as
		 * long as a dead one: it breaks the pool too, and is killed. */
		pid_t r = waitpid(pool->pid[w], &status, WNOHANG | WUNTRACED);
		if (r == 0 || (r < 0 && errno == EINTR))
			continue;
		if (!(r > 0 && WIFSTOPPED(status)))
			pool->pid[w] = 0;
		pool->broken = -ECHILD;
		if (r > 0)
			describe_status(pool->why, sizeof(pool->why), status);
		else /* reaped behind our back (SIGCHLD ignored, say) */
			snprintf(pool->why, sizeof(pool->why), "worker-lost");
	}
	if (pool->broken)
		kill_all(pool);
	return pool->broken;
}

/* Waits until every child finished its share (or, in open(), started).
 * Sleeps with a timeout rather than for good, looking for dead children
 * between sleeps: on a clock, not on each return, so that a stream of
 * signals cannot postpone the check. */
static int wait_pending(struct pb_pool *pool)
{
	struct control *ctl = pool->ctl;
	uint32_t left;
	int err = 0;

	for (int i = pool->spin ? PB_SPIN_ITERATIONS : 0; i > 0; i--) {
		if (atomic_load_explicit(&ctl->pending, memory_order_acquire) == 0)
			return 0;
		pb_cpu_relax();
	}
	int64_t check = now_ns() + DEATH_CHECK_NS, deadline = now_ns() + pool->timeout_ns;
	atomic_fetch_add(&ctl->caller_sleeping, 1);
	while (!err && (left = atomic_load(&ctl->pending)) != 0) {
		futex_wait_ns(&ctl->pending, left, DEATH_CHECK_NS);
		int64_t now = now_ns();
		if (now >= check) {
			err = check_children(pool);
			check = now + DEATH_CHECK_NS;
		}
		if (!err && now >= deadline) {
			snprintf(pool->why, sizeof(pool->why), "timeout");
			kill_all(pool);
			err = pool->broken = -ETIMEDOUT;
		}
	}
	atomic_fetch_sub(&ctl->caller_sleeping, 1);
	return err;
}

/* Asks the children to leave and reaps them.  Idle children leave at once;
 * one that does not (stopped, say) is killed after a grace period. */
static void stop_children(struct pb_pool *pool)
{
	struct control *ctl = pool->ctl;
	int64_t deadline = now_ns() + STOP_GRACE_NS;
	long pause_ns = 10000;

	ctl->stop = 1;
	atomic_fetch_add(&ctl->generation, 1);
	pb_futex_wake_all(&ctl->generation, 1);
	for (;;) {
		unsigned left = 0;
		for (unsigned w = 1; w < pool->workers; w++) {
			if (pool->pid[w] <= 0)
				continue;
			pid_t r = waitpid(pool->pid[w], NULL, WNOHANG);
			if (r > 0 || (r < 0 && errno == ECHILD))
				pool->pid[w] = 0;
			else
				left++;
		}
		if (!left || now_ns() >= deadline)
			break;
		nanosleep(&(struct timespec){.tv_nsec = pause_ns}, NULL);
		if (pause_ns < 10000000)
			pause_ns *= 2;
	}
	kill_all(pool);
}

static void release(struct pb_pool *pool)
{
	if (pool->memfd >= 0)
		close(pool->memfd);
	if (pool->ctl)
		munmap(pool->ctl, pool->ctl_bytes);
	free(pool->pid);
	free(pool);
}

static int pool_open(struct pb_pool **out, const struct pb_pool_opts *opts)
{
	struct pb_pool *pool;
	int err = 0;

	if (opts->workers < 1)
		return -EINVAL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->workers = opts->workers;
	pool->spin = opts->spin;
	double timeout = pb_env_seconds("PARBENCH_FORK_TIMEOUT", DEFAULT_TIMEOUT_S);
	pool->timeout_ns = (int64_t)((timeout > 0 ? timeout : DEFAULT_TIMEOUT_S) * 1e9);
	pool->ctl_bytes = sizeof(struct control) + sizeof(struct slot) * opts->workers;
	pool->memfd = -1;
	pool->pid = calloc(opts->workers, sizeof(*pool->pid));
	if (!pool->pid)
		err = -ENOMEM;
	/* Both are inherited by the children, so both exist before fork. */
	if (!err && (pool->memfd = memfd_create("parbench-fork", MFD_CLOEXEC)) < 0)
		err = -errno;
	if (!err) {
		void *ctl = mmap(NULL, pool->ctl_bytes, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (ctl == MAP_FAILED)
			err = -errno;
		else
			pool->ctl = ctl;
	}
	if (err) {
		release(pool);
		return err;
	}
	pool->ctl->workers = opts->workers;
	atomic_store(&pool->ctl->pending, opts->workers - 1);

	pb_affinity_save(&pool->caller);
	if (opts->cpus)
		err = pb_bind_self(opts->cpus[0]);
	/* Children never flush stdio, but a buffer pending now would be
	 * duplicated by any that did (a sanitizer report, say). */
	fflush(NULL);
	pid_t parent = getpid();
	for (unsigned w = 1; !err && w < opts->workers; w++) {
		pid_t pid = fork();
		if (pid == 0)
			child_main(pool->ctl, pool->memfd, w,
				   opts->cpus ? opts->cpus[w] : -1, parent, opts->spin);
		if (pid < 0)
			err = -errno;
		else
			pool->pid[w] = pid;
	}
	if (!err)
		err = wait_pending(pool); /* every child is ready */
	for (unsigned w = 1; !err && w < opts->workers; w++)
		err = pool->ctl->slot[w].error;
	if (err) {
		kill_all(pool);
		pb_affinity_restore(&pool->caller);
		release(pool);
		return err;
	}
	*out = pool;
	return 0;
}

/* One live allocation per pool: the data is the memfd itself. */
static void *pool_alloc(struct pb_pool *pool, size_t bytes)
{
	if (bytes == 0 || pool->mem)
		return NULL;
	if (ftruncate(pool->memfd, (off_t)bytes) != 0)
		return NULL;
	/* Not touched here: the workers' init phase is the first touch. */
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, pool->memfd, 0);
	if (p == MAP_FAILED) {
		if (ftruncate(pool->memfd, 0) != 0) {
			/* Nothing mapped it: the pages go with the memfd. */
		}
		return NULL;
	}
	pool->mem = p;
	pool->bytes = bytes;
	/* The children are idle: the next job's dispatch publishes these. */
	pool->ctl->base = p;
	pool->ctl->map_bytes = bytes;
	pool->ctl->map_seq++;
	return p;
}

static void pool_free(struct pb_pool *pool, void *mem, size_t bytes)
{
	(void)bytes;
	if (!mem || mem != pool->mem)
		return;
	munmap(pool->mem, pool->bytes);
	/* Truncating gives the pages back now, although the children keep
	 * their (now empty) mappings until their next job. */
	if (ftruncate(pool->memfd, 0) != 0) {
		/* They go at close() instead, with the memfd. */
	}
	pool->mem = NULL;
	pool->bytes = 0;
	pool->ctl->base = NULL;
	pool->ctl->map_bytes = 0;
	pool->ctl->map_seq++;
}

/* Starts the job in the control block on every child. */
static void dispatch(struct pb_pool *pool)
{
	struct control *ctl = pool->ctl;

	atomic_store_explicit(&ctl->next, 0, memory_order_relaxed);
	atomic_store_explicit(&ctl->pending, pool->workers - 1, memory_order_relaxed);
	/* The generation bump releases the stores above to the workers. */
	atomic_fetch_add(&ctl->generation, 1);
	pb_wake_if_sleeping(&ctl->generation, &ctl->worker_sleepers, 1);
}

/* After the init phase, every process maps every page of the data. */
static int populate_all(struct pb_pool *pool)
{
	pool->ctl->populate = 1;
	dispatch(pool);
	populate(pool->mem, pool->bytes);
	int err = wait_pending(pool);
	pool->ctl->populate = 0;
	return err;
}

/* The caller's own share.  Under a schedule that hands out chunks it
 * looks for dead children between chunks, on a clock: otherwise a death
 * would be noticed only once the caller had done the dead child's chunks
 * too. */
static uint64_t caller_share(struct pb_pool *pool, const struct pb_job *job)
{
	struct control *ctl = pool->ctl;
	uint64_t b, e, s = 0;

	if (job->sched.kind == PB_SCHED_STATIC)
		return pb_share_run(&ctl->next, job, pool->workers, 0);
	int64_t check = now_ns() + DEATH_CHECK_NS;
	while (!pool->broken && pb_chunk_claim(&ctl->next, job, pool->workers, &b, &e)) {
		s += pb_job_range(job, b, e);
		int64_t now = now_ns();
		if (now >= check) {
			check_children(pool);
			check = now + DEATH_CHECK_NS;
		}
	}
	return s;
}

static int pool_run(struct pb_pool *pool, const struct pb_job *job,
		    struct pb_outcome *out)
{
	struct control *ctl = pool->ctl;
	char *mem = job->mem, *base = pool->mem;
	int err;

	if (pool->broken)
		goto broken;
	/* The children can reach only the memory alloc() gave. */
	if (mem && (!base || mem < base || mem >= base + pool->bytes))
		return -EINVAL;
	char *tasks = (char *)job->task_ns;
	if (tasks && (!base || tasks < base || tasks >= base + pool->bytes))
		return -EINVAL;
	ctl->job = *job;
	ctl->where = out->cpu_start || out->cpu_end || out->cpu_bound;
	dispatch(pool);

	pb_outcome_where(out, 0, 0);
	uint64_t total = caller_share(pool, job);
	pb_outcome_where(out, 0, 1);

	err = pool->broken ? pool->broken : wait_pending(pool);
	if (err)
		goto broken;
	for (unsigned w = 1; w < pool->workers; w++) {
		const struct slot *s = &ctl->slot[w];
		if (s->error && !err)
			err = s->error;
		total += s->partial;
		if (out->cpu_start)
			out->cpu_start[w] = s->cpu_start;
		if (out->cpu_end)
			out->cpu_end[w] = s->cpu_end;
		if (out->cpu_bound)
			out->cpu_bound[w] = s->cpu_bound;
	}
	out->result = total;
	if (!err && job->phase == PB_PHASE_INIT && mem && pool->workers > 1)
		err = populate_all(pool);
	if (pool->broken)
		goto broken;
	return err;
broken:
	snprintf(out->why, sizeof(out->why), "%s", pool->why);
	return pool->broken;
}

static void pool_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	stop_children(pool);
	pb_affinity_restore(&pool->caller);
	if (pool->mem) /* the caller did not free it */
		munmap(pool->mem, pool->bytes);
	release(pool);
}

static int pool_available(char *why, size_t len)
{
	if (pb_env_seconds("PARBENCH_FORK_TIMEOUT", DEFAULT_TIMEOUT_S) < 0) {
		snprintf(why, len, "PARBENCH_FORK_TIMEOUT='%s' is not a positive number of "
			 "seconds", getenv("PARBENCH_FORK_TIMEOUT"));
		return -EINVAL;
	}
	return 0;
}

const struct pb_runner pb_runner_fork = {
	.name = "fork",
	.summary = "persistent pool of forked processes: shared memory, shared futexes",
	.schedules = PB_SCHED_BIT(PB_SCHED_STATIC) | PB_SCHED_BIT(PB_SCHED_DYNAMIC) |
		     PB_SCHED_BIT(PB_SCHED_GUIDED),
	.open = pool_open,
	.alloc = pool_alloc,
	.free = pool_free,
	.run = pool_run,
	.close = pool_close,
	.available = pool_available,
};
