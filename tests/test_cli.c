/*
 * The CLI as a user meets it: bad input gets one line on stderr and exit
 * status 2, and never harms results already written.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/store/table.h"
#include "support.h"

#define MAX_ARGS 32

struct outcome {
	int status;
	char err[4096];
	char out[65536];
};

/* Runs parbench with args (NULL-terminated), capturing both streams. */
static void run(struct outcome *o, const char *const *args)
{
	char errpath[] = "/tmp/pb-cli-err-XXXXXX", outpath[] = "/tmp/pb-cli-out-XXXXXX";
	int efd = mkstemp(errpath), ofd = mkstemp(outpath);
	cr_assert(efd >= 0 && ofd >= 0);
	const char *argv[MAX_ARGS + 2] = {pb_test_binary()};
	for (int i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(126);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	ssize_t n = pread(efd, o->err, sizeof(o->err) - 1, 0);
	o->err[n > 0 ? n : 0] = '\0';
	n = pread(ofd, o->out, sizeof(o->out) - 1, 0);
	o->out[n > 0 ? n : 0] = '\0';
	close(efd);
	close(ofd);
	unlink(errpath);
	unlink(outpath);
}

static int lines(const char *s)
{
	int count = 0;
	for (; *s; s++)
		count += *s == '\n';
	return count;
}

/* Arrays, not pointers: Criterion's workers may not share our addresses. */
struct bad {
	char args[6][40];
	char says[32]; /* words the message must contain */
};

ParameterizedTestParameters(cli, bad_input_is_refused)
{
	static struct bad cases[] = {
		{{"--kernels", "nope"}, "unknown kernel"},
		{{"--kernels", "sum,"}, "empty"},
		{{"--runners", "gpu"}, "unknown runner"},
		{{"--size", "sum=0"}, "positive"},
		{{"--size", "sum=-5"}, "positive"},
		{{"--size", "sum=abc"}, "positive"},
		{{"--size", "sum=2^99"}, "too large"},
		{{"--size", "sum=99999999999999999999999"}, "too large"},
		{{"--size", "fib=94"}, "too large"},
		{{"--size", "sum"}, "KERNEL=N"},
		{{"--size", "nope=3"}, "unknown kernel"},
		{{"--kernels", "fib", "--size", "sum=8"}, "not in --kernels"},
		{{"--workers", "0"}, "--workers"},
		{{"--workers", "-1"}, "--workers"},
		{{"--workers", "two"}, "--workers"},
		{{"--workers", "3-1"}, "--workers"},
		{{"--workers", "1,,2"}, "--workers"},
		{{"--workers", "100000"}, "too large"},
		{{"--reps", "0"}, "--reps"},
		{{"--reps", "1.5"}, "--reps"},
		{{"--warmup", "-1"}, "--warmup"},
		{{"--schedule", "fastest"}, "unknown schedule"},
		{{"--schedule", "static:4"}, "static takes no chunk"},
		{{"--schedule", "dynamic:0"}, "chunk"},
		{{"--bogus"}, "unknown option"},
		{{"--reps"}, "needs a value"},
		{{"stray"}, "unexpected argument"},
		{{"--size", "sum=2^35", "--kernels", "sum"}, "more than"},
		{{"--kernels", "fi\nb"}, "unknown kernel"}, /* a newline stays one line */
		{{"--pin", "0\n1"}, "--pin"},
		{{"--repeat-disturbed", "-1"}, "--repeat-disturbed"},
		{{"--repeat-disturbed", "many"}, "--repeat-disturbed"},
		{{"--repeat-disturbed", "1000"}, "too large"},
		{{"--max-rounds", "0"}, "--max-rounds"},
		{{"--max-rounds", "2", "--rounds", "3"}, "below --rounds"},
		{{"--max-rounds", "lots"}, "--max-rounds"},
		{{"--extra-rounds", "-1"}, "--extra-rounds"},
		{{"--extra-rounds", "99999999"}, "too large"},
		{{"coverage", "results/x"}, "usage"},
		{{"noise"}, "usage"},
		{{"noise", "/nonexistent-run"}, "/nonexistent-run"},
	};
	return cr_make_param_array(struct bad, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad *c, cli, bad_input_is_refused)
{
	struct outcome o;
	const char *args[7] = {0};
	for (int i = 0; i < 6 && c->args[i][0]; i++)
		args[i] = c->args[i];
	run(&o, args);
	cr_expect_eq(o.status, 2, "%s %s: status %d", c->args[0], c->args[1], o.status);
	cr_expect_eq(lines(o.err), 1, "one line, got: %s", o.err);
	cr_expect(strncmp(o.err, "parbench: ", 10) == 0, "prefixed: %s", o.err);
	cr_expect(strstr(o.err, c->says), "'%s' should say '%s'", o.err, c->says);
	cr_expect_eq(o.out[0], '\0', "nothing on stdout: %s", o.out);
}

Test(cli, help_and_list)
{
	struct outcome o;
	run(&o, (const char *[]){"--help", NULL});
	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "--workers"));
	run(&o, (const char *[]){"--list", NULL});
	cr_expect_eq(o.status, 0);
	for (const char *k = "sum\0cube\0factorial\0fib\0seq\0omp\0pthread\0"; *k; k += strlen(k) + 1)
		cr_expect(strstr(o.out, k), "--list lacks %s", k);
}

