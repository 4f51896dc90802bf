/* gnuplot renders real PNG and SVG charts from a fixture run. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/report/render.h"
#include "support.h"

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
	pb_test_write_file(run, "provenance.txt", "host=fixture\ncpu_model=Test CPU\n");
	pb_test_write_file(run, "summary.csv",
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

/* A kernel run at several sizes gets its cost and speedup against n, each
 * runner at its best cell per size, caches marked; one size gets none. */
Test(plot, size_charts_from_fixture)
{
	char root[] = "/tmp/pb-plot-XXXXXX", run[128], plots[128], out[512], err[512];
	char cmd[300], path[600];
	cr_assert(mkdtemp(root));
	snprintf(run, sizeof(run), "%s/results/sizes-run", root);
	snprintf(plots, sizeof(plots), "%s/plots", root);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", run);
	cr_assert_eq(system(cmd), 0);
	/* sum's memory is 8 bytes an item: L1d fills at n = 4096, L2 at
	 * 131072, both inside 1024..524288; L3 beyond it. */
	pb_test_write_file(run, "provenance.txt",
		   "host=fixture\ncpu_model=Test CPU\nl1d_bytes=32768\nl2_bytes=1048576\n"
		   "l3_bytes=33554432\n");
	pb_test_write_file(run, "summary.csv",
		   "run_id,kernel,n,runner,schedule,chunk,workers,oversubscribed,scaling,"
		   "median_s,median_ci_low_s,median_ci_high_s,speedup,speedup_ci_low,"
		   "speedup_ci_high\n"
		   "r,sum,1024,seq,none,0,1,0,strong,1e-6,0.9e-6,1.1e-6,1,1,1\n"
		   "r,sum,1024,pthread,static,0,2,0,strong,4e-6,3.9e-6,4.1e-6,0.25,0.2,0.3\n"
		   "r,sum,1024,pthread,dynamic,2,2,0,strong,5e-6,4.9e-6,5.1e-6,0.2,0.18,0.22\n"
		   "r,sum,8192,seq,none,0,1,0,strong,8e-6,7.9e-6,8.1e-6,1,1,1\n"
		   "r,sum,8192,pthread,static,0,2,0,strong,9e-6,8.9e-6,9.1e-6,0.89,0.85,0.93\n"
		   "r,sum,8192,pthread,dynamic,16,2,0,strong,7e-6,6.9e-6,7.1e-6,1.14,1.1,1.2\n"
		   "r,sum,65536,seq,none,0,1,0,strong,7e-5,6.9e-5,7.1e-5,1,1,1\n"
		   "r,sum,65536,pthread,static,0,2,0,strong,4e-5,3.9e-5,4.1e-5,1.75,1.7,1.8\n"
		   "r,sum,65536,pthread,static,0,4,1,strong,1e-5,0.9e-5,1.1e-5,7,6.5,7.5\n"
		   "r,sum,524288,seq,none,0,1,0,strong,6e-4,5.9e-4,6.1e-4,1,1,1\n"
		   "r,sum,524288,pthread,static,0,2,0,strong,3e-4,2.9e-4,3.1e-4,2,1.9,2.1\n"
		   "r,fib,30,seq,none,0,1,0,strong,1.0,0.9,1.1,1,1,1\n"
		   "r,fib,30,pthread,static,0,2,0,strong,0.5,0.45,0.55,2,1.9,2.1\n");
	int rc = pb_plot_run(run, plots, out, sizeof(out), err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);

	unsigned char head[8];
	static const char *const charts[] = {"sizes-sum", "size-speedup-sum"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/sizes-run/%s.png", plots, charts[i]);
		cr_expect_gt(file_size(path, head, 8), 5000, "%s: a real chart", path);
		snprintf(path, sizeof(path), "%s/sizes-run/%s.svg", plots, charts[i]);
		char *svg = pb_test_slurp(path);
		cr_assert(svg, "%s", path);
		cr_expect(strstr(svg, "L1d 32 KiB") && strstr(svg, "L2 1 MiB"),
			  "%s: caches marked", charts[i]);
		cr_expect(!strstr(svg, "L3 32 MiB"), "L3 is beyond the sizes run");
	}
	snprintf(path, sizeof(path), "%s/sizes-run/sizes-fib.png", plots);
	cr_expect_neq(access(path, F_OK), 0, "fib ran at one size: no size chart");

	/* The best cell at each size, oversubscribed ones left out: at 8192
	 * dynamic (7 us), at 65536 the 2-worker static (40 us, not 10). */
	snprintf(path, sizeof(path), "%s/sizes-run/data/sizes-sum.dat", plots);
	char *data = pb_test_slurp(path);
	cr_assert(data, "%s", path);
	cr_expect(strstr(data, "n \"pthread\"\n1024 3.90625 "), "%s", data);
	cr_expect(strstr(data, "\n8192 0.854492 "), "%s", data);
	cr_expect(strstr(data, "# w=2 dynamic\n65536 0.610352 "), "%s", data);
	char *seq = strstr(data, "n \"seq\"");
	cr_expect(seq && seq > strstr(data, "n \"pthread\""), "the baseline last");

	char *html = pb_test_slurp(strcat(strcpy(path, plots), "/sizes-run/index.html"));
	cr_expect(html && strstr(html, "size-speedup-sum.png"), "the page shows them");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
