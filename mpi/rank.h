/* State and commands shared by the parts of parbench-mpi (one process per rank). */
#ifndef PB_MPI_RANK_H
#define PB_MPI_RANK_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "../runners/runner.h"
#include "protocol.h"

enum pb_cmd_op { PB_CMD_ALLOC, PB_CMD_FREE, PB_CMD_RUN, PB_CMD_QUIT, PB_CMD_COUNT };

/* What rank 0 parsed from a line, broadcast as bytes to every rank. */
struct pb_cmd {
	int32_t op;        /* enum pb_cmd_op */
	int32_t phase;     /* enum pb_phase */
	int32_t sched;     /* enum pb_sched_kind */
	int32_t want_cpus;
	uint64_t n, chunk, bytes;
	uint64_t wait_ns; /* kernels that wait: each task's wait */
	char kernel[PB_MPI_NAME_MAX];
};

struct pb_rank {
	int rank, size;
	int spin;        /* a CPU per rank: wait in MPI; else poll and sleep */
	int scatter;     /* rank 0 holds the input and scatters it per run */
	void *mem;       /* the kernel's whole virtual size; a slice is touched */
	size_t bytes;
	MPI_Win win;     /* one uint64 counter on rank 0: dynamic schedules */
	uint64_t *counter;
	int fail;        /* test hook: 0, 'a' (abort) or 'h' (hang) */
	const char *mark; /* test hook: a file the last rank writes inside its
			   * first timed run, where it then waits to be killed */
	char (*nodes)[PB_MPI_NODE_MAX]; /* each rank's node (hostname) */
	int machine_rank; /* index among the ranks on this rank's machine */
	int ran;         /* RUN phases seen, for the test hook */
};

/* What a RUN command produced, as rank 0 sees it. */
struct pb_run_result {
	uint64_t result;
	double seconds, comm_seconds;
	int *cpus;       /* 3 per rank (bound, start, end) when asked; rank 0 only */
	char why[64];    /* non-empty: the command failed on some rank */
};

/* Collectives that either spin in MPI (a CPU per rank) or poll and sleep,
 * so that oversubscribed ranks leave the CPUs to those still working. */
void pb_coll_barrier(const struct pb_rank *st);
void pb_coll_bcast_idle(const struct pb_rank *st, void *buf, int bytes); /* from rank 0 */
/* To rank 0; in == out reduces in place. */
void pb_coll_reduce(const struct pb_rank *st, const void *in, void *out, int count,
		    MPI_Datatype type, MPI_Op op);

/* Fills nodes and machine_rank (nodes.c), collectively; -1: no memory. */
int pb_rank_locate(struct pb_rank *st);

/* Rank 0 watches the others outside MPI and tells the driver of a lost one
 * (watch.c); collective.  pb_watch_quiet: peers leaving now do so on
 * purpose.  pb_watch_stop: on every rank, before MPI_Finalize. */
int pb_watch_start(const struct pb_rank *st);
void pb_watch_quiet(void);
void pb_watch_stop(void);

int pb_rank_alloc(struct pb_rank *st, size_t bytes);
void pb_rank_free(struct pb_rank *st);

/* Runs a RUN command on every rank; fills r on rank 0.  Every rank takes
 * part in the same collectives whatever fails locally. */
void pb_rank_run(struct pb_rank *st, const struct pb_cmd *cmd, struct pb_run_result *r);

/* The kernels the driver may name, the empty one included. */
const struct pb_kernel *pb_rank_kernel(const char *name);

/* --latency: prints a bare barrier + 8-byte reduce beside the runner's own
 * timed path on an empty job; returns the exit status. */
int pb_latency_main(struct pb_rank *st, int reps);

#endif
