/* The CSV the harness writes parses back to the same values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/store/csv.h"
#include "../bench/store/table.h"

static struct pb_cell_result sample(struct pb_rep *reps)
{
	struct pb_cell_result r = {
		.cell = {
			.kernel = pb_kernel_find("factorial"), .n = 14000,
			.runner = pb_runner_find("pthread"), .has_schedule = 1,
			.sched = {PB_SCHED_DYNAMIC, 54}, .workers = 3, .oversubscribed = 1,
		},
		.expected = UINT64_C(18446744073709551615),
		.startup_s = 0.000123, .init_s = 0.5,
		.reps = reps, .rep_count = 3, .ok_count = 2, .failed = 1,
		.stats = {.count = 2, .median = 0.25, .min = 0.125, .max = 0.375,
			  .mean = 0.25, .stddev = 0.1767766953},
		.speedup = 1.96875, .efficiency = NAN, .gbps = NAN, .stop = "budget",
		.ci_low = 0.125, .ci_high = 0.375, .outliers = 1,
		.speedup_ci_low = 1.5, .speedup_ci_high = 2.25, .karp_flatt = NAN,
		.gbps_reference = NAN, .gbps_ratio = NAN,
	};
	snprintf(r.status, sizeof(r.status), "wrong-result");
	return r;
}

Test(csv, raw_rows_parse_back)
{
	struct pb_rep reps[3] = {
		{0.125, -1, UINT64_C(18446744073709551615), 1, 0, 48.5, 1.5, 250000, 3, 0, 2e-3, 0},
		{0.375, 0.0625, 7, 0, 1, 212.25, NAN, NAN, -1, 0, NAN, 0},
		{1e-7, -1, 0, 1, 2, NAN, 4.25, 400000, 0, 1, 0, 0},
	};
	struct pb_cell_result r = sample(reps);
	char path[] = "/tmp/pb-csv-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	cr_assert_eq(pb_csv_raw_header(f), 0);
	cr_assert_eq(pb_csv_raw_rows(f, "run-1", &r, 0), 0);
	fclose(f);

	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0);
	cr_assert_eq(t.row_count, 3);
	int c_kernel = pb_table_column(&t, "kernel"), c_sec = pb_table_column(&t, "seconds"),
	    c_comm = pb_table_column(&t, "comm_seconds"), c_res = pb_table_column(&t, "result"),
	    c_exp = pb_table_column(&t, "expected"), c_ok = pb_table_column(&t, "ok"),
	    c_sched = pb_table_column(&t, "schedule"), c_chunk = pb_table_column(&t, "chunk"),
	    c_w = pb_table_column(&t, "workers"), c_rep = pb_table_column(&t, "rep"),
	    c_over = pb_table_column(&t, "oversubscribed"), c_id = pb_table_column(&t, "run_id"),
	    c_round = pb_table_column(&t, "round"), c_peer = pb_table_column(&t, "peer_ns");
	cr_assert(c_kernel >= 0 && c_sec >= 0 && c_comm >= 0 && c_res >= 0 && c_exp >= 0 &&
		  c_ok >= 0 && c_sched >= 0 && c_chunk >= 0 && c_w >= 0 && c_rep >= 0 &&
		  c_over >= 0 && c_id >= 0 && c_round >= 0 && c_peer >= 0);
	for (size_t i = 0; i < 3; i++) {
		char **row = t.rows[i];
		cr_expect_str_eq(row[c_id], "run-1");
		cr_expect_str_eq(row[c_kernel], "factorial");
		cr_expect_str_eq(row[c_sched], "dynamic");
		cr_expect_eq(strtoull(row[c_chunk], NULL, 10), 54);
		cr_expect_eq(strtoul(row[c_w], NULL, 10), 3);
		cr_expect_eq(strtoul(row[c_over], NULL, 10), 1);
		cr_expect_eq(strtoul(row[c_rep], NULL, 10), i);
		cr_expect_eq(strtoul(row[c_round], NULL, 10), reps[i].round);
		if (isnan(reps[i].peer_ns))
			cr_expect_str_eq(row[c_peer], "", "not measured: empty field");
		else
			cr_expect_eq(strtod(row[c_peer], NULL), reps[i].peer_ns);
		cr_expect_eq(strtod(row[c_sec], NULL), reps[i].seconds);
		if (reps[i].comm_seconds < 0)
			cr_expect_str_eq(row[c_comm], "", "not measured: empty field");
		else
			cr_expect_eq(strtod(row[c_comm], NULL), reps[i].comm_seconds);
		cr_expect_eq(strtoull(row[c_res], NULL, 10), reps[i].result);
		cr_expect_eq(strtoull(row[c_exp], NULL, 10), r.expected);
		cr_expect_eq(atoi(row[c_ok]), reps[i].ok);
	}
	pb_table_free(&t);
	remove(path);
}

Test(csv, summary_row_parses_back)
{
	struct pb_rep reps[3] = {{0}};
	struct pb_cell_result r = sample(reps);
	char path[] = "/tmp/pb-csv-XXXXXX";
	FILE *f = fdopen(mkstemp(path), "w");
	pb_csv_summary_header(f);
	pb_csv_summary_row(f, "run-1", &r);
	fclose(f);

	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0);
	cr_assert_eq(t.row_count, 1);
	char **row = t.rows[0];
#define COL(name) row[pb_table_column(&t, name)]
	cr_expect_eq(strtod(COL("median_s"), NULL), 0.25);
	cr_expect_eq(strtod(COL("min_s"), NULL), 0.125);
	cr_expect_eq(strtod(COL("max_s"), NULL), 0.375);
	cr_expect_eq(strtod(COL("startup_s"), NULL), 0.000123);
	cr_expect_eq(strtod(COL("stddev_s"), NULL), 0.1767766953, "exact round trip");
	cr_expect_eq(strtod(COL("speedup"), NULL), 1.96875);
	cr_expect_str_eq(COL("efficiency"), "");
	cr_expect_str_eq(COL("gbps"), "");
	cr_expect_str_eq(COL("reps"), "3");
	cr_expect_str_eq(COL("ok_reps"), "2");
	cr_expect_str_eq(COL("status"), "wrong-result");
	cr_expect_str_eq(COL("stop"), "budget");
	cr_expect_str_eq(COL("outliers"), "1");
	cr_expect_eq(strtod(COL("median_ci_low_s"), NULL), 0.125);
	cr_expect_eq(strtod(COL("speedup_ci_high"), NULL), 2.25);
	cr_expect_str_eq(COL("karp_flatt"), "");
	cr_expect_str_eq(COL("runner"), "pthread");
#undef COL
	pb_table_free(&t);
	remove(path);
}

Test(csv, tokens_cannot_break_fields)
{
	char s[] = "open failed: a, \"b\"\n";
	pb_token_sanitize(s);
	cr_expect_null(strpbrk(s, ", \"\n"), "%s", s);
}

Test(csv, ragged_rows_are_rejected)
{
	char path[] = "/tmp/pb-csv-XXXXXX";
	FILE *f = fdopen(mkstemp(path), "w");
	fputs("a,b,c\n1,2,3\n4,5\n", f);
	fclose(f);
	struct pb_table t;
	cr_expect_lt(pb_table_load(path, &t), 0);
	remove(path);
}
