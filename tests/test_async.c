/* The async runner overlaps waits; latency-bound cells report percentiles. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench/base/stats.h"
#include "../bench/store/table.h"
#include "../runners/runner.h"
#include "support.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One verified run of sleep on the async runner; returns its seconds. */
static double run_async(unsigned workers, unsigned inflight, uint64_t n, uint64_t wait_ns,
			enum pb_sched_kind kind, uint64_t *task_ns)
{
	const struct pb_runner *r = pb_runner_find("async");
	const struct pb_kernel *k = pb_kernel_find("sleep");
	cr_assert(r && k && k->waits && r->overlaps);
	struct pb_pool_opts opts = {.workers = workers};
	struct pb_pool *pool;
	cr_assert_eq(r->open(&pool, &opts), 0);
	struct pb_job job = {
		.kernel = k, .n = n, .items = k->items(n), .phase = PB_PHASE_RUN,
		.sched = {kind, kind == PB_SCHED_STATIC ? 0 : 1}, .wait_ns = wait_ns,
		.task_ns = task_ns, .inflight = inflight,
	};
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	double t0 = now_s();
	cr_assert_eq(r->run(pool, &job, &out), 0);
	double t = now_s() - t0;
	cr_expect_eq(out.result, k->expect(n), "w=%u inflight=%u n=%llu", workers, inflight,
		     (unsigned long long)n);
	r->close(pool);
	return t;
}

Test(async, one_two_and_many_in_flight_are_exact)
{
	static const unsigned inflight[] = {1, 2, 7, 1000};
	for (size_t i = 0; i < sizeof(inflight) / sizeof(inflight[0]); i++)
		for (unsigned w = 1; w <= 3; w++) {
			run_async(w, inflight[i], 97, 10000, PB_SCHED_DYNAMIC, NULL);
			run_async(w, inflight[i], 97, 10000, PB_SCHED_STATIC, NULL);
		}
}

/* 200 tasks of 2 ms: 0.4 s one after another; 100 at a time on one
 * worker, two waits' worth (4 ms).  Far less than n x L, with room for a
 * loaded CI machine. */
Test(async, the_loop_really_overlaps_waits)
{
	static uint64_t task_ns[200];
	double t = run_async(1, 100, 200, 2000000, PB_SCHED_DYNAMIC, task_ns);
	cr_expect_lt(t, 0.4 / 10, "200 tasks of 2 ms took %.3f s", t);
	cr_expect_geq(t, 0.004, "no faster than two waves of waits: %.4f s", t);
	for (int i = 0; i < 200; i++)
		cr_expect_geq(task_ns[i], 2000000, "task %d ended before its wait", i);
}

Test(async, nearest_rank_percentiles)
{
	static uint64_t v[1000];
	for (int i = 0; i < 1000; i++)
		v[i] = (uint64_t)(1000 - i); /* 1000 .. 1, sorted below */
	pb_sort_u64(v, 1000);
	cr_expect_eq(pb_nearest_rank(v, 1000, 0.5), 500);
	cr_expect_eq(pb_nearest_rank(v, 1000, 0.99), 990);
	cr_expect_eq(pb_nearest_rank(v, 1000, 0.999), 999);
	cr_expect_eq(pb_nearest_rank(v, 1000, 1.0), 1000);
	uint64_t one = 42;
	cr_expect_eq(pb_nearest_rank(&one, 1, 0.999), 42);
	cr_expect_eq(pb_nearest_rank(v, 0, 0.5), 0);
}

/* The task-latency percentiles summary.csv gives, shortest first. */
static const char *const percentiles[] = {"task_p50_s", "task_p99_s", "task_p999_s"};
#define PERCENTILES (sizeof(percentiles) / sizeof(percentiles[0]))

/* Every cell of the summary at path that waits (kernel sleep) has each
 * task-latency percentile, none shorter than wait_s and each no shorter
 * than the one before; the cells that do not wait have none.  Returns
 * the cells that wait. */
