/*
 * `parbench noise` tells how a run's repetitions vary over time: a cell
 * whose first 12 repetitions took 1 s and next 12 took 2 s varies by
 * 35.4% (the sample standard deviation of the logs), its neighbours agree
 * (autocorrelation 0.91, 0.82, 0.71: 22 of 23 neighbours alike, 20 of 22,
 * 18 of 21), and the medians of 3, 6 and 12 consecutive ones vary by
 * 37.1%, 40.0% and 49.0%: the slow spell outlasts them all.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/report/noise.h"
#include "support.h"

static char *noise_of(const char *dir, int *rc, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	*rc = pb_noise_run(dir, f, err, errlen);
	fclose(f);
	return text;
}

Test(noise, a_slow_spell_is_told_by_its_neighbours)
{
	char root[] = "/tmp/pb-noise-XXXXXX", raw[8192], err[256] = "";
	cr_assert(mkdtemp(root));
	pb_test_write_file(root, "summary.csv", "run_id,kernel,n,runner,schedule,chunk,workers,median_s\n"
					"r,fib,30,seq,none,0,1,1.5\nr,fib,30,omp,static,0,2,1.0\n");
	int n = snprintf(raw, sizeof(raw), "run_id,kernel,n,runner,schedule,chunk,workers,round,"
					   "seconds,ok\n");
	for (int i = 0; i < 24; i++) {
		/* seq's 24 in one round, with omp's 10 (too few) between them */
		n += snprintf(raw + n, sizeof(raw) - (size_t)n, "r,fib,30,seq,none,0,1,0,%s,1\n",
			      i < 12 ? "1.0" : "2.0");
		if (i % 6 == 0 || i == 23)
			n += snprintf(raw + n, sizeof(raw) - (size_t)n,
				      "r,fib,30,omp,static,0,2,%d,0.5,1\nr,fib,30,omp,static,0,2,%d,"
				      "0.6,1\n", i / 6, i / 6);
	}
	/* a failed repetition is not one of them */
	snprintf(raw + n, sizeof(raw) - (size_t)n, "r,fib,30,seq,none,0,1,0,9.0,0\n");
	pb_test_write_file(root, "raw.csv", raw);

	int rc;
	char *text = noise_of(root, &rc, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	cr_expect(strstr(text, "fib n=30 seq none w=1: 24 repetitions in 1 round\n"
			       "  one repetition varies by 35.4%; neighbours agree: 0.91 0.82 0.71 "
			       "at lags 1-3\n"
			       "  medians of 3, 6 and 12 consecutive ones vary by 37.1%, 40.0%, 49.0%\n"),
		  "%s", text);
	cr_expect(!strstr(text, "omp"), "rounds of 2: too few to tell\n%s", text);
	free(text);

	/* Only short rounds: a one-line reason. */
	pb_test_write_file(root, "raw.csv", "run_id,kernel,n,runner,schedule,chunk,workers,round,seconds,ok\n"
				    "r,fib,30,seq,none,0,1,0,1.0,1\n");
	text = noise_of(root, &rc, err, sizeof(err));
	cr_expect_eq(rc, -EINVAL);
	cr_expect(strstr(err, "has 24 verified repetitions in a round (make bench-noise"), "%s", err);
	free(text);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
