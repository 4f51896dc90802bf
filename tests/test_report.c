/*
 * Every chart type renders a real PNG from a fixture run, and the report
 * page says who won, shows the charts and escapes what it quotes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../bench/report/render.h"
#include "support.h"

struct fixture {
	char root[64], run[128], plots[128], out[512];
};

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	char *text = malloc((size_t)size + 1);
	cr_assert(text);
	cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	fclose(f);
	return text;
}

static void make_run(struct fixture *fx, const char *id)
{
	char cmd[300];
	snprintf(fx->root, sizeof(fx->root), "/tmp/pb-report-XXXXXX");
	cr_assert(mkdtemp(fx->root));
	snprintf(fx->run, sizeof(fx->run), "%s/results/%s", fx->root, id);
	snprintf(fx->plots, sizeof(fx->plots), "%s/plots", fx->root);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", fx->run);
	cr_assert_eq(system(cmd), 0);
}

static void remove_run(const struct fixture *fx)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->root);
	cr_assert_eq(system(cmd), 0);
}

#define KEYS "run_id,kernel,n,runner,schedule,chunk,workers,oversubscribed,"

/* A run of the full schema: CIs, fits, a reference, an oversubscribed
 * worker count, a memory-bound kernel with bandwidth. */
static void full_run(struct fixture *fx)
{
	make_run(fx, "full-run");
	pb_test_write_file(fx->run, "provenance.txt",
		   "host=fixture\ncpu_model=Fake <CPU> & \"co\"\nallowed_cpus=2\n"
		   "command_line=parbench --kernels fib,sum\nnote=a<b>&c\n");
	pb_test_write_file(fx->run, "summary.csv",
		   KEYS "median_s,median_ci_low_s,median_ci_high_s,speedup,speedup_ci_low,"
		   "speedup_ci_high,efficiency,gbps,gbps_reference,status\n"
		   "r,fib,30,seq,none,0,1,0,1.0,0.98,1.02,1,,,1,,,ok\n"
		   "r,fib,30,omp,dynamic,8,1,0,1.0,0.98,1.03,1.0,0.96,1.04,1.0,,,ok\n"
		   "r,fib,30,omp,dynamic,8,2,0,0.51,0.50,0.53,1.96,1.88,2.02,0.98,,,ok\n"
		   "r,fib,30,omp,dynamic,8,4,1,0.50,0.47,0.56,2.0,1.8,2.1,0.5,,,ok\n"
		   "r,fib,30,pthread,static,0,1,0,1.0,0.99,1.01,1.0,0.97,1.03,1.0,,,ok\n"
		   "r,fib,30,pthread,static,0,2,0,0.62,0.6,0.64,1.61,1.55,1.68,0.8,,,ok\n"
		   "r,fib,30,pthread,static,0,4,1,0.60,0.55,0.7,1.67,1.4,1.8,0.42,,,ok\n"
		   "r,sum,1000000,seq,none,0,1,0,0.1,0.099,0.101,1,,,1,10.0,,ok\n"
		   "r,sum,1000000,omp,static,0,1,0,0.1,0.099,0.102,1.0,0.97,1.02,1.0,10.0,18.0,ok\n"
		   "r,sum,1000000,omp,static,0,2,0,0.06,0.058,0.062,1.67,1.6,1.72,0.83,16.7,29.0,ok\n"
		   "r,sum,1000000,omp,static,0,4,1,0.07,0.065,0.08,1.43,1.3,1.5,0.36,14.3,28.0,ok\n");
	pb_test_write_file(fx->run, "fits.csv",
		   "run_id,kernel,n,runner,schedule,points,serial_fraction,serial_fraction_se,"
		   "amdahl_limit\n"
		   "r,fib,30,omp,dynamic,3,0.02,0.01,50\n"
		   "r,fib,30,pthread,static,3,0.2,0.05,5\n");
	pb_test_write_file(fx->run, "reference.csv",
		   "run_id,runner,workers,test,bytes,median_s,gbps\n"
		   "r,omp,2,triad,3000000,0.0001,29.0\n");
	pb_test_write_file(fx->run, "overhead.csv",
		   "run_id,runner,workers,samples,dispatches,median_us,min_us,max_us,"
		   "reference_us,overhead_us,status\n"
		   "r,omp,2,21,2000,0.95,0.9,1.2,0.01,0.94,ok\n");
	pb_test_write_file(fx->run, "breakeven.csv",
		   "run_id,kernel,runner,schedule,workers,overhead_us,speedup,n_measured,n_star\n"
		   "r,sum,omp,static,2,0.94,1.67,1000000,2100\n");
}

