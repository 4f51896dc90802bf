/*
 * One job on every rank.  Each rank maps the kernel's whole virtual size
 * (MAP_NORESERVE: untouched pages cost nothing) and touches only the slice
 * it owns, so kernels index memory globally yet memory is distributed.
 *
 * mpi: rank r owns static block r and initialises it itself (first touch);
 * kernels without memory may instead claim chunks from a counter on rank 0
 * with MPI_Fetch_and_op (passive-target RMA, no help from rank 0 needed).
 *
 * mpi-scatter: rank 0 initialises the whole input and, in every run,
 * scatters each rank its slice and gathers the output back; those phases
 * are timed apart from the compute, between barriers.  Memory is read as
 * K uint64 arrays of `items` elements each (as sum and cube lay it out):
 * with K > 1 the last one is the output, the others are inputs.
 */
#include <limits.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rank.h"

/* Any kernel, the harness's own (empty, STREAM reference) included. */
const struct pb_kernel *pb_rank_kernel(const char *name)
{
	return pb_kernel_lookup(name);
}

int pb_rank_alloc(struct pb_rank *st, size_t bytes)
{
	pb_rank_free(st);
	if (bytes == 0)
		return 0;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	st->mem = p;
	st->bytes = bytes;
	return 0;
}

void pb_rank_free(struct pb_rank *st)
{
	if (st->mem)
		munmap(st->mem, st->bytes);
	st->mem = NULL;
	st->bytes = 0;
}

/* Where the guided schedule stands: claim k starts at item b. */
struct guided {
	uint64_t k, b;
};

static uint64_t guided_size(const struct pb_rank *st, const struct pb_job *job,
			    uint64_t b, uint64_t chunk)
{
	uint64_t size = (job->items - b) / (uint64_t)st->size;
	return size < chunk ? chunk : size;
}

/*
 * The next chunk from the counter on rank 0; 0 when none is left.  Guided
 * chunks (remaining / ranks, never below chunk, as OpenMP's) depend only on
 * how many were claimed before, so ranks draw tickets with the same
 * fetch-and-add and walk the sequence locally: no compare-and-swap, which
 * Open MPI 4.1's osc/rdma crashes on.
 */
static int claim(const struct pb_rank *st, const struct pb_job *job, struct guided *g,
		 uint64_t *begin, uint64_t *end)
{
	uint64_t items = job->items, chunk = job->sched.chunk ? job->sched.chunk : 1;
	uint64_t b, size = chunk, one = 1;

	if (job->sched.kind == PB_SCHED_DYNAMIC) {
		MPI_Fetch_and_op(&chunk, &b, MPI_UINT64_T, 0, 0, MPI_SUM, st->win);
		MPI_Win_flush(0, st->win);
	} else {
		uint64_t ticket;
		MPI_Fetch_and_op(&one, &ticket, MPI_UINT64_T, 0, 0, MPI_SUM, st->win);
		MPI_Win_flush(0, st->win);
		for (; g->k < ticket && g->b < items; g->k++)
			g->b += guided_size(st, job, g->b, chunk);
		b = g->b;
		if (b < items)
			size = guided_size(st, job, b, chunk);
	}
	if (b >= items)
		return 0;
	*begin = b;
	*end = items - b < size ? items : b + size;
	return 1;
}

static void reset_counter(const struct pb_rank *st)
{
	uint64_t zero = 0;

	/* Before the barrier, so no rank claims from a stale counter. */
	if (st->rank == 0) {
		MPI_Accumulate(&zero, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T,
			       MPI_REPLACE, st->win);
		MPI_Win_flush(0, st->win);
	}
}

static uint64_t share(const struct pb_rank *st, const struct pb_job *job)
{
	uint64_t b, e, s = 0;
	struct guided g = {0, 0};

	if (job->sched.kind == PB_SCHED_STATIC) {
		pb_block(job->items, (unsigned)st->size, (unsigned)st->rank, &b, &e);
		return pb_job_range(job, b, e);
	}
	while (claim(st, job, &g, &b, &e))
		s += pb_job_range(job, b, e);
	return s;
}

/* Test hook (PARBENCH_MPI_TEST_FAIL): the last rank fails at the first
 * timed run, as a crashed or deadlocked rank would. */
