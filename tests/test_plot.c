/* gnuplot renders real PNG and SVG charts from a fixture run. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/report/render.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static long file_size(const char *path, unsigned char *head, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t got = fread(head, 1, n, f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	return got == n ? size : -1;
}

Test(plot, renders_png_and_svg_from_fixture)
{
	char root[] = "/tmp/pb-plot-XXXXXX", run[128], plots[128], out[512], err[512];
	cr_assert(mkdtemp(root));
	snprintf(run, sizeof(run), "%s/results/fixture-run", root);
	snprintf(plots, sizeof(plots), "%s/plots", root);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", run);
	cr_assert_eq(system(cmd), 0);
	write_file(run, "provenance.txt", "host=fixture\ncpu_model=Test CPU\n");
	write_file(run, "summary.csv",
		   "run_id,kernel,n,runner,schedule,chunk,workers,oversubscribed,median_s,speedup\n"
		   "r,fib,30,seq,none,0,1,0,1.0,1\n"
		   "r,fib,30,omp,dynamic,8,1,0,1.0,0.99\n"
		   "r,fib,30,omp,dynamic,8,2,0,0.5,1.98\n"
		   "r,fib,30,omp,dynamic,8,4,0,0.26,3.85\n"
		   "r,fib,30,pthread,static,0,1,0,1.0,1.0\n"
		   "r,fib,30,pthread,static,0,2,0,0.6,1.6\n"
		   "r,fib,30,pthread,static,0,4,0,0.35,2.9\n");

	int rc = pb_plot_run(run, plots, out, sizeof(out), err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);

	unsigned char head[8];
	char path[600];
	snprintf(path, sizeof(path), "%s/fixture-run/speedup-fib-30.png", plots);
	long size = file_size(path, head, 8);
	cr_assert_gt(size, 5000, "%s: a real chart, not an empty file", path);
	cr_expect_eq(memcmp(head, "\x89PNG\r\n\x1a\n", 8), 0, "PNG signature");
	snprintf(path, sizeof(path), "%s/fixture-run/speedup-fib-30.svg", plots);
	cr_assert_gt(file_size(path, head, 5), 1000);
	cr_expect_eq(memcmp(head, "<?xml", 5), 0, "SVG document");
	snprintf(path, sizeof(path), "%s/latest", plots);
	cr_expect_eq(access(path, F_OK), 0, "plots/latest link");

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

Test(plot, missing_run_is_an_error)
{
	char out[256], err[512];
	cr_expect_eq(pb_plot_run("/nonexistent/run", "/tmp", out, sizeof(out), err,
				 sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "no run"), "%s", err);

	/* Through the CLI: bad input, exit status 2, one line. */
	const char *bin = getenv("PARBENCH_BIN");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "%s plot /nonexistent/run 2>&1 | wc -l | grep -qx 1",
		 bin && *bin ? bin : "build/parbench");
	cr_expect_eq(system(cmd), 0, "one line");
	snprintf(cmd, sizeof(cmd), "%s plot /nonexistent/run 2>/dev/null",
		 bin && *bin ? bin : "build/parbench");
	int st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit status %d", WEXITSTATUS(st));
}
