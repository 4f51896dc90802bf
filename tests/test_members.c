/*
 * A user's kernel that crashes, hangs or returns NaN in any one of its
 * members (its library's constructor, items, bytes, init, run, expect,
 * work) fails its own cells only, with the member named in their status,
 * while a good kernel in the same sweep passes and the sweep exits 1.
 * Each case is tests/userlib/misbehave.c built with one member chosen.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernels/guard.h"
#include "../kernels/kernel.h"
#include "support.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pb-members-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	pb_test_system(cmd);
}

TestSuite(members, .init = make_dir, .fini = remove_dir, .timeout = 120);

/* The library of one case: misbehave.c with MISBEHAVE (and HANG). */
static void build(const char *name, const char *member, int hang, char *so, size_t len)
{
	char repo[PATH_MAX], cmd[2048];
	cr_assert(getcwd(repo, sizeof(repo)));
	snprintf(so, len, "%s/%s.so", dir, name);
	snprintf(cmd, sizeof(cmd), "cc -O1 -fPIC -shared -I%s/include -DMISBEHAVE=%s %s "
		 "%s/tests/userlib/misbehave.c -o %s", repo, member, hang ? "-DHANG" : "", repo, so);
	cr_assert_eq(pb_test_system(cmd), 0, "%s", cmd);
}

/* Runs a short sweep of bad beside the built-in factorial; returns the
 * exit status, the summary in *summary. */
static int sweep(const char *so, const char *name, const char *const *extra, char **summary,
		 char **err)
{
	char out[256], so_out[256], se[256];
	snprintf(out, sizeof(out), "%s/results-%s", dir, name);
	snprintf(so_out, sizeof(so_out), "%s/%s.out", dir, name);
	snprintf(se, sizeof(se), "%s/%s.err", dir, name);
	const char *args[40] = {"--kernel-lib", so, "-k", "bad,factorial", "-n",
				"factorial=200,bad=4096", "-r", "seq,pthread", "--reps", "2",
				"--max-reps", "2", "--rounds", "1", "--warmup", "0", "--no-overhead",
				"--no-plot", "--cell-timeout", "3", "-o", out};
	size_t n = 22;
	for (size_t i = 0; extra[i]; i++)
		args[n++] = extra[i];
	if (!extra[0]) {
		args[n++] = "-w";
		args[n++] = "1";
	}
	args[n] = NULL;
	int rc = pb_test_finish(pb_test_start(so_out, se, args));
	char path[300];
	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *text = pb_test_slurp(path);
	*summary = text ? strdup(text) : NULL;
	text = pb_test_slurp(se);
	*err = strdup(text ? text : "");
	return rc;
}

/* Every row of kernel in the summary: its status column (the last). */
static int statuses(char *summary, const char *kernel, const char *want, int *wrong)
{
	int rows = 0;
	char key[64];
	snprintf(key, sizeof(key), ",%s,", kernel);
	*wrong = 0;
	for (char *line = strtok(summary, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, key))
			continue;
		rows++;
		const char *status = strrchr(line, ',') + 1;
		if (strcmp(status, want) != 0) {
			cr_log_error("%s: status %s, want %s", kernel, status, want);
			(*wrong)++;
		}
	}
	return rows;
}

static void check_case(const char *name, const char *member, int hang, const char *want,
		       const char *const *extra)
{
	char so[256], *summary, *err;
	build(name, member, hang, so, sizeof(so));
	int rc = sweep(so, name, extra, &summary, &err);
	cr_assert(summary, "%s: no summary.csv; exit %d: %s", name, rc, err ? err : "");
	cr_expect_eq(rc, 1, "%s: some cells failed, the sweep went on: exit %d: %s", name, rc,
		     err ? err : "");
	char *copy = strdup(summary);
	int wrong = 0, bad = statuses(summary, "bad", want, &wrong);
	cr_expect(bad > 0 && wrong == 0, "%s: %d of bad's %d cells are not %s", name, wrong, bad,
		  want);
	int good = statuses(copy, "factorial", "ok", &wrong);
	cr_expect(good >= 2 && wrong == 0, "%s: the good kernel's %d cells: %d not ok", name, good,
		  wrong);
	free(copy);
	free(summary);
	free(err);
}

static const char *const one_worker[] = {NULL};
static const char *const weak[] = {"-w", "1,2", "--scaling", "weak", NULL};

