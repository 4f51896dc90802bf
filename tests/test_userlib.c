/*
 * Kernels from a user's shared library: installed header, pkg-config,
 * the two examples under every runner, broken kernels failing their own
 * cells only, and every bad library refused.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char root[64], prefix[128];

static int sh(const char *fmt, const char *a, const char *b, const char *c)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), fmt, a, b, c);
	return pb_test_system(cmd);
}

/* make install into a fresh prefix, then the two examples built out of
 * tree exactly as docs/own-kernel.md says, with pkg-config. */
static void install_and_build(void)
{
	char repo[PATH_MAX];
	snprintf(root, sizeof(root), "/tmp/pb-userlib-XXXXXX");
	cr_assert(mkdtemp(root));
	snprintf(prefix, sizeof(prefix), "%s/prefix", root);
	cr_assert(getcwd(repo, sizeof(repo)));
	cr_assert_eq(sh("make --no-print-directory -s install PREFIX=%s > %s/install.log 2>&1",
			prefix, root, NULL), 0, "make install");
	char pc[256];
	snprintf(pc, sizeof(pc), "%s/lib/pkgconfig", prefix);
	setenv("PKG_CONFIG_PATH", pc, 1);
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "dot" : "collatz";
		char cmd[1024];
		snprintf(cmd, sizeof(cmd),
			 "cd %s && cc -O3 -march=native -fPIC -shared $(pkg-config --cflags parbench) "
			 "%s/examples/kernels/%s.c -o %s.so", root, repo, name, name);
		cr_assert_eq(pb_test_system(cmd), 0, "%s", cmd);
	}
}

static void cleanup(void)
{
	sh("rm -rf %s", root, NULL, NULL);
}

TestSuite(userlib, .init = install_and_build, .fini = cleanup);

static int run(const char *const *args, char **out, char **err)
{
	char so[128], se[128];
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	int rc = pb_test_finish(pb_test_start(so, se, args));
	static char o[1 << 17], e[1 << 14];
	char *t = pb_test_slurp(so);
	snprintf(o, sizeof(o), "%s", t ? t : "");
	t = pb_test_slurp(se);
	snprintf(e, sizeof(e), "%s", t ? t : "");
	*out = o;
	*err = e;
	return rc;
}

/* Every cell of summary.csv ok with all its repetitions verified, its
 * check as named; returns the cells seen. */
static int all_verified(const char *results, const char *kernel, const char *check)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/latest/summary.csv", results);
	char *s = pb_test_slurp(path);
	cr_assert(s, "%s", path);
	char *line = strtok(s, "\n"), *head = line;
	int cells = 0;
	cr_assert(head && strstr(head, ",check,status"));
	while ((line = strtok(NULL, "\n"))) {
		if (!strstr(line, kernel))
			continue;
		cells++;
		cr_expect(strstr(line, check) && !strcmp(strrchr(line, ',') + 1, "ok"), "%s", line);
	}
	return cells;
}

Test(userlib, examples_run_verified_under_every_runner, .timeout = 240)
{
	char a[256], b[256], out[256], *o, *e;
	snprintf(a, sizeof(a), "%s/collatz.so", root);
	snprintf(b, sizeof(b), "%s/dot.so", root);
	snprintf(out, sizeof(out), "%s/results", root);
	const char *args[] = {"--kernel-lib", a, "--kernel-lib", b, "-k", "collatz,dot",
			      "-r", "seq,omp,pthread,fork,mpi,async", "-w", "1,2,3", "-s",
			      "static,dynamic", "-n", "collatz=30000,dot=2^16", "--reps", "3",
			      "--rounds", "1", "--cell-budget", "0.01", "--no-plot", "--no-progress",
			      "-o", out, NULL};
	int rc = run(args, &o, &e);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, e);
	/* 1 seq + (omp, pthread, fork, mpi, async) x 2 schedules x 3 counts;
	 * dot has memory, which MPI ranks hold in static blocks only. */
	cr_expect_eq(all_verified(out, ",collatz,", ",seq-reference,"), 31);
	cr_expect_eq(all_verified(out, ",dot,", ",tolerance,"), 28);
	char path[256];
	snprintf(path, sizeof(path), "%s/latest/provenance.txt", out);
	char *p = pb_test_slurp(path);
	cr_expect(p && strstr(p, "kernel_libs=2") && strstr(p, "kernel_lib_1_sha256=") &&
		  strstr(p, "kernel_abi_version=1"), "%s", p);
}

/*
 * Whether a cell of the crashing kernel fails with the status that names
 * its crash, exactly.  In a process of the harness's (seq, omp, pthread,
 * and fork's workers) the member and the signal that ended it:
 * "run-crashed:SIGSEGV".  An MPI rank's signal is not known to the harness, only that the rank died,
 * with the node where the launcher said so: "failed:rank-died" or
 * "failed:rank-died-on-<this host>".  A launch that failed, a kernel that
 * exited, a timeout are other failures, not this one.
 */
static int names_the_crash(const char *line, const char *status)
{
	static const char died[] = "failed:rank-died", on[] = "-on-";
	if (!strstr(line, ",mpi,"))
		return strcmp(status, "run-crashed:SIGSEGV") == 0;
	if (strncmp(status, died, sizeof(died) - 1))
		return 0;
	const char *node = status + sizeof(died) - 1;
	if (!*node)
		return 1;
	if (strncmp(node, on, sizeof(on) - 1))
		return 0;
	node += sizeof(on) - 1;
	/* The launcher may name the host with its domain or without. */
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	size_t len = strcspn(host, ".");
	return strncmp(node, host, len) == 0 && (node[len] == '\0' || node[len] == '.');
}