static void expect_png(const char *dir, const char *name)
{
	char path[600];
	unsigned char head[8] = {0};
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s was not rendered", path);
	size_t got = fread(head, 1, sizeof(head), f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	cr_expect_eq(got, sizeof(head));
	cr_expect_eq(memcmp(head, "\x89PNG\r\n\x1a\n", 8), 0, "%s: PNG signature", name);
	cr_expect_gt(size, 5000, "%s: a real chart, not an empty file (%ld bytes)", name, size);
}

Test(report, every_chart_type_renders)
{
	struct fixture fx;
	char err[512];
	full_run(&fx);
	cr_assert_eq(pb_plot_run(fx.run, fx.plots, fx.out, sizeof(fx.out), err, sizeof(err)), 0,
		     "%s", err);
	static const char *const pngs[] = {
		"speedup-fib-30.png", "efficiency-fib-30.png", "time-fib-30.png",
		"speedup-sum-1000000.png", "efficiency-sum-1000000.png", "time-sum-1000000.png",
		"bandwidth-sum-1000000.png", "overview.png"};
	for (size_t i = 0; i < sizeof(pngs) / sizeof(pngs[0]); i++)
		expect_png(fx.out, pngs[i]);
	char path[600];
	snprintf(path, sizeof(path), "%s/overview.svg", fx.out);
	cr_expect_eq(access(path, R_OK), 0, "SVG twin of the overview");
	snprintf(path, sizeof(path), "%s/bandwidth-fib-30.png", fx.out);
	cr_expect_neq(access(path, F_OK), 0, "no bandwidth chart for a kernel without gbps");
	remove_run(&fx);
}

Test(report, html_says_who_won_and_escapes)
{
	struct fixture fx;
	char err[512], path[600];
	full_run(&fx);
	cr_assert_eq(pb_plot_run(fx.run, fx.plots, fx.out, sizeof(fx.out), err, sizeof(err)), 0,
		     "%s", err);
	snprintf(path, sizeof(path), "%s/index.html", fx.out);
	char *html = read_file(path);
	cr_expect(strstr(html, "<h2>Who won</h2>"), "winner table");
	cr_expect(strstr(html, "<td>omp dynamic, 4 workers (oversubscribed)</td>"),
		  "fib's winner, marked as oversubscribed");
	cr_expect(strstr(html, "2.00x [1.80, 2.10]"), "speedup with its CI");
	cr_expect(strstr(html, "<td>pthread static, 4 workers (oversubscribed)</td>"),
		  "fib's runner-up");
	cr_expect(strstr(html, "<td>omp static, 2 workers</td>"), "sum's winner");
	cr_expect(strstr(html, "src=\"speedup-fib-30.png\""), "speedup chart");
	cr_expect(strstr(html, "src=\"bandwidth-sum-1000000.png\""), "bandwidth chart");
	cr_expect(strstr(html, "src=\"overview.png\""), "overview");
	cr_expect(strstr(html, "<td>a&lt;b&gt;&amp;c</td>"), "provenance escaped");
	cr_expect(strstr(html, "Fake &lt;CPU&gt; &amp; &quot;co&quot;"), "machine escaped");
	cr_expect(!strstr(html, "a<b>"), "no raw markup from the provenance");
	cr_expect(!strstr(html, "http"), "nothing fetched from elsewhere");
	cr_expect(strstr(html, "<td>2100</td>"), "break-even size");
	cr_expect(strstr(html, "<td>triad</td>"), "bandwidth reference");
	cr_expect(strstr(html, "<td>0.94</td>"), "dispatch overhead");
	cr_expect(!strstr(html, "How much rounds differ"), "no round_spread, no section");
	free(html);

	snprintf(path, sizeof(path), "%s/index.md", fx.out);
	char *md = read_file(path);
	cr_expect(strstr(md, "## Who won"), "Markdown twin");
	cr_expect(strncmp(md, "# parbench run full-run\n\n", 25) == 0, "%.60s", md);
	cr_expect(!strstr(md + 1, "# parbench run"), "the title once");
	cr_expect(strstr(md, "![speedup of fib at n = 30](<speedup-fib-30.png>)"), "%s", md);
	cr_expect(strstr(md, "| a\\<b\\>\\&c |"), "Markdown escaped");
	free(md);
	remove_run(&fx);
}

/* A run from before the CIs, fits and reference existed still plots. */
Test(report, older_run_degrades_gracefully)
{
	struct fixture fx;
	char err[512], path[600];
	make_run(&fx, "old-run");
	pb_test_write_file(fx.run, "summary.csv",
		   KEYS "median_s,speedup,efficiency,gbps,status\n"
		   "r,cube,1000,seq,none,0,1,0,0.002,1,1,12.0,ok\n"
		   "r,cube,1000,omp,static,0,1,0,0.002,1.0,1.0,12.0,ok\n"
		   "r,cube,1000,omp,static,0,2,0,0.0011,1.82,0.91,21.8,ok\n");
	cr_assert_eq(pb_plot_run(fx.run, fx.plots, fx.out, sizeof(fx.out), err, sizeof(err)), 0,
		     "%s", err);
	expect_png(fx.out, "speedup-cube-1000.png");
	expect_png(fx.out, "time-cube-1000.png");
	expect_png(fx.out, "bandwidth-cube-1000.png");
	snprintf(path, sizeof(path), "%s/index.html", fx.out);
	char *html = read_file(path);
	cr_expect(strstr(html, "This run has no breakeven.csv."));
	cr_expect(strstr(html, "This run has no provenance.txt."));
	cr_expect(strstr(html, "<td>1.82x</td>"), "speedup without a CI");
	cr_expect(!strstr(html, "CPU-to-CPU"), "no latency sensor, no placement line");
	free(html);
	remove_run(&fx);
}

/* Plots the fixture's run and returns its index.html (caller frees). */
static char *rendered_html(struct fixture *fx)
{
	char err[512], path[600];
	cr_assert_eq(pb_plot_run(fx->run, fx->plots, fx->out, sizeof(fx->out), err,
				 sizeof(err)), 0, "%s", err);
	snprintf(path, sizeof(path), "%s/index.html", fx->out);
	return read_file(path);
}

/* The CPU-to-CPU latency of the cells tells the reader the host moved the
 * CPUs between caches during the run. */
Test(report, says_when_the_host_moved_the_cpus)
{
	struct fixture fx;
	make_run(&fx, "moved-run");
	pb_test_write_file(fx.run, "provenance.txt", "host=fixture\npeer_cpus=0,1\n");
	pb_test_write_file(fx.run, "summary.csv",
		   KEYS "median_s,speedup,efficiency,gbps,peer_ns_min,peer_ns_max,status\n"
		   "r,cube,1000,seq,none,0,1,0,0.002,1,1,12.0,40,42,ok\n"
		   "r,cube,1000,omp,static,0,1,0,0.002,1.0,1.0,12.0,41,44,ok\n"
		   "r,cube,1000,omp,static,0,2,0,0.0011,1.82,0.91,21.8,40,205,ok\n"
		   "r,cube,1000,omp,dynamic,0,2,0,0.0009,2.2,1.1,26.0,190,210,ok\n");
	char *html = rendered_html(&fx);
	cr_expect(strstr(html, "CPU-to-CPU latency (CPUs 0,1, probed before each cell-round): "
			 "40-210 ns. Two placements"), "%s", html);
	cr_expect(strstr(html, "2 cells ran with them sharing one (under 100 ns), 1 across "
			 "caches, 1 saw both"), "%s", html);
	free(html);

	/* Latencies within 2.5x of the lowest: one placement. */
	pb_test_write_file(fx.run, "summary.csv",
		   KEYS "median_s,speedup,efficiency,gbps,peer_ns_min,peer_ns_max,status\n"
		   "r,cube,1000,seq,none,0,1,0,0.002,1,1,12.0,40,42,ok\n"
		   "r,cube,1000,omp,static,0,2,0,0.0011,1.82,0.91,21.8,40,61,ok\n");
	html = rendered_html(&fx);
	cr_expect(strstr(html, "40-61 ns. One placement throughout."), "%s", html);
	free(html);
	remove_run(&fx);
}

/* A run whose rounds differ: the page says how much, kernel by kernel, the
 * interval that allows and the rounds --target-ci would take. */
Test(report, says_how_much_rounds_differ)
{
	struct fixture fx;
	char err[512], path[600];
	make_run(&fx, "spread-run");
	pb_test_write_file(fx.run, "provenance.txt", "allowed_cpus=2\ntarget_ci=0.05\n");
	/* fib's median cell 8% over 4 rounds; sum's 2%. */
	pb_test_write_file(fx.run, "summary.csv",
		   KEYS "rounds,extra_rounds,median_s,median_ci_low_s,median_ci_high_s,"
		   "round_spread,speedup,gbps,status\n"
		   "r,fib,30,seq,none,0,1,0,4,0,1.0,0.88,1.14,0.08,1,,ok\n"
		   "r,fib,30,omp,static,0,2,0,4,0,0.5,0.44,0.57,0.07,2,,ok\n"
		   "r,fib,30,omp,static,0,1,0,3,1,1.0,0.88,1.14,0.09,1,,ok\n"
		   "r,sum,1000,seq,none,0,1,0,4,0,0.1,0.097,0.103,0.02,1,10,ok\n");
	cr_assert_eq(pb_plot_run(fx.run, fx.plots, fx.out, sizeof(fx.out), err, sizeof(err)), 0,
		     "%s", err);
	snprintf(path, sizeof(path), "%s/index.md", fx.out);
	char *md = read_file(path);
	cr_expect(strstr(md, "## How much rounds differ"), "%s", md);
	cr_expect(strstr(md, "| fib | 8.0% | 4 | \\+-14.0% | about 13 rounds a cell |"), "%s", md);
	cr_expect(strstr(md, "| sum | 2.0% | 4 | \\+-3.0% | within it |"), "%s", md);
	free(md);
	snprintf(path, sizeof(path), "%s/index.html", fx.out);
	char *html = read_file(path);
	cr_expect(strstr(html, "<td>about 13 rounds a cell</td>"), "the same in HTML");
	free(html);
	remove_run(&fx);
}