/* A tiny sweep into a fresh folder; returns its run folder via latest. */
#define TINY "--kernels", "fib", "--size", "fib=16", "--reps", "2", "--max-reps", "3", \
	"--warmup", "0", "--no-plot", "--no-overhead"

static void make_tmpdir(char *dir)
{
	strcpy(dir, "/tmp/pb-cli-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[1 << 16];
	cr_assert(f, "cannot open %s", path);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static void remove_tree(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(cli, unwritable_results_folder)
{
	char dir[64], file[128];
	make_tmpdir(dir);
	snprintf(file, sizeof(file), "%s/plain-file", dir);
	close(open(file, O_CREAT | O_WRONLY, 0644));
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", file, NULL});
	cr_expect_eq(o.status, 2);
	cr_expect_eq(lines(o.err), 1, "%s", o.err);
	cr_expect(strstr(o.err, "cannot write results"), "%s", o.err);
	remove_tree(dir);
}

Test(cli, bad_run_leaves_earlier_results_intact)
{
	char dir[64], latest[128], raw[256], summary[256];
	make_tmpdir(dir);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, NULL});
	cr_assert_eq(o.status, 0, "%s", o.err);
	snprintf(latest, sizeof(latest), "%s/latest", dir);
	snprintf(raw, sizeof(raw), "%s/raw.csv", latest);
	snprintf(summary, sizeof(summary), "%s/summary.csv", latest);
	char *raw_before = slurp(raw), *summary_before = slurp(summary);
	char target[256] = {0};
	cr_assert_gt(readlink(latest, target, sizeof(target) - 1), 0);

	/* Bad input, then a sweep that cannot fit in memory. */
	run(&o, (const char *[]){TINY, "--out", dir, "--workers", "0", NULL});
	cr_expect_eq(o.status, 2);
	run(&o, (const char *[]){"--kernels", "sum", "--size", "sum=2^35", "--out", dir, NULL});
	cr_expect_eq(o.status, 2, "status %d: %s", o.status, o.err);

	char *raw_after = slurp(raw), *summary_after = slurp(summary);
	cr_expect_str_eq(raw_after, raw_before);
	cr_expect_str_eq(summary_after, summary_before);
	char after[256] = {0};
	cr_assert_gt(readlink(latest, after, sizeof(after) - 1), 0);
	cr_expect_str_eq(after, target, "latest still points at the good run");
	free(raw_before), free(summary_before), free(raw_after), free(summary_after);
	remove_tree(dir);
}

Test(cli, more_workers_than_cpus_is_allowed_and_flagged)
{
	char dir[64], path[256];
	make_tmpdir(dir);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char workers[32];
	snprintf(workers, sizeof(workers), "%ld", cpus + 1);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, "--runners", "pthread", "--workers", workers,
				 NULL});
	cr_expect_eq(o.status, 0, "%s", o.err);
	cr_expect(strstr(o.err, "oversubscribed"), "said on stderr: %s", o.err);
	snprintf(path, sizeof(path), "%s/latest/summary.csv", dir);
	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0);
	int over = pb_table_column(&t, "oversubscribed"), runner = pb_table_column(&t, "runner"),
	    reps = pb_table_column(&t, "reps"), ok = pb_table_column(&t, "ok_reps");
	int flagged = 0;
	for (size_t i = 0; i < t.row_count; i++)
		if (!strcmp(t.rows[i][runner], "pthread")) {
			cr_expect_str_eq(t.rows[i][over], "1");
			cr_expect_str_eq(t.rows[i][reps], t.rows[i][ok], "all verified");
			flagged++;
		}
	cr_expect_eq(flagged, 2, "static and dynamic rows");
	pb_table_free(&t);
	remove_tree(dir);
}

