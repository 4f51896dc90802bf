/*
 * `compare` flags a real slowdown and leaves noise alone; its bootstrap is
 * reproducible for a seed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../bench/report/compare.h"
#include "support.h"
#include "../bench/base/ratio_ci.h"

#define REPS 20

/* Deterministic noise in [-1, 1): a 64-bit LCG, the top bits. */
static double noise(uint64_t *state)
{
	*state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (double)(*state >> 11) / (double)(UINT64_C(1) << 52) - 1.0;
}

static int cmp_double(const void *p, const void *q)
{
	double x = *(const double *)p, y = *(const double *)q;
	return (x > y) - (x < y);
}

struct cell {
	const char *runner, *schedule;
	unsigned workers;
	double seconds; /* typical time per repetition */
};

/*
 * A run folder with raw.csv (REPS repetitions per cell, +-2% noise from
 * seed) and summary.csv (their medians, speedup over the seq cell, and the
 * CPU-to-CPU latency of each cell where peer is not NULL).
 */
static void write_run_peer(const char *dir, const struct cell *cells, size_t n,
			   double slow_omp, double slow_pthread, uint64_t seed,
			   const double *peer)
{
	char path[300];
	snprintf(path, sizeof(path), "mkdir -p %s", dir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	FILE *raw = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	FILE *sum = fopen(path, "w");
	cr_assert(raw && sum);
	fputs("run_id,kernel,n,runner,schedule,chunk,workers,oversubscribed,rep,seconds,"
	      "comm_seconds,result,expected,ok\n", raw);
	fprintf(sum, "run_id,kernel,n,runner,schedule,chunk,workers,oversubscribed,median_s,"
		"speedup,%sstatus\n", peer ? "peer_ns_min,peer_ns_max," : "");
	double seq_median = 0;
	for (size_t c = 0; c < n; c++) {
		double x[REPS], factor = !strcmp(cells[c].runner, "omp") ? slow_omp
				      : !strcmp(cells[c].runner, "pthread") ? slow_pthread : 1;
		for (int r = 0; r < REPS; r++) {
			x[r] = cells[c].seconds * factor * (1 + 0.02 * noise(&seed));
			fprintf(raw, "r,fib,30,%s,%s,0,%u,0,%d,%.9g,,1,1,1\n", cells[c].runner,
				cells[c].schedule, cells[c].workers, r, x[r]);
		}
		/* A failed repetition that must not count. */
		fprintf(raw, "r,fib,30,%s,%s,0,%u,0,%d,100,,0,1,0\n", cells[c].runner,
			cells[c].schedule, cells[c].workers, REPS);
		qsort(x, REPS, sizeof(x[0]), cmp_double);
		double median = (x[REPS / 2 - 1] + x[REPS / 2]) / 2;
		if (c == 0)
			seq_median = median;
		fprintf(sum, "r,fib,30,%s,%s,0,%u,0,%.9g,%.9g,", cells[c].runner,
			cells[c].schedule, cells[c].workers, median, seq_median / median);
		if (peer)
			fprintf(sum, "%g,%g,", peer[c] * 0.98, peer[c] * 1.02);
		fputs("ok\n", sum);
	}
	fclose(raw);
	fclose(sum);
}

static void write_run(const char *dir, const struct cell *cells, size_t n, double slow_omp,
		      double slow_pthread, uint64_t seed)
{
	write_run_peer(dir, cells, n, slow_omp, slow_pthread, seed, NULL);
}

static const struct cell cells[] = {
	{"seq", "none", 1, 0.100},
	{"omp", "static", 2, 0.052},
	{"pthread", "static", 2, 0.051},
};

static char *compare_text(const char *a, const char *b, struct pb_compare_result *res)
{
	char *text = NULL, err[512];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cr_assert(out);
	int rc = pb_compare_runs(a, b, out, res, err, sizeof(err));
	fclose(out);
	cr_assert_eq(rc, 0, "%s", err);
	return text;
}

static const char *line_of(const char *text, const char *runner)
{
	static char line[512];
	char key[64];
	snprintf(key, sizeof(key), "\nfib        30         %-8s", runner);
	const char *p = strstr(text, key);
	cr_assert(p, "no line for %s in\n%s", runner, text);
	size_t n = strcspn(p + 1, "\n");
	snprintf(line, sizeof(line), "%.*s", (int)n, p + 1);
	return line;
}

Test(compare, flags_a_20_percent_slowdown_not_half_a_percent)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], cmd[200];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_run(a, cells, 3, 1.0, 1.0, 1);
	write_run(b, cells, 3, 1.20, 1.005, 2);

	struct pb_compare_result res;
	char *text = compare_text(a, b, &res);
	cr_expect_eq(res.common, 3);
	cr_expect_eq(res.slower, 1, "only the 20%% slowdown:\n%s", text);
	cr_expect_eq(res.faster, 0, "%s", text);
	cr_expect(strstr(line_of(text, "omp"), " slower "), "%s", text);
	cr_expect(!strstr(line_of(text, "pthread"), "slower"), "%s", text);
	cr_expect(!strstr(line_of(text, "seq"), "slower"), "%s", text);
	/* The omp cell's speedup fell by about 1/1.2: the worst cell. */
	cr_expect(fabs(res.worst_change - (1 / 1.2 - 1)) < 0.03, "%g", res.worst_change);
	cr_expect(strstr(text, "worst cell (median speedup): fib n=30 omp static workers=2"),
		  "%s", text);
	/* What a user reads off: seq and pthread within 3%, omp not; the
	 * fastest runner is pthread in both. */
	cr_expect(strstr(text, "medians within 3% of A's: 2 of 3 verified cells (66.7%)\n"), "%s",
		  text);
	cr_expect(strstr(text, "winner per kernel and n the same runner, or a tie in both: 1 of 1\n"),
		  "%s", text);
	free(text);

	/* A run against itself: nothing flagged, no change. */
	text = compare_text(a, a, &res);
	cr_expect_eq(res.slower + res.faster, 0);
	cr_expect_eq(res.worst_change, 0);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* Gives every cell of a run the run level sd a machine profile measured. */
