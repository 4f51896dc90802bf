/*
 * Collectives for parbench-mpi.  Open MPI's blocking calls spin: right when
 * every rank has a CPU of its own, ruinous when ranks outnumber CPUs (the
 * ranks already done spin on the CPUs the others still need).  Without a
 * CPU per rank, and always while idle between commands, ranks start the
 * nonblocking form and poll it, yielding and then sleeping.
 */
#include <sched.h>
#include <time.h>

#include "rank.h"

/* Back-to-back commands (timed repetitions, the overhead measurement's
 * thousands of empty jobs) arrive well within this: ranks with a CPU of
 * their own are awake for them and the barrier does not wait on a sleeper. */
#define IDLE_SPIN_S 0.02
#define YIELD_POLLS 200   /* sched_yield rounds before sleeping */
#define SLEEP_NS 50000L   /* between polls once asleep */

static void wait_polling(MPI_Request *req, double spin_seconds)
{
	double start = spin_seconds > 0 ? MPI_Wtime() : 0;
	int done = 0;

	for (long i = 0;; i++) {
		MPI_Test(req, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		if (spin_seconds > 0) {
			if (MPI_Wtime() - start < spin_seconds)
				continue;
			spin_seconds = 0;
			i = 0;
		}
		if (i < YIELD_POLLS) {
			sched_yield();
			continue;
		}
		struct timespec ts = {0, SLEEP_NS};
		nanosleep(&ts, NULL);
	}
}

void pb_coll_barrier(const struct pb_rank *st)
{
	MPI_Request req;

	if (st->spin) {
		MPI_Barrier(MPI_COMM_WORLD);
		return;
	}
	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	wait_polling(&req, 0);
}

void pb_coll_bcast_idle(const struct pb_rank *st, void *buf, int bytes)
{
	MPI_Request req;

	/* Between commands ranks may wait for the driver for a long time:
	 * they spin a little (with CPUs of their own), then sleep.  The timed
	 * region starts at a barrier, so a wake-up is not in it. */
	MPI_Ibcast(buf, bytes, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
	wait_polling(&req, st->spin ? IDLE_SPIN_S : 0);
}

void pb_coll_reduce(const struct pb_rank *st, const void *in, void *out, int count,
		    MPI_Datatype type, MPI_Op op)
{
	MPI_Request req;

	if (st->rank == 0 && in == out)
		in = MPI_IN_PLACE;
	if (st->spin) {
		MPI_Reduce(in, out, count, type, op, 0, MPI_COMM_WORLD);
		return;
	}
	MPI_Ireduce(in, out, count, type, op, 0, MPI_COMM_WORLD, &req);
	wait_polling(&req, 0);
}