Test(cli, sweep_writes_verified_results)
{
	char dir[64], path[256];
	make_tmpdir(dir);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, "--workers", "1,2", NULL});
	cr_assert_eq(o.status, 0, "%s", o.err);
	cr_expect(strstr(o.out, "Results: "), "%s", o.out);
	static const char *const files[] = {"raw.csv", "summary.csv", "provenance.txt"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/latest/%s", dir, files[i]);
		cr_expect_eq(access(path, R_OK), 0, "%s", path);
		strcat(path, ".partial");
		cr_expect_neq(access(path, F_OK), 0, "no leftover %s", path);
	}
	remove_tree(dir);
}

/* Under `taskset -c 1` every worker of every runner lands on CPU 1. */
Test(cli, taskset_one_cpu_places_everything_there)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		cr_skip_test("needs CPU 1");
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(1, &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0); /* inherited by exec */
	char dir[64], path[256];
	make_tmpdir(dir);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, "--workers", "1,2", NULL});
	cr_assert_eq(o.status, 0, "%s", o.err);
	snprintf(path, sizeof(path), "%s/latest/raw.csv", dir);
	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0);
	const char *cols[] = {"cpus", "cpus_bound", "cpus_start", "cpus_end"};
	for (size_t i = 0; i < t.row_count; i++)
		for (size_t c = 0; c < 4; c++) {
			const char *v = t.rows[i][pb_table_column(&t, cols[c])];
			cr_expect(!strcmp(v, "1") || !strcmp(v, "1;1"), "row %zu %s = '%s'", i,
				  cols[c], v);
		}
	cr_expect_gt(t.row_count, 0);
	pb_table_free(&t);
	remove_tree(dir);
}

/* A user's OMP_PROC_BIND is left to libgomp, and does not shrink every
 * other runner to the one CPU libgomp pins the initial thread to. */
Test(cli, users_omp_proc_bind_is_respected)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		cr_skip_test("needs 2 CPUs");
	setenv("OMP_PROC_BIND", "close", 1); /* inherited by exec */
	char dir[64], path[256];
	make_tmpdir(dir);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, "--workers", "2", "--runners", "omp,pthread",
				 NULL});
	cr_assert_eq(o.status, 0, "%s", o.err);
	snprintf(path, sizeof(path), "%s/latest/summary.csv", dir);
	struct pb_table t;
	cr_assert_eq(pb_table_load(path, &t), 0);
	int runner = pb_table_column(&t, "runner"), pin = pb_table_column(&t, "pin"),
	    over = pb_table_column(&t, "oversubscribed");
	for (size_t i = 0; i < t.row_count; i++) {
		if (!strcmp(t.rows[i][runner], "omp"))
			cr_expect_str_eq(t.rows[i][pin], "runtime-env");
		else
			cr_expect_str_eq(t.rows[i][pin], "compact");
		cr_expect_str_eq(t.rows[i][over], "0", "2 workers on 2 CPUs");
	}
	pb_table_free(&t);
	remove_tree(dir);
}

/* A runner that cannot start (no MPI launcher) named by the user is bad
 * input: one line, exit 2, nothing written. */
Test(cli, missing_launcher_is_refused)
{
	char dir[64];
	make_tmpdir(dir);
	setenv("PARBENCH_MPI_LAUNCHER", "/nonexistent/mpirun", 1);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, "--runners", "mpi", NULL});
	cr_expect_eq(o.status, 2);
	cr_expect_eq(lines(o.err), 1, "%s", o.err);
	cr_expect(strstr(o.err, "launcher"), "%s", o.err);
	char path[128];
	snprintf(path, sizeof(path), "%s/latest", dir);
	cr_expect_neq(access(path, F_OK), 0, "no run written");
	remove_tree(dir);
}

/* A setting the user got wrong is refused even for runners not named. */
Test(cli, bad_runner_timeouts_are_refused)
{
	char dir[64];
	make_tmpdir(dir);
	static const char *const vars[] = {"PARBENCH_MPI_TIMEOUT", "PARBENCH_FORK_TIMEOUT"};
	static const char *const bad[] = {"abc", "-5", "0", "10s"};
	for (size_t v = 0; v < sizeof(vars) / sizeof(vars[0]); v++)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			setenv(vars[v], bad[i], 1);
			struct outcome o;
			run(&o, (const char *[]){TINY, "--out", dir, NULL});
			cr_expect_eq(o.status, 2, "%s=%s: status %d", vars[v], bad[i], o.status);
			cr_expect_eq(lines(o.err), 1, "%s", o.err);
			cr_expect(strstr(o.err, vars[v]), "%s", o.err);
			unsetenv(vars[v]);
		}
	remove_tree(dir);
}

/* A launcher that exits at once: the cell says with which status, not
 * "Broken pipe". */
