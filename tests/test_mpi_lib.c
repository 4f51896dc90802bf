/*
 * MPI ranks load a user's kernel library by path; on a cluster each node
 * resolves that path itself.  A rank whose file is another build than the
 * one the driver loaded (and whose SHA-256 the provenance records) must
 * refuse it, naming its node and both digests, and fail the cell rather
 * than run it unnoticed.
 *
 * Another node is played by PARBENCH_MPI_PROGRAM: a wrapper that hands
 * the ranks another file where the driver named its library, as a node
 * with another build at that path would have.  The other build is the
 * same library with bytes appended: it loads and computes alike, so only
 * its digest tells it apart.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static char root[64], lib[128], other[128], out[128];

static void sh(const char *cmd)
{
	cr_assert_eq(pb_test_system(cmd), 0, "%s", cmd);
}

/* The lowercase SHA-256 of a file, by sha256sum: a method of its own. */
static void digest_of(const char *path, char hex[65])
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
	FILE *p = popen(cmd, "r");
	cr_assert(p && fscanf(p, "%64s", hex) == 1, "%s", cmd);
	pclose(p);
}

static void build_libraries(void)
{
	char cmd[600];
	snprintf(root, sizeof(root), "/tmp/pb-mpilib-XXXXXX");
	cr_assert(mkdtemp(root));
	snprintf(lib, sizeof(lib), "%s/collatz.so", root);
	snprintf(other, sizeof(other), "%s/other-node-collatz.so", root);
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(cmd, sizeof(cmd), "cc -O2 -fPIC -shared -Iinclude examples/kernels/collatz.c -o %s"
		 " && cp %s %s && printf 'another build' >> %s", lib, lib, other, other);
	sh(cmd);
}

/* A parbench-mpi whose ranks find `other` where the driver loaded lib. */
static void other_build_on_the_ranks_node(void)
{
	char bin[PATH_MAX], real[PATH_MAX], wrapper[128], text[2048];
	snprintf(bin, sizeof(bin), "%s", pb_test_binary());
	snprintf(real, sizeof(real), "%s/parbench-mpi", dirname(bin));
	char *abs = realpath(real, NULL);
	cr_assert(abs, "%s", real);
	snprintf(wrapper, sizeof(wrapper), "%s/parbench-mpi-other-node", root);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "prev=\n"
		 "for arg do\n"
		 "\tshift\n"
		 "\tif [ \"$prev\" = --kernel-lib ] && [ \"$arg\" = %s ]; then\n"
		 "\t\tset -- \"$@\" %s\n"
		 "\telse\n"
		 "\t\tset -- \"$@\" \"$arg\"\n"
		 "\tfi\n"
		 "\tprev=$arg\n"
		 "done\n"
		 "exec %s \"$@\"\n", lib, other, abs);
	free(abs);
	pb_test_write_file(root, "parbench-mpi-other-node", text);
	cr_assert_eq(chmod(wrapper, 0755), 0);
	setenv("PARBENCH_MPI_PROGRAM", wrapper, 1);
}

static void cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	pb_test_system(cmd);
}

/* Runs one small sweep of collatz under mpi (and seq); its exit status. */
static int sweep(void)
{
	char so[160], se[160];
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	const char *args[] = {"--kernel-lib", lib, "-k", "collatz", "-n", "collatz=20000", "-r",
			      "seq,mpi", "-w", "2", "-s", "static", "--reps", "3", "--rounds", "1",
			      "--cell-budget", "0.01", "--no-plot", "--no-progress",
			      "--no-overhead", "-o", out, NULL};
	return pb_test_finish(pb_test_start(so, se, args));
}

/* The status of the run's mpi cell, into buf. */
static const char *mpi_status(char *buf, size_t len)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *s = pb_test_slurp(path), *at = s ? strstr(s, ",collatz,20000,mpi,") : NULL;
	cr_assert(at, "%s: %s", path, s);
	char *end = strchr(at, '\n');
	if (end)
		*end = '\0';
	snprintf(buf, len, "%s", strrchr(at, ',') + 1);
	return buf;
}

TestSuite(mpi_lib, .init = build_libraries, .fini = cleanup);

Test(mpi_lib, the_drivers_own_file_is_loaded, .timeout = 120)
{
	char status[128];
	unsetenv("PARBENCH_MPI_PROGRAM");
	int rc = sweep();
	char se[160];
	snprintf(se, sizeof(se), "%s/stderr", root);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, pb_test_slurp(se));
	cr_expect_str_eq(mpi_status(status, sizeof(status)), "ok");
}

Test(mpi_lib, another_build_on_a_node_fails_its_cell, .timeout = 120)
{
	char status[128], want[128], host[64] = "", mine[65], theirs[65], path[300];
	other_build_on_the_ranks_node();
	int rc = sweep();
	cr_assert_eq(rc, 1, "the mpi cell failed, the sweep finished: exit %d", rc);

	/* The node, this rank's digest and the driver's, which is the one the
	 * provenance recorded. */
	digest_of(lib, mine);
	digest_of(other, theirs);
	snprintf(path, sizeof(path), "%s/latest/provenance.txt", out);
	snprintf(want, sizeof(want), "kernel_lib_1_sha256=%s\n", mine);
	char *prov = pb_test_slurp(path);
	cr_expect(prov && strstr(prov, want), "%s in %s", want, prov);
	gethostname(host, sizeof(host) - 1);
	mpi_status(status, sizeof(status));
	snprintf(want, sizeof(want), "kernel-lib-differs-on-%s(rank-", host);
	cr_expect(strstr(status, want), "names the node: %s", status);
	snprintf(want, sizeof(want), "sha256-%.12s-not-%.12s", theirs, mine);
	cr_expect(strstr(status, want), "names the mismatch (%s): %s", want, status);

	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *s = pb_test_slurp(path), *seq = s ? strstr(s, ",collatz,20000,seq,") : NULL;
	cr_assert(seq, "%s", s);
	*strchr(seq, '\n') = '\0';
	cr_expect_str_eq(strrchr(seq, ',') + 1, "ok", "the driver's own cells run: %s", seq);
}