static void add_run_sd(const char *dir, const char *sd)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "sed -i '1s/$/,run_sd/;2,$s/$/,%s/' %s/summary.csv", sd, dir);
	cr_assert_eq(system(cmd), 0);
}

/* Two runs are two levels of their own: where the runs' profile says they
 * move by 5% (sd), an 8% change is within what a rerun shows, and a 40%
 * one is still flagged.  Without one, the output says what it left out. */
Test(compare, the_run_level_of_a_profile_widens_the_interval)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], cmd[200];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_run(a, cells, 3, 1.0, 1.0, 1);
	write_run(b, cells, 3, 1.40, 1.08, 2);
	struct pb_compare_result res;
	char *text = compare_text(a, b, &res);
	cr_expect_eq(res.slower, 2, "both, by their rounds alone:\n%s", text);
	cr_expect_eq(res.with_run_level, 0);
	cr_expect(strstr(text, "run level: not in these intervals"), "%s", text);
	free(text);

	add_run_sd(a, "0.05");
	text = compare_text(a, b, &res); /* B has no profile: A's holds for both */
	cr_expect_eq(res.with_run_level, 3, "%s", text);
	cr_expect_eq(res.slower, 1, "only the 40%%:\n%s", text);
	cr_expect(strstr(line_of(text, "omp"), " slower "), "%s", text);
	cr_expect(!strstr(line_of(text, "pthread"), "slower"), "%s", text);
	/* sqrt(2) * 5% at 95%: 1.96 * 0.0707 = 0.139, expm1 of it 14.9% */
	cr_expect(strstr(text, "run level: included for 3 of 3 cells (the runs' machine "
			       "profile): a change smaller than 14.9%"), "%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* Significant but under the practical threshold: "small", not a change;
 * the effect size is the rank measure of how far apart the two are. */
Test(compare, a_significant_change_below_the_threshold_is_small)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], cmd[200];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_run(a, cells, 3, 1.0, 1.0, 1);
	write_run(b, cells, 3, 1.20, 1.015, 2);
	struct pb_compare_result res;
	char *text = compare_text(a, b, &res);
	cr_expect_eq(res.slower, 1, "%s", text);
	cr_expect_eq(res.small, 1, "pthread, 1.5%% slower:\n%s", text);
	cr_expect(strstr(line_of(text, "pthread"), " small "), "%s", text);
	cr_expect(strstr(line_of(text, "omp"), " slower    1.00 "), "every B rep slower: %s", text);
	cr_expect(strstr(text, "by 2% or more): 1 (1 slower, 0 faster); 1 more below"), "%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* A cell the host ran on CPUs placed otherwise (latency 50 -> 210 ns) is
 * still the worst cell, but a second verdict leaves it out. */
Test(compare, worst_cell_among_cells_with_the_same_host_placement)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], cmd[200];
	const double same[] = {50, 50, 50}, moved[] = {50, 210, 52};
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_run_peer(a, cells, 3, 1.0, 1.0, 1, same);
	write_run_peer(b, cells, 3, 1.30, 1.05, 2, moved);

	struct pb_compare_result res;
	char *text = compare_text(a, b, &res);
	cr_expect(fabs(res.worst_change - (1 / 1.3 - 1)) < 0.03, "%g", res.worst_change);
	cr_expect_eq(res.same_host, 2, "seq and pthread:\n%s", text);
	cr_expect(fabs(res.worst_same_host - (1 / 1.05 - 1)) < 0.03, "%g", res.worst_same_host);
	cr_expect(strstr(text, "worst of those: fib n=30 pthread static workers=2"), "%s", text);
	cr_expect(strstr(line_of(text, "omp"), "     49-51   206-214"), "%s", text);
	free(text);

	/* Without the sensor's columns no cell counts as the same host. */
	write_run(b, cells, 3, 1.30, 1.05, 2);
	text = compare_text(a, b, &res);
	cr_expect_eq(res.same_host, 0);
	cr_expect(isnan(res.worst_same_host));
	cr_expect(strstr(text, "in both runs: unknown (no peer_ns_min in B)"), "%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

Test(compare, unreadable_run_is_an_error)
{
	char err[512];
	FILE *out = fopen("/dev/null", "w");
	cr_assert(out);
	cr_expect_eq(pb_compare_runs("/nonexistent/A", "/nonexistent/B", out, NULL, err,
				     sizeof(err)), -EINVAL, "bad input, in fail.h's vocabulary");
	fclose(out);
	cr_expect(strstr(err, "no run at '/nonexistent/A'"), "%s", err);
	cr_expect(!strchr(err, '\n'), "one line");
}

/* Through the CLI: exit 0 with a report, 2 with one line for bad usage. */
Test(compare, cli_exit_status)
{
	const char *bin = getenv("PARBENCH_BIN");
	char root[] = "/tmp/pb-compare-XXXXXX", cmd[600];
	if (!bin || !*bin)
		bin = "build/parbench";
	cr_assert(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "%s/A", root);
	write_run(cmd, cells, 3, 1.0, 1.0, 3);
	snprintf(cmd, sizeof(cmd), "%s compare %s/A %s/A >/dev/null 2>&1", bin, root, root);
	int st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "compare of a run with itself");
	snprintf(cmd, sizeof(cmd), "%s compare %s/A >/dev/null 2>&1", bin, root);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "one run is bad usage");
	snprintf(cmd, sizeof(cmd), "%s compare %s/A %s/missing 2>/dev/null", bin, root, root);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "unreadable run");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