static int expect_task_percentiles(const char *path, double wait_s)
{
	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0, "%s", path);
	int kernel = pb_table_column(&t, "kernel"), runner = pb_table_column(&t, "runner");
	int col[PERCENTILES];
	for (size_t q = 0; q < PERCENTILES; q++) {
		col[q] = pb_table_column(&t, percentiles[q]);
		cr_assert_geq(col[q], 0, "summary.csv has %s", percentiles[q]);
	}
	int waiting = 0;
	for (size_t i = 0; i < t.row_count; i++) {
		char *const *row = t.rows[i];
		int waits = strcmp(row[kernel], "sleep") == 0;
		waiting += waits;
		double before = 0;
		for (size_t q = 0; q < PERCENTILES; q++) {
			const char *text = row[col[q]];
			if (!waits) {
				cr_expect_str_empty(text, "%s on %s, which never waits: %s '%s'",
						    row[kernel], row[runner], percentiles[q], text);
				continue;
			}
			char *end;
			double v = strtod(text, &end);
			cr_expect(*text && !*end, "%s on %s: %s '%s' is a number", row[kernel],
				  row[runner], percentiles[q], text);
			cr_expect_geq(v, wait_s, "%s on %s: %s %g s is shorter than the %g s wait",
				      row[kernel], row[runner], percentiles[q], v, wait_s);
			cr_expect_geq(v, before, "%s on %s: %s %g s is below the one before (%g s)",
				      row[kernel], row[runner], percentiles[q], v, before);
			before = v;
		}
	}
	pb_table_free(&t);
	return waiting;
}

/* From the command line: every sleep cell verified, in-flight counts as
 * cells of their own, percentiles no shorter than the wait, the chart. */
Test(async, a_latency_sweep_writes_percentiles_and_the_throughput_chart)
{
	char root[] = "/tmp/pb-async-XXXXXX", out[128], plots[128], so[160], se[160], p[300];
	cr_assert(mkdtemp(root));
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(plots, sizeof(plots), "%s/plots", root);
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	const char *args[] = {"-k", "sleep,sum", "-r", "seq,pthread,async", "-w", "1,2",
			      "-s", "dynamic", "-n", "sleep=60,sum=4096", "--latency-us", "500",
			      "--inflight", "1,30", "--reps", "3", "--rounds", "1",
			      "--no-progress", "--no-overhead", "-o", out, "--plots", plots, NULL};
	int rc = pb_test_finish(pb_test_start(so, se, args));
	cr_assert_eq(rc, 0, "exit %d: %s", rc, pb_test_slurp(se));
	snprintf(p, sizeof(p), "%s/latest/summary.csv", out);
	char *s = pb_test_slurp(p);
	cr_assert(s);
	/* async on sleep: 2 workers x 2 in-flight counts; on sum one each. */
	int async_sleep = 0, async_sum = 0;
	for (char *line = strchr(s, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		char kernel[16], runner[16];
		if (sscanf(line + 1, "%*[^,],%15[^,],%*[^,],%15[^,]", kernel, runner) != 2)
			continue;
		async_sleep += !strcmp(kernel, "sleep") && !strcmp(runner, "async");
		async_sum += !strcmp(kernel, "sum") && !strcmp(runner, "async");
	}
	cr_expect_eq(async_sleep, 4, "%s", s);
	cr_expect_eq(async_sum, 2, "%s", s);
	cr_expect(strstr(s, ",500,30,"), "latency and in flight in the key: %s", s);
	cr_expect(!strstr(s, "wrong-result"), "%s", s);
	/* --latency-us 500: each task waits 0.5 ms at least. */
	cr_expect_eq(expect_task_percentiles(p, 500e-6), 7, "seq, pthread x 2 and async x 4");
	char *report = pb_test_slurp(so);
	cr_expect(report && strstr(report, "Latency-bound cells"), "%s", report);
	cr_expect(report && strstr(report, "x30"), "%s", report);
	snprintf(p, sizeof(p), "%s/latest/throughput-sleep-60-latency500us.png", plots);
	cr_expect_eq(access(p, F_OK), 0, "%s", p);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

Test(async, bad_latencies_and_inflight_are_refused)
{
	static const char *const bad[][2] = {
		{"--latency-us", "0"}, {"--latency-us", "-5"}, {"--latency-us", "99999999"},
		{"--latency-us", "abc"}, {"--inflight", "0"}, {"--inflight", "1000000"},
		{"--inflight", "1,,2"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = {"-k", "sleep", "-r", "async", bad[i][0], bad[i][1],
				      "--no-plot", "-o", "/nonexistent-never-written", NULL};
		int rc = pb_test_finish(pb_test_start("/dev/null", "/tmp/pb-async-err", args));
		cr_expect_eq(rc, 2, "%s %s: exit %d", bad[i][0], bad[i][1], rc);
		char *msg = pb_test_slurp("/tmp/pb-async-err");
		cr_expect(msg && strchr(msg, '\n') == msg + strlen(msg) - 1, "one line: %s", msg);
	}
}
