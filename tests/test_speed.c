/*
 * The run's speed probe (report/speed.c): one figure per cell-round, so
 * that a cell of many repetitions weighs no more than one of few.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/report/speed.h"
#include "support.h"

/* A row of raw.csv's key columns, then round and probe_ns. */
static void row(FILE *f, const char *kernel, int rep, int round, double probe)
{
	fprintf(f, "r,%s,10,seq,none,0,1,none,0,strong,10,0,1,%d,%d,%g\n", kernel, rep, round,
		probe);
}

Test(speed, probe_median_is_over_cell_rounds_not_repetitions)
{
	char dir[] = "/tmp/pb-speed-XXXXXX", path[64];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "run_id,kernel,n,runner,schedule,chunk,workers,pin,oversubscribed,scaling,"
		   "base_n,latency_us,inflight,rep,round,probe_ns\n");
	/* fib's one round of 20 repetitions at 100 ns; four cell-rounds of
	 * one repetition each at 200-500 ns: by repetitions the median is
	 * 100, by cell-rounds 300 (100, 200, 300, 400, 500). */
	for (int i = 0; i < 20; i++)
		row(f, "fib", i, 0, 100);
	row(f, "sum", 0, 0, 200);
	row(f, "sum", 0, 1, 300);
	row(f, "cube", 0, 0, 400);
	row(f, "cube", 0, 1, 500);
	cr_assert_eq(fclose(f), 0);
	struct pb_run run;
	memset(&run, 0, sizeof(run));
	cr_assert_eq(pb_table_load(path, &run.raw), 0);
	double p = pb_run_probe_ns(&run);
	cr_expect(fabs(p - 300) < 1e-9, "median over cell-rounds: %g, want 300", p);
	pb_table_free(&run.raw);
	remove(path);
	rmdir(dir);
}