Test(ratio_ci, reproducible_for_a_seed)
{
	double a[REPS], b[REPS];
	uint64_t state = 42;
	for (int i = 0; i < REPS; i++) {
		a[i] = 1.0 + 0.05 * noise(&state);
		b[i] = 1.5 + 0.05 * noise(&state);
	}
	double kept[REPS];
	memcpy(kept, a, sizeof(a));
	struct pb_ratio_ci x, y, z;
	cr_assert_eq(pb_ratio_ci_bootstrap(a, REPS, b, REPS, 1000, 0.95, 7, &x), 0);
	cr_expect_eq(memcmp(kept, a, sizeof(a)), 0, "input not modified");
	cr_assert_eq(pb_ratio_ci_bootstrap(a, REPS, b, REPS, 1000, 0.95, 7, &y), 0);
	cr_expect(x.ratio == y.ratio && x.low == y.low && x.high == y.high, "same seed, same CI");
	cr_assert_eq(pb_ratio_ci_bootstrap(a, REPS, b, REPS, 1000, 0.95, 8, &z), 0);
	cr_expect(z.low != x.low || z.high != x.high, "another seed, other resamples");
	cr_expect(x.low <= x.ratio && x.ratio <= x.high);
	cr_expect(x.low > 1.4 && x.high < 1.6, "[%g, %g]", x.low, x.high);
}

Test(ratio_ci, known_and_invalid_input)
{
	double a[] = {2, 2, 2}, b[] = {3, 3, 3, 3};
	struct pb_ratio_ci ci;
	cr_assert_eq(pb_ratio_ci_bootstrap(a, 3, b, 4, 100, 0.95, 1, &ci), 0);
	cr_expect(ci.ratio == 1.5 && ci.low == 1.5 && ci.high == 1.5, "constant samples");
	cr_expect_eq(pb_ratio_ci_bootstrap(a, 0, b, 4, 100, 0.95, 1, &ci), -EINVAL);
	cr_expect_eq(pb_ratio_ci_bootstrap(a, 3, b, 4, 0, 0.95, 1, &ci), -EINVAL);
	cr_expect_eq(pb_ratio_ci_bootstrap(a, 3, b, 4, 100, 1.0, 1, &ci), -EINVAL);
}

