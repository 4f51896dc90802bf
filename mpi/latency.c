/*
 * --latency: MPI's floor beside what the mpi runner reports for an empty
 * job, both measured the same way (from the end of a barrier to the reduced
 * value on rank 0, summed over a batch, median of batches), so the gap is
 * the runner's own cost above a bare MPI_Reduce.  `make mpi-latency` runs it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "rank.h"

#define SAMPLES 21

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *x, int count)
{
	qsort(x, (size_t)count, sizeof(*x), cmp_double);
	return x[count / 2];
}

static double bare_reduce(const struct pb_rank *st, int batch)
{
	double sum = 0;
	uint64_t one = 1, total = 0;

	for (int i = 0; i < batch; i++) {
		pb_coll_barrier(st);
		double t0 = MPI_Wtime();
		pb_coll_reduce(st, &one, &total, 1, MPI_UINT64_T, MPI_SUM);
		sum += MPI_Wtime() - t0;
	}
	if (st->rank == 0 && total != (uint64_t)st->size)
		fprintf(stderr, "parbench-mpi: bare reduce gave %llu\n",
			(unsigned long long)total);
	return sum / batch;
}

static double runner_path(struct pb_rank *st, int batch)
{
	struct pb_cmd cmd = {
		.op = PB_CMD_RUN, .phase = PB_PHASE_RUN, .sched = PB_SCHED_STATIC,
		.n = (uint64_t)st->size, .kernel = "empty",
	};
	struct pb_run_result r;
	double sum = 0;

	for (int i = 0; i < batch; i++) {
		pb_rank_run(st, &cmd, &r);
		sum += r.seconds;
	}
	return sum / batch;
}

int pb_latency_main(struct pb_rank *st, int reps)
{
	double bare[SAMPLES], path[SAMPLES];
	int batch = reps / SAMPLES > 0 ? reps / SAMPLES : 1;

	st->fail = 0;
	bare_reduce(st, batch); /* warm-up: connections, caches */
	runner_path(st, batch);
	for (int s = 0; s < SAMPLES; s++) {
		bare[s] = bare_reduce(st, batch);
		path[s] = runner_path(st, batch);
	}
	if (st->rank == 0) {
		printf("parbench-mpi: %d ranks%s, median of %d batches of %d\n", st->size,
		       st->spin ? "" : " (polling waits: no --spin)", SAMPLES, batch);
		printf("  bare MPI_Barrier, then MPI_Reduce of 8 B:      %8.3f us\n",
		       median(bare, SAMPLES) * 1e6);
		printf("  mpi runner, empty job (barrier -> result):     %8.3f us\n",
		       median(path, SAMPLES) * 1e6);
		fflush(stdout);
	}
	return 0;
}