static void maybe_fail(struct pb_rank *st, const struct pb_cmd *cmd)
{
	if (cmd->phase != PB_PHASE_RUN || st->ran++ || !st->fail ||
	    st->rank != st->size - 1)
		return;
	if (st->fail == 'a')
		abort();
	for (;;)
		pause();
}

/* Test hook (PARBENCH_MPI_TEST_MARK=PATH): the last rank, inside the
 * timed region of its first run, writes its node's name to PATH and stays
 * there until it is killed.  A test that loses the node once PATH exists
 * knows the loss landed in a timed repetition, with no sleep to guess. */
static void maybe_hold(struct pb_rank *st, const struct pb_cmd *cmd)
{
	static int held;
	if (!st->mark || cmd->phase != PB_PHASE_RUN || held++ || st->rank != st->size - 1)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->mark);
	FILE *f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%s\n", st->nodes ? st->nodes[st->rank] : "?");
		if (fclose(f) == 0)
			rename(tmp, st->mark); /* whole, or not there at all */
	}
	for (;;)
		pause();
}

/* Scatter-mode layout: arrays of `items` uint64s, see the top comment. */
struct layout {
	int arrays, inputs, output; /* output: index or -1 */
	int *counts, *displs;       /* per rank, in elements */
};

static int layout_make(const struct pb_rank *st, const struct pb_job *job,
		       size_t bytes, struct layout *l, char *why, size_t why_size)
{
	uint64_t items = job->items;

	memset(l, 0, sizeof(*l));
	l->output = -1;
	if (!bytes || !items)
		return 0;
	if (bytes % (items * sizeof(uint64_t))) {
		snprintf(why, why_size, "scatter-layout");
		return -1;
	}
	if (items > INT_MAX) { /* MPI counts and displacements are ints */
		snprintf(why, why_size, "scatter-too-large");
		return -1;
	}
	l->arrays = (int)(bytes / (items * sizeof(uint64_t)));
	l->inputs = l->arrays > 1 ? l->arrays - 1 : 1;
	l->output = l->arrays > 1 ? l->arrays - 1 : -1;
	l->counts = malloc(2 * sizeof(int) * (size_t)st->size);
	if (!l->counts) {
		snprintf(why, why_size, "out-of-memory");
		return -1;
	}
	l->displs = l->counts + st->size;
	for (int r = 0; r < st->size; r++) {
		uint64_t b, e;
		pb_block(items, (unsigned)st->size, (unsigned)r, &b, &e);
		l->counts[r] = (int)(e - b);
		l->displs[r] = (int)b;
	}
	return 0;
}

static void scatter_inputs(const struct pb_rank *st, const struct layout *l,
			   uint64_t items)
{
	for (int a = 0; a < l->inputs; a++) {
		uint64_t *base = (uint64_t *)st->mem + (uint64_t)a * items;
		int me = st->rank;
		MPI_Scatterv(base, l->counts, l->displs, MPI_UINT64_T,
			     me == 0 ? MPI_IN_PLACE : base + l->displs[me], l->counts[me],
			     MPI_UINT64_T, 0, MPI_COMM_WORLD);
	}
}

static void gather_output(const struct pb_rank *st, const struct layout *l,
			  uint64_t items)
{
	if (l->output < 0)
		return;
	uint64_t *base = (uint64_t *)st->mem + (uint64_t)l->output * items;
	int me = st->rank;
	MPI_Gatherv(me == 0 ? MPI_IN_PLACE : base + l->displs[me], l->counts[me],
		    MPI_UINT64_T, base, l->counts, l->displs, MPI_UINT64_T, 0,
		    MPI_COMM_WORLD);
}

/* Why this rank cannot run the command, or NULL. */
static const char *refuse(const struct pb_rank *st, const struct pb_cmd *cmd,
			  const struct pb_kernel *k)
{
	if (!k)
		return "unknown-kernel";
	if (cmd->sched < 0 || cmd->sched >= PB_SCHED_COUNT || cmd->phase < 0 ||
	    cmd->phase > PB_PHASE_RUN)
		return "bad-command";
	size_t bytes = pb_kernel_bytes(k, cmd->n);
	if (bytes && (!st->mem || st->bytes < bytes))
		return "no-memory";
	/* Items handed to whichever rank is free would read memory that rank
	 * never received. */
	if (bytes && cmd->sched != PB_SCHED_STATIC)
		return "schedule-needs-shared-memory";
	return NULL;
}