/* Each kernel's cells summarised by the geometric mean of their time
 * ratios (a mean of ratios would weigh a slowdown more than a speedup). */
Test(compare, a_kernel_summarised_by_the_geometric_mean_of_its_ratios)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], cmd[200];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_run(a, cells, 3, 1.0, 1.0, 1);
	write_run(b, cells, 3, 2.0, 0.5, 1); /* the same noise: seq exactly 1 */
	char *text = compare_text(a, b, NULL);
	/* (1 x 2 x 0.5)^(1/3) = 1: no net change, though one cell doubled. */
	cr_expect(strstr(text, "time_B/A per kernel (geometric mean over its cells): fib 1.000 "
			       "(3 cells)"), "%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

static void write_reference(const char *dir, const char *rows)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/reference.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fprintf(f, "run_id,runner,workers,test,n,bytes,median_s,gbps,status,peer_ns\n%s", rows);
	fclose(f);
}

/* Gives every repetition of dir's raw.csv the speed probe ns (probe_ns). */
static void add_probe(const char *dir, double ns)
{
	char path[256], line[512], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	FILE *in = fopen(path, "r"), *out = open_memstream(&text, &len);
	cr_assert(in && out, "%s", path);
	for (int first = 1; fgets(line, sizeof(line), in); first = 0) {
		line[strcspn(line, "\n")] = '\0';
		if (first)
			fprintf(out, "%s,probe_ns\n", line);
		else
			fprintf(out, "%s,%g\n", line, ns);
	}
	fclose(in);
	fclose(out);
	in = fopen(path, "w");
	cr_assert(in);
	fputs(text, in);
	fclose(in);
	free(text);
}

/* The machine itself moved between the runs: B's memory system faster
 * (its reference tests 1.21x and 1.10x A's, a third only in B) and its
 * probe slower (1.25 times A's).  Compare says both beside the cells, and
 * says so where a run lacks them. */
