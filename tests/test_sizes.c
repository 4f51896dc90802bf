/* A size range from the command line to breakeven.csv and the size charts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

Test(sizes, a_range_sweeps_every_size_and_reads_the_crossing)
{
	char root[] = "/tmp/pb-sizes-XXXXXX", out[128], plots[128], so[160], se[160];
	char path[300], cmd[300];
	cr_assert(mkdtemp(root));
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(plots, sizeof(plots), "%s/plots", root);
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	const char *args[] = {"-k", "sum", "-r", "seq,pthread", "-w", "2", "-s", "static",
			      "--size", "sum=2^10..2^16:x8", "--size", "sum=2^13",
			      "--reps", "3", "--rounds", "1", "--cell-budget", "0.01",
			      "--no-progress", "-o", out, "--plots", plots, NULL};
	int rc = pb_test_finish(pb_test_start(so, se, args));
	cr_assert_eq(rc, 0, "exit %d: %s", rc, pb_test_slurp(se));

	/* 2^10, 2^13 (named twice: one cell), 2^16, for seq and pthread. */
	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *summary = pb_test_slurp(path);
	cr_assert(summary);
	size_t rows = 0;
	for (char *p = summary; (p = strchr(p, '\n')); p++)
		rows++;
	cr_expect_eq(rows, 1 + 3 * 2, "%s", summary);

	snprintf(path, sizeof(path), "%s/latest/breakeven.csv", out);
	char *be = pb_test_slurp(path);
	cr_assert(be, "breakeven.csv");
	cr_expect(strstr(be, "n_measured,n_star,sizes,measured,significant_from,n_cross,"
			     "model_ratio,model\n"), "%s", be);
	cr_expect(strstr(be, ",sum,pthread,static,2,"), "%s", be);
	cr_expect(strstr(be, ",65536,"), "the model is read at the largest size: %s", be);
	cr_expect(strstr(be, ",3,crossed,") || strstr(be, ",3,below-smallest,") ||
		  strstr(be, ",3,not-faster,"), "three sizes read: %s", be);

	char *report = pb_test_slurp(so);
	cr_expect(report && strstr(report, "measured: "), "%s", report);
	snprintf(path, sizeof(path), "%s/latest/sizes-sum.png", plots);
	cr_expect_eq(access(path, F_OK), 0, "%s", path);
	snprintf(path, sizeof(path), "%s/latest/size-speedup-sum.png", plots);
	cr_expect_eq(access(path, F_OK), 0, "%s", path);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* Each bad range: one line on stderr, exit 2, nothing written. */
Test(sizes, bad_ranges_are_refused_before_anything_runs)
{
	static const char *const bad[] = {
		"sum=2^10..2^4",       /* no values */
		"sum=2^4..2^10:x1",    /* a step that does not grow */
		"sum=2^4..2^10:+0",
		"fib=20..36",          /* x2 gives one value only */
		"fib=20..60:+2",       /* above the kernel's limit */
		"sum=2^20..2^36:x4",   /* memory: 2^36 items of 8 bytes */
		"sum=1..2^30:+1",      /* more sizes than a kernel may have */
		"sum=2^10..",
	};
	char root[] = "/tmp/pb-sizes-XXXXXX", out[128], so[160], se[160];
	cr_assert(mkdtemp(root));
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = {"-k", "sum,fib", "-r", "seq", "-w", "1", "--size", bad[i],
				      "--no-plot", "-o", out, NULL};
		int rc = pb_test_finish(pb_test_start(so, se, args));
		cr_expect_eq(rc, 2, "%s: exit %d", bad[i], rc);
		char *msg = pb_test_slurp(se);
		cr_assert(msg);
		char *nl = strchr(msg, '\n');
		cr_expect(nl && nl[1] == '\0' && !strncmp(msg, "parbench: ", 10),
			  "%s: one line: '%s'", bad[i], msg);
		cr_expect_neq(access(out, F_OK), 0, "%s: no results folder", bad[i]);
	}
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