void pb_rank_run(struct pb_rank *st, const struct pb_cmd *cmd, struct pb_run_result *r)
{
	const struct pb_kernel *k = pb_rank_kernel(cmd->kernel);
	const char *why = refuse(st, cmd, k);
	struct pb_job job = {
		.kernel = k, .mem = st->mem, .n = cmd->n,
		.items = k && !why ? k->items(cmd->n) : 0,
		.phase = (enum pb_phase)cmd->phase,
		.sched = {(enum pb_sched_kind)cmd->sched, cmd->chunk},
		.wait_ns = cmd->wait_ns,
	};
	size_t bytes = k && !why ? pb_kernel_bytes(k, cmd->n) : 0;
	int scatter = st->scatter && bytes;
	struct layout l = {.output = -1};
	char lwhy[32] = "";

	if (!why && scatter) {
		/* The only check that may fail on some ranks alone (malloc):
		 * agree on it before anyone enters a collective. */
		int bad = layout_make(st, &job, bytes, &l, lwhy, sizeof(lwhy)) != 0;
		MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
		if (bad)
			why = lwhy[0] ? lwhy : "scatter-failed-elsewhere";
	}
	/* Every rank found the same answer from the same command, so all take
	 * the same path through the collectives below. */
	int *cpu_slots = r->cpus; /* owned by the caller */
	memset(r, 0, sizeof(*r));
	r->cpus = cpu_slots;
	r->comm_seconds = -1;
	if (why) {
		snprintf(r->why, sizeof(r->why), "%s", why);
		free(l.counts);
		return;
	}
	if (job.sched.kind != PB_SCHED_STATIC)
		reset_counter(st);
	maybe_fail(st, cmd);

	int cpus[3];
	uint64_t part = 0, total = 0;
	double t0, t1 = 0, t2 = 0, t3 = 0; /* t1 - t0: scatter, t3 - t2: gather */

	pb_coll_barrier(st);
	t0 = MPI_Wtime();
	maybe_hold(st, cmd);
	if (scatter && job.phase == PB_PHASE_RUN) {
		scatter_inputs(st, &l, job.items);
		pb_coll_barrier(st);
		t1 = MPI_Wtime();
	}
	struct pb_outcome where = {.cpu_bound = &cpus[0], .cpu_start = &cpus[1],
				   .cpu_end = &cpus[2]};
	pb_outcome_where(&where, 0, 0);
	if (scatter && job.phase == PB_PHASE_INIT && st->rank == 0) {
		/* Rank 0 holds the whole input.  The others touch their own
		 * slices (first touch, as in mpi), so that page faults are not
		 * timed as communication or compute in the runs. */
		pb_job_range(&job, 0, job.items);
	} else {
		part = share(st, &job);
	}
	pb_outcome_where(&where, 0, 1);
	if (scatter && job.phase == PB_PHASE_RUN) {
		pb_coll_barrier(st);
		t2 = MPI_Wtime();
		gather_output(st, &l, job.items);
		t3 = MPI_Wtime();
	}
	/* MPI_SUM on MPI_UINT64_T wraps modulo 2^64: exact, as partials must. */
	pb_coll_reduce(st, &part, &total, 1, MPI_UINT64_T, MPI_SUM);
	/* Each rank's time from leaving the barrier to its part done (rank 0:
	 * to the reduced result); the slowest rank's is the job's time.  Rank
	 * 0's clock alone would miss work that others finished before it left
	 * the barrier (dynamic schedules, busy CPUs). */
	double times[2] = {MPI_Wtime() - t0, (t1 - t0) + (t3 - t2)};
	pb_coll_reduce(st, times, times, 2, MPI_DOUBLE, MPI_MAX);

	if (st->rank == 0) {
		r->result = total;
		r->seconds = times[0];
		if (st->scatter)
			r->comm_seconds = scatter && job.phase == PB_PHASE_RUN ? times[1] : 0;
	}
	if (cmd->want_cpus)
		MPI_Gather(cpus, 3, MPI_INT, r->cpus, 3, MPI_INT, 0, MPI_COMM_WORLD);
	free(l.counts);
}