Test(members, constructor_crash) { check_case("constructor", "MEMBER_CONSTRUCTOR", 0, "library-load-crashed:SIGSEGV", one_worker); }
Test(members, items_crash) { check_case("items", "MEMBER_ITEMS", 0, "items-crashed:SIGSEGV", one_worker); }
Test(members, items_hang) { check_case("items-hang", "MEMBER_ITEMS", 1, "items-failed:timeout", one_worker); }
Test(members, bytes_crash) { check_case("bytes", "MEMBER_BYTES", 0, "bytes-crashed:SIGSEGV", one_worker); }
Test(members, init_crash) { check_case("init", "MEMBER_INIT", 0, "init-crashed:SIGSEGV", one_worker); }
Test(members, run_crash) { check_case("run", "MEMBER_RUN", 0, "run-crashed:SIGSEGV", one_worker); }
Test(members, run_hang) { check_case("run-hang", "MEMBER_RUN", 1, "run-failed:timeout", one_worker); }
Test(members, expect_crash) { check_case("expect", "MEMBER_EXPECT", 0, "expect-crashed:SIGSEGV", one_worker); }
Test(members, expect_hang) { check_case("expect-hang", "MEMBER_EXPECT", 1, "expect-failed:timeout", one_worker); }
Test(members, work_crash) { check_case("work", "MEMBER_WORK", 0, "work-crashed:SIGSEGV", weak); }
Test(members, nan_result) { check_case("nan", "MEMBER_NAN", 0, "not-a-number", one_worker); }

/* The speed probe's best comes back from the sandboxed rounds of a user's
 * kernel: its cells' slowdown is measured against it (at least 1), not
 * divided by a best the harness never saw (which read 0). */
Test(members, probe_best_survives_the_sandbox)
{
	char repo[PATH_MAX], cmd[2048], so[256], out[256], se[256], path[300];
	cr_assert(getcwd(repo, sizeof(repo)));
	snprintf(so, sizeof(so), "%s/factorial-lib.so", dir);
	snprintf(cmd, sizeof(cmd), "cc -O2 -fPIC -shared -I%s/include %s/tests/userlib/"
		 "factorial_lib.c -o %s", repo, repo, so);
	cr_assert_eq(pb_test_system(cmd), 0, "%s", cmd);
	snprintf(out, sizeof(out), "%s/results-probe", dir);
	snprintf(se, sizeof(se), "%s/probe.err", dir);
	const char *args[] = {"--kernel-lib", so, "-k", "factorial-lib", "-n", "factorial-lib=300",
			      "-r", "seq,pthread", "-w", "1", "--reps", "2", "--max-reps", "2",
			      "--rounds", "2", "--warmup", "0", "--no-overhead", "--no-plot", "-o",
			      out, NULL};
	int rc = pb_test_finish(pb_test_start("/dev/null", se, args));
	cr_assert_eq(rc, 0, "exit %d", rc);
	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *s = pb_test_slurp(path);
	cr_assert(s, "%s", path);
	char *line = strtok(s, "\n");
	int col = 0, at = -1;
	for (char *p = line; p && at < 0; p = strchr(p, ','), p = p ? p + 1 : NULL, col++)
		if (strncmp(p, "probe_slowdown_max,", 19) == 0)
			at = col;
	cr_assert(at >= 0, "a probe_slowdown_max column: %s", line);
	int cells = 0;
	while ((line = strtok(NULL, "\n"))) {
		const char *f = line;
		for (int i = 0; i < at && f; i++)
			f = strchr(f, ',') + 1;
		double slow = strtod(f, NULL);
		cr_expect(slow >= 1, "probe_slowdown_max %g (at least 1): %s", slow, line);
		cells++;
	}
	cr_expect_eq(cells, 3, "three cells");
}

static uint64_t one_item(uint64_t n)
{
	(void)n;
	return 1;
}

static uint64_t no_work(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n, (void)begin, (void)end;
	return 0;
}

/* A library's kernels are registered all or none: where one of them
 * cannot be (its name taken), none is left pointing at kernels the
 * failed load frees. */
Test(members, registration_is_all_or_none)
{
	static const struct pb_kernel fresh = {.name = "fresh-kernel", .default_n = 1,
					       .items = one_item, .run = no_work};
	static const struct pb_kernel taken = {.name = "fib", .default_n = 1, .items = one_item,
					       .run = no_work};
	const struct pb_kernel *batch[] = {&fresh, &taken};
	cr_expect_eq(pb_kernel_register(batch, 2), -EEXIST);
	cr_expect_null(pb_kernel_find("fresh-kernel"), "nothing of the batch registered");
	const struct pb_kernel *twice[] = {&fresh, &fresh};
	cr_expect_eq(pb_kernel_register(twice, 2), -EEXIST, "a name given twice");
	cr_expect_null(pb_kernel_find("fresh-kernel"));
}

static int slow_success(void *ctx)
{
	(void)ctx;
	usleep(50000);
	return 0;
}

/* A child that cannot be waited for (here: SIGCHLD ignored, so the kernel
 * reaps it itself) is no clean exit: the guard says so and does not read
 * a status it never had as success. */
Test(members, a_child_that_cannot_be_waited_for_is_not_a_success)
{
	char why[64] = "";
	signal(SIGCHLD, SIG_IGN);
	int err = pb_guard_run(slow_success, NULL, 10, NULL, why, sizeof(why));
	cr_expect_neq(err, 0, "not a success");
	cr_expect(strncmp(why, "wait-", 5) == 0, "why: %s", why);
}
