/*
 * benchmark.json in Google Benchmark's format, read by Google Benchmark's
 * own compare.py (Debian's libbenchmark-tools, with SciPy for its U test)
 * on two real runs: it must read both and print a row for every cell,
 * both placements of a run with --pin given twice apart.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/model/identity.h"
#include "../bench/store/table.h"
#include "support.h"

#define COMPARE_PY "/usr/share/benchmark/compare.py"
/* Debian's interpreter: the one its python3-scipy is installed for. */
#define PYTHON "/usr/bin/python3"

/* The name json.c gives summary row i. */
static void cell_name(const struct pb_table *t, const int *col, size_t i, char *name, size_t len)
{
	char *const *row = t->rows[i];
	const char *sched = row[col[PB_KEY_SCHEDULE]];
	int none = strcmp(sched, "none") == 0;
	snprintf(name, len, "%s/n:%s/%s%s%s/pin:%s/threads:%s", row[col[PB_KEY_KERNEL]],
		 row[col[PB_KEY_N]], row[col[PB_KEY_RUNNER]], none ? "" : "/", none ? "" : sched,
		 row[col[PB_KEY_PIN]], row[col[PB_KEY_WORKERS]]);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	char *text = calloc(1, (size_t)size + 1);
	cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

Test(json, google_benchmark_compare_reads_two_runs, .timeout = 120)
{
	char root[] = "/tmp/pb-json-XXXXXX", cmd[2048], path[600];
	cr_assert_eq(access(COMPARE_PY, R_OK), 0,
		     COMPARE_PY " missing: make deps-test installs libbenchmark-tools");
	cr_assert_not_null(mkdtemp(root));
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s -k fib -n fib=22 -r seq,pthread -w 1,2 --pin compact --pin none "
			 "--reps 9 --max-reps 9 --rounds 1 --no-plot -o %s/run%d >/dev/null 2>&1",
			 pb_test_binary(), root, i);
		cr_assert_eq(pb_test_system(cmd), 0, "%s", cmd);
		snprintf(path, sizeof(path), "%s/run%d/latest/benchmark.json", root, i);
		/* Valid JSON, and no NaN or Infinity token anywhere. */
		snprintf(cmd, sizeof(cmd),
			 PYTHON " -c 'import json, sys; d = json.load(open(sys.argv[1]), "
			 "parse_constant=lambda c: sys.exit(3)); "
			 "sys.exit(0 if d[\"context\"][\"json_schema_version\"] == 1 and "
			 "d[\"benchmarks\"] else 4)' %s",
			 path);
		cr_expect_eq(pb_test_system(cmd), 0, "%s is Google Benchmark JSON without NaN", path);
	}
	snprintf(path, sizeof(path), "%s/compare.txt", root);
	snprintf(cmd, sizeof(cmd),
		 PYTHON " " COMPARE_PY " --no-color -a benchmarks %s/run0/latest/benchmark.json "
		 "%s/run1/latest/benchmark.json > %s 2>&1",
		 root, root, path);
	cr_assert_eq(pb_test_system(cmd), 0, "compare.py reads both runs (%s)", path);

	char *out = read_all(path), summary[600];
	struct pb_table t;
	int col[PB_KEY_COUNT];
	snprintf(summary, sizeof(summary), "%s/run0/latest/summary.csv", root);
	cr_assert_eq(pb_table_load(summary, &t), 0);
	cr_assert_eq(pb_table_key_columns(&t, col), 0);
	cr_expect_eq(t.row_count, 1 * 2 + 1 * 2 * 2 * 2, "seq twice, pthread x2 x2 x2 placements");
	for (size_t i = 0; i < t.row_count; i++) {
		char name[512], line[600];
		cell_name(&t, col, i, name, sizeof(name));
		snprintf(line, sizeof(line), "\n%s_median ", name);
		cr_expect(strstr(out, line), "compare.py prints a row for %s", name);
	}
	cr_expect(strstr(out, "/pin:none/") && strstr(out, "/pin:compact/"),
		  "the two placements are two cells");
	pb_table_free(&t);
	free(out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(pb_test_system(cmd), 0);
}