Test(userlib, broken_kernels_fail_their_cells_only, .timeout = 240)
{
	char lib[256], good[256], out[256], *o, *e;
	snprintf(lib, sizeof(lib), "%s/broken.so", root);
	snprintf(good, sizeof(good), "%s/collatz.so", root);
	snprintf(out, sizeof(out), "%s/broken-results", root);
	cr_assert_eq(sh("cc -O1 -fPIC -shared -Iinclude tests/userlib/broken.c -o %s", lib, NULL,
			NULL), 0);
	const char *args[] = {"--kernel-lib", lib, "--kernel-lib", good, "-k",
			      "crashes,hangs,collatz", "-r", "seq,omp,pthread,fork,mpi", "-w", "2",
			      "-s", "static", "-n", "collatz=20000", "--reps", "3", "--rounds", "1",
			      "--cell-budget", "0.01", "--cell-timeout", "4", "--no-plot",
			      "--no-progress", "--no-overhead", "-o", out, NULL};
	int rc = run(args, &o, &e);
	cr_assert_eq(rc, 1, "some cells failed, the sweep finished: exit %d: %s", rc, e);
	char path[256];
	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *s = pb_test_slurp(path);
	cr_assert(s);
	int crashed = 0, timed_out = 0, fine = 0;
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		const char *status = strrchr(line, ',') + 1;
		if (strstr(line, ",crashes,")) {
			crashed++;
			cr_expect(names_the_crash(line, status), "a crash is named: %s", line);
		} else if (strstr(line, ",hangs,")) {
			timed_out++;
			cr_expect(strstr(status, "timeout") != NULL, "a hang is a timeout: %s", line);
		} else if (strstr(line, ",collatz,")) {
			fine++;
			cr_expect_str_eq(status, "ok", "%s", line);
		}
	}
	cr_expect_eq(crashed, 5);
	cr_expect_eq(timed_out, 5);
	cr_expect_eq(fine, 5);
	for (const char *const *r = (const char *const[]){"seq", "omp", "pthread", NULL}; *r; r++) {
		char want[64];
		snprintf(want, sizeof(want), ",crashes,1000,%s,", *r);
		char *at = strstr(pb_test_slurp(path), want);
		cr_expect(at && strstr(at, "run-crashed:SIGSEGV"), "%s in process: SIGSEGV named", *r);
	}
}

Test(userlib, bad_libraries_are_refused, .timeout = 120)
{
	static const struct {
		const char *define, *file, *says;
	} bad[] = {
		{NULL, "missing.so", "No such file"},
		{NULL, "text.so", "not a loadable shared library"},
		{"BAD_NO_EXPORT", "noexport.so", "no PB_KERNEL_EXPORT"},
		{"BAD_ABI", "abi.so", "ABI version 999"},
		{"BAD_NO_RUN", "norun.so", "has no run"},
		{"BAD_BUILTIN_NAME", "sum.so", "already known"},
	};
	char path[256], out[256], *o, *e;
	snprintf(out, sizeof(out), "%s/never", root);
	snprintf(path, sizeof(path), "%s/text.so", root);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("not ELF\n", f);
	fclose(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, bad[i].file);
		if (bad[i].define) {
			char cmd[512];
			snprintf(cmd, sizeof(cmd), "cc -fPIC -shared -Iinclude -D%s tests/userlib/bad.c "
				 "-o %s", bad[i].define, path);
			cr_assert_eq(pb_test_system(cmd), 0, "%s", cmd);
		}
		const char *args[] = {"--kernel-lib", path, "-r", "seq", "--no-plot", "-o", out, NULL};
		int rc = run(args, &o, &e);
		cr_expect_eq(rc, 2, "%s: exit %d", bad[i].file, rc);
		cr_expect(strstr(e, bad[i].says) && strchr(e, '\n') == e + strlen(e) - 1,
			  "%s: one line saying '%s': %s", bad[i].file, bad[i].says, e);
	}

	/* A kernel name another library took; sizes without items or too big. */
	char few[256], copy[256];
	snprintf(few, sizeof(few), "%s/few.so", root);
	cr_assert_eq(sh("cc -fPIC -shared -Iinclude tests/userlib/bad.c -o %s", few, NULL, NULL), 0);
	snprintf(copy, sizeof(copy), "%s/few-again.so", root);
	cr_assert_eq(sh("cp %s %s", few, copy, NULL), 0);
	const char *twice[] = {"--kernel-lib", few, "--kernel-lib", copy, "-r", "seq", "--no-plot",
			       "-o", out, NULL};
	cr_expect_eq(run(twice, &o, &e), 2);
	cr_expect(strstr(e, "already known"), "%s", e);
	const char *none[] = {"--kernel-lib", few, "-k", "fewitems", "-n", "fewitems=5", "-r",
			      "seq", "--no-plot", "-o", out, NULL};
	cr_expect_eq(run(none, &o, &e), 2);
	cr_expect(strstr(e, "no items"), "%s", e);
	const char *big[] = {"--kernel-lib", few, "-k", "fewitems", "-n", "fewitems=1001", "-r",
			     "seq", "--no-plot", "-o", out, NULL};
	cr_expect_eq(run(big, &o, &e), 2);
	cr_expect(strstr(e, "too large"), "%s", e);
	cr_expect_neq(access(out, F_OK), 0, "nothing written");
}