Test(cli, a_launcher_that_exits_is_named_with_its_status)
{
	char dir[64], launcher[128], cmd[300];
	make_tmpdir(dir);
	snprintf(launcher, sizeof(launcher), "%s/exit7", dir);
	FILE *f = fopen(launcher, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh\nexit 7\n", f);
	fclose(f);
	cr_assert_eq(chmod(launcher, 0755), 0);
	setenv("PARBENCH_MPI_LAUNCHER", launcher, 1);
	struct outcome o;
	run(&o, (const char *[]){TINY, "--out", dir, "--runners", "mpi", "--workers", "2", NULL});
	unsetenv("PARBENCH_MPI_LAUNCHER");
	cr_expect_eq(o.status, 1, "a failed cell");
	snprintf(cmd, sizeof(cmd), "grep -q 'open-failed:launcher-exit-7' %s/latest/summary.csv",
		 dir);
	cr_expect_eq(system(cmd), 0, "the status says how the launcher ended");
	remove_tree(dir);
}

/* The summary row of seq in a sweep of one seq cell: extra_rounds, stop,
 * and how many rounds raw.csv holds. */
static void rounds_of(const char *dir, unsigned *extra, char *stop, unsigned *raw_rounds)
{
	char path[256];
	struct pb_table t;
	snprintf(path, sizeof(path), "%s/latest/summary.csv", dir);
	cr_assert_eq(pb_table_load(path, &t), 0);
	cr_assert_eq(t.row_count, 1);
	*extra = (unsigned)atoi(t.rows[0][pb_table_column(&t, "extra_rounds")]);
	strcpy(stop, t.rows[0][pb_table_column(&t, "stop")]);
	pb_table_free(&t);
	snprintf(path, sizeof(path), "%s/latest/raw.csv", dir);
	cr_assert_eq(pb_table_load(path, &t), 0);
	unsigned most = 0;
	for (size_t i = 0; i < t.row_count; i++) {
		unsigned r = (unsigned)atoi(t.rows[i][pb_table_column(&t, "round")]);
		most = r + 1 > most ? r + 1 : most;
	}
	*raw_rounds = most;
	pb_table_free(&t);
}

/* Rounds that disagree beyond an unreachable --target-ci get extra rounds
 * at the end, up to --max-rounds, and no more than --extra-rounds. */
Test(cli, wide_cells_get_extra_rounds_within_their_limits)
{
	char dir[64], stop[32];
	unsigned extra, rounds;
	/* fib 27, about a millisecond: two rounds' medians of 30 us repetitions
	 * could come out equal to the clock's last digit, an interval of 0. */
	const char *base[] = {"--kernels", "fib", "--size", "fib=27", "--runners", "seq",
			      "--workers", "1", "--reps", "4", "--rounds", "2", "--target-ci",
			      "0.001", "--repeat-disturbed", "0", "--no-overhead", "--no-plot",
			      "--out"};
	struct outcome o;
	const char *args[32];
	size_t n = sizeof(base) / sizeof(base[0]);
	memcpy(args, base, sizeof(base));
	make_tmpdir(dir);
	args[n] = dir;

	/* The default allowance of a one-cell sweep is one extra round. */
	args[n + 1] = "--max-rounds", args[n + 2] = "4", args[n + 3] = NULL;
	run(&o, args);
	cr_assert_eq(o.status, 0, "%s", o.err);
	rounds_of(dir, &extra, stop, &rounds);
	cr_expect_eq(extra, 1);
	cr_expect_str_eq(stop, "extras");

	args[n + 3] = "--extra-rounds", args[n + 4] = "10", args[n + 5] = NULL;
	run(&o, args);
	cr_assert_eq(o.status, 0, "%s", o.err);
	rounds_of(dir, &extra, stop, &rounds);
	cr_expect_eq(extra, 2);
	cr_expect_eq(rounds, 4, "raw.csv has rounds 0-3: %u", rounds);
	cr_expect_str_eq(stop, "rounds");
	cr_expect(strstr(o.out, "extra round 2:"), "%s", o.out);

	args[n + 4] = "0";
	run(&o, args);
	cr_assert_eq(o.status, 0, "%s", o.err);
	rounds_of(dir, &extra, stop, &rounds);
	cr_expect_eq(extra, 0, "--extra-rounds 0: none");

	args[n + 2] = "2", args[n + 3] = NULL;
	run(&o, args);
	cr_assert_eq(o.status, 0, "%s", o.err);
	rounds_of(dir, &extra, stop, &rounds);
	cr_expect_eq(extra, 0, "--max-rounds = --rounds: none");
	cr_expect_eq(rounds, 2);
	remove_tree(dir);
}