Test(compare, says_how_the_machine_itself_moved)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], cmd[200];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_run(a, cells, 3, 1.0, 1.0, 1);
	write_run(b, cells, 3, 1.0, 1.0, 2);
	char *text = compare_text(a, b, NULL);
	cr_expect(strstr(text, "bandwidth reference B/A: not in both runs\n"), "%s", text);
	cr_expect(strstr(text, "speed probe B/A: not in both runs\n"), "%s", text);
	free(text);
	write_reference(a, "A,omp,2,dot,1000,8000,0.001,10.0,ok,\n"
			   "A,seq,1,copy,1000,16000,0.002,8.0,ok,\n");
	write_reference(b, "B,seq,1,copy,1000,16000,0.002,8.8,ok,\n"
			   "B,omp,2,dot,1000,8000,0.001,12.1,ok,\n"
			   "B,omp,2,triad,1000,24000,0.002,12.0,ok,\n");
	add_probe(a, 100000);
	add_probe(b, 125000);
	/* A file compare has no use for is not read: a broken one is no error. */
	snprintf(cmd, sizeof(cmd), "printf 'a,b\\n1\\n' > %s/fits.csv", a);
	cr_assert_eq(system(cmd), 0);
	text = compare_text(a, b, NULL);
	/* sqrt(1.21 x 1.10) = 1.154 */
	cr_expect(strstr(text, "bandwidth reference B/A (geometric mean of the 2 tests both ran): "
			       "1.154: the memory system itself was 15% faster in B, and "
			       "memory-bound changes of about that size may be the machine's\n"),
		  "%s", text);
	cr_expect(strstr(text, "speed probe B/A (the median of the fixed-work probe before each "
			       "cell-round, 100000 ns and 125000 ns): 1.250: the machine itself was "
			       "20% slower in B, and changes of about that size may be the "
			       "machine's\n"), "%s", text);
	free(text);
	text = compare_text(a, a, NULL);
	cr_expect(strstr(text, "bandwidth reference B/A (geometric mean of the 2 tests both ran): "
			       "1.000\n"), "%s", text);
	cr_expect(strstr(text, "cell-round, 100000 ns and 100000 ns): 1.000\n"), "%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* A run with --pin given twice: seq and pthread in two placements, pthread
 * twice as slow unpinned, with a little noise from seed. */
static void write_two_placements(const char *dir, uint64_t seed)
{
	static const struct {
		const char *runner, *schedule, *pin;
		unsigned workers;
		double seconds;
	} cell[] = {{"seq", "none", "compact", 1, 1.0}, {"pthread", "dynamic", "compact", 2, 0.5},
		    {"seq", "none", "none", 1, 1.0}, {"pthread", "dynamic", "none", 2, 1.0}};
	char path[300];
	snprintf(path, sizeof(path), "mkdir -p %s", dir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	FILE *raw = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	FILE *sum = fopen(path, "w");
	cr_assert(raw && sum);
	fputs("run_id,kernel,n,runner,schedule,chunk,workers,pin,rep,seconds,ok\n", raw);
	fputs("run_id,kernel,n,runner,schedule,chunk,workers,pin,median_s,speedup,status\n", sum);
	for (size_t c = 0; c < sizeof(cell) / sizeof(cell[0]); c++) {
		for (int r = 0; r < REPS; r++)
			fprintf(raw, "r,fib,30,%s,%s,0,%u,%s,%d,%.9g,1\n", cell[c].runner,
				cell[c].schedule, cell[c].workers, cell[c].pin, r,
				cell[c].seconds * (1 + 0.01 * noise(&seed)));
		fprintf(sum, "r,fib,30,%s,%s,0,%u,%s,%.9g,%.9g,ok\n", cell[c].runner,
			cell[c].schedule, cell[c].workers, cell[c].pin, cell[c].seconds,
			1.0 / cell[c].seconds);
	}
	fclose(raw);
	fclose(sum);
}

/* compare keeps the two placements' repetitions apart (it once pooled
 * them, and matched both of A's cells with B's first). */
Test(compare, placements_are_cells_of_their_own)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[300], b[300];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	write_two_placements(a, 1);
	write_two_placements(b, 2);
	struct pb_compare_result res;
	char *text = compare_text(a, b, &res);
	cr_expect_eq(res.common, 4, "%s", text);
	cr_expect_eq(res.slower + res.faster, 0, "the same cells, the same times\n%s", text);
	cr_expect(strstr(text, " pthread  dynamic:compact "), "%s", text);
	const char *none = strstr(text, " pthread  dynamic:none ");
	cr_assert(none, "%s", text);
	double a_median = 0, b_median = 0;
	cr_expect_eq(sscanf(none, " pthread dynamic:none %*u %lf %lf", &a_median, &b_median), 2);
	cr_expect(a_median == 1 && b_median == 1, "B's unpinned cell, not its pinned one: %.40s",
		  none);
	free(text);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* compare as a CI gate: with --fail-if-slower it exits 4 where a cell of
 * B is significantly slower by the threshold or more, naming it; 0 where
 * none is; and the option means nothing to a sweep. */
Test(compare, fail_if_slower_gates_on_the_printed_rule)
{
	char root[] = "/tmp/pb-compare-XXXXXX", a[128], b[128], c[128], out[160], err[160];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/A", root);
	snprintf(b, sizeof(b), "%s/B", root);
	snprintf(c, sizeof(c), "%s/C", root);
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(err, sizeof(err), "%s/err", root);
	write_run(a, cells, 3, 1.0, 1.0, 1);
	write_run(b, cells, 3, 1.20, 1.005, 2); /* omp 20% slower */
	write_run(c, cells, 3, 1.005, 0.99, 3); /* nothing by 2% or more */
	const char *slower[] = {"compare", "--fail-if-slower", a, b, NULL};
	cr_expect_eq(pb_test_finish(pb_test_start(out, err, slower)), 4);
	char *text = pb_test_slurp(err);
	cr_expect(text && strstr(text, "1 cell of ") && strstr(text, "fib n=30 omp static "
								       "workers=2"), "%s", text);
	const char *same[] = {"compare", "--fail-if-slower", a, c, NULL};
	cr_expect_eq(pb_test_finish(pb_test_start(out, err, same)), 0, "%s", pb_test_slurp(err));
	const char *plain[] = {"compare", a, b, NULL};
	cr_expect_eq(pb_test_finish(pb_test_start(out, err, plain)), 0, "no gate asked for");
	const char *sweep[] = {"--fail-if-slower", "-k", "fib", NULL};
	cr_expect_eq(pb_test_finish(pb_test_start(out, err, sweep)), 2);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
