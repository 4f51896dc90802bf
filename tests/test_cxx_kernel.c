/*
 * A kernel library written in C++ (examples/kernels/saxpy.cpp, built by
 * tests/Makefile.local into tests/saxpy.so beside parbench): it loads,
 * which a header without extern "C" and extern exports did not allow
 * (g++ gave its exports internal linkage), and verifies under every
 * runner this build has.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* tests/saxpy.so in parbench's build folder. */
static void library_path(char *path, size_t len)
{
	char bin[PATH_MAX];
	snprintf(bin, sizeof(bin), "%s", pb_test_binary());
	snprintf(path, len, "%s/tests/saxpy.so", dirname(bin));
	cr_assert_eq(access(path, R_OK), 0, "%s: built with the test program", path);
}

/* The runners parbench --list names, comma-separated into list. */
static int listed_runners(const char *dir, char *list, size_t len)
{
	char so[PATH_MAX], se[PATH_MAX];
	snprintf(so, sizeof(so), "%s/list", dir);
	snprintf(se, sizeof(se), "%s/list.err", dir);
	cr_assert_eq(pb_test_finish(pb_test_start(so, se, (const char *[]){"--list", NULL})), 0);
	char *text = pb_test_slurp(so), *at = text ? strstr(text, "\nrunners:\n") : NULL;
	cr_assert(at, "%s", text);
	int count = 0;
	list[0] = '\0';
	for (char *line = strtok(at + strlen("\nrunners:\n"), "\n"); line;
	     line = strtok(NULL, "\n")) {
		char name[32];
		if (strncmp(line, "  ", 2) || sscanf(line, " %31s", name) != 1)
			break;
		snprintf(list + strlen(list), len - strlen(list), "%s%s", count++ ? "," : "", name);
	}
	return count;
}

Test(cxx_kernel, verified_under_every_runner, .timeout = 240)
{
	char root[] = "/tmp/pb-cxx-XXXXXX", lib[PATH_MAX], out[128], so[160], se[160];
	char runners[256], path[300];
	cr_assert(mkdtemp(root));
	library_path(lib, sizeof(lib));
	int count = listed_runners(root, runners, sizeof(runners));
	cr_assert_geq(count, 5, "seq, omp, pthread, fork, async at least: %s", runners);
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	const char *args[] = {"--kernel-lib", lib, "-k", "saxpy", "-n", "saxpy=2^16", "-r", runners,
			      "-w", "2", "-s", "static,dynamic", "--reps", "3", "--rounds", "1",
			      "--cell-budget", "0.01", "--no-plot", "--no-progress",
			      "--no-overhead", "-o", out, NULL};
	int rc = pb_test_finish(pb_test_start(so, se, args));
	cr_assert_eq(rc, 0, "exit %d: %s", rc, pb_test_slurp(se));

	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *summary = pb_test_slurp(path);
	cr_assert(summary, "%s", path);
	/* Each runner: at least one cell, every cell of saxpy checked
	 * against its expect within the tolerance, and ok. */
	for (char *r = strtok(runners, ","); r; r = strtok(NULL, ",")) {
		char want[64];
		snprintf(want, sizeof(want), ",saxpy,65536,%s,", r);
		int cells = 0;
		for (const char *at = summary; (at = strstr(at, want)); at += strlen(want)) {
			const char *end = strchr(at, '\n');
			int n = end ? (int)(end - at) : (int)strlen(at);
			cr_expect(memmem(at, (size_t)n, ",tolerance,ok", 13), "%s: %.*s", r, n, at);
			cells++;
		}
		cr_expect_gt(cells, 0, "%s ran saxpy: %s", r, summary);
	}
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
