/* A size range from the command line to breakeven.csv and the size charts. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/store/table.h"
#include "support.h"

#define SIZES 3 /* 2^10, 2^13, 2^16 */

/* One size of pthread's line, as summary.csv gives it. */
struct point {
	unsigned long long n;
	double speedup, low;
};

static double number(const char *text)
{
	return *text ? strtod(text, NULL) : NAN;
}

/* The index of the named column, which t must have. */
static int column(const struct pb_table *t, const char *name)
{
	int c = pb_table_column(t, name);
	cr_assert_geq(c, 0, "no column %s", name);
	return c;
}

/* pthread's sizes from the summary at path, smallest first. */
static void pthread_points(const char *path, struct point *pts)
{
	struct pb_table t;
	size_t count = 0;
	cr_assert_eq(pb_table_load(path, &t), 0, "%s", path);
	int runner = column(&t, "runner"), n = column(&t, "n"), speedup = column(&t, "speedup"),
	    low = column(&t, "speedup_ci_low");
	for (size_t i = 0; i < t.row_count; i++) {
		if (strcmp(t.rows[i][runner], "pthread"))
			continue;
		cr_assert_lt(count, SIZES, "pthread has %d sizes", SIZES);
		struct point p = {strtoull(t.rows[i][n], NULL, 10), number(t.rows[i][speedup]),
				  number(t.rows[i][low])};
		size_t at = count++;
		for (; at > 0 && pts[at - 1].n > p.n; at--)
			pts[at] = pts[at - 1];
		pts[at] = p;
	}
	cr_assert_eq(count, SIZES, "pthread has %d sizes", SIZES);
	pb_table_free(&t);
}

/*
 * What breakeven.csv must say of those sizes (analyse/crossing.h), from
 * the summary's own speedups: significantly faster (the CI's low end
 * above 1) from the smallest size of the run of such sizes that reaches
 * the largest, none such: not-faster; reached from the smallest size:
 * below-smallest; else crossed, between the last size at or below
 * speedup 1 and the next.  Returns the kind; *from is that size (0 for
 * none), [*lo, *hi] where the crossing lies.
 */
static const char *expected_crossing(const struct point *pts, unsigned long long *from,
				     unsigned long long *lo, unsigned long long *hi)
{
	size_t at = SIZES;
	while (at > 0 && isfinite(pts[at - 1].low) && pts[at - 1].low > 1)
		at--;
	*from = *lo = *hi = 0;
	if (at == SIZES)
		return "not-faster";
	*from = pts[at].n;
	while (at > 0 && !(pts[at - 1].speedup <= 1))
		at--;
	if (at == 0) {
		*lo = *hi = pts[0].n;
		return "below-smallest";
	}
	*lo = pts[at - 1].n;
	*hi = pts[at].n;
	return "crossed";
}

/* breakeven.csv at path: one line, pthread's, its answer the one the
 * summary at summary_path leads to. */
static void expect_breakeven(const char *path, const char *summary_path)
{
	struct point pts[SIZES];
	pthread_points(summary_path, pts);
	unsigned long long from, lo, hi;
	const char *kind = expected_crossing(pts, &from, &lo, &hi);

	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0, "%s", path);
	cr_assert_eq(t.row_count, 1, "one line of sizes: pthread's");
	char *const *row = t.rows[0];
	const char *runner = row[column(&t, "runner")], *sizes = row[column(&t, "sizes")];
	const char *measured = row[column(&t, "measured")];
	const char *significant = row[column(&t, "significant_from")];
	const char *cross = row[column(&t, "n_cross")];
	cr_expect_str_eq(runner, "pthread");
	cr_expect_str_eq(sizes, "3", "three sizes read");
	cr_expect_str_eq(measured, kind, "speedups %g, %g, %g (low ends %g, %g, %g): %s, not %s",
			 pts[0].speedup, pts[1].speedup, pts[2].speedup, pts[0].low, pts[1].low,
			 pts[2].low, kind, measured);
	if (from)
		cr_expect_eq(strtoull(significant, NULL, 10), from,
			     "significantly faster from n = %llu, not '%s'", from, significant);
	else
		cr_expect_str_empty(significant, "never significantly faster: '%s'", significant);
	if (hi) {
		char *end;
		double n = strtod(cross, &end);
		cr_expect(*cross && !*end && n >= (double)lo && n <= (double)hi,
			  "the crossing between n = %llu and %llu, not '%s'", lo, hi, cross);
	} else {
		cr_expect_str_empty(cross, "no crossing: '%s'", cross);
	}
	pb_table_free(&t);
}

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
	char summary_path[300];
	snprintf(summary_path, sizeof(summary_path), "%s/latest/summary.csv", out);
	char *summary = pb_test_slurp(summary_path);
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
	expect_breakeven(path, summary_path);

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
