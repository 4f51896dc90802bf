/*
 * The one place that knows which runners this build has: one line per
 * runner.  Build-time choices (HAVE_OPENMP, HAVE_MPI) live here and
 * nowhere else.
 */
#include <string.h>

#include "mpi_proc.h"
#include "runner.h"

extern const struct pb_runner pb_runner_seq, pb_runner_omp, pb_runner_pthread,
	pb_runner_fork, pb_runner_mpi, pb_runner_mpi_scatter, pb_runner_async;

const struct pb_runner *const pb_runners[] = {
	&pb_runner_seq,
	&pb_runner_omp,
	&pb_runner_pthread,
	&pb_runner_fork,
	/* The driver needs no MPI to build these: they start parbench-mpi
	 * through a launcher, and fail to open where none is installed. */
	&pb_runner_mpi,
	&pb_runner_mpi_scatter,
	&pb_runner_async,
#ifdef PB_EXTRA_RUNNERS /* a test build's throwaway runner (tests/throwaway/) */
	PB_EXTRA_RUNNERS
#endif
	NULL,
};

const struct pb_runner *pb_runner_baseline(void)
{
	for (const struct pb_runner *const *r = pb_runners; *r; r++)
		if ((*r)->baseline)
			return *r;
	return NULL;
}

int pb_runner_is_baseline(const char *name)
{
	const struct pb_runner *r = pb_runner_find(name);
	return r && r->baseline;
}

const struct pb_runner *pb_runner_find(const char *name)
{
	for (const struct pb_runner *const *r = pb_runners; *r; r++)
		if (strcmp((*r)->name, name) == 0)
			return *r;
	return NULL;
}

void pb_runners_abandon(void)
{
	pb_mpi_kill_all();
}
