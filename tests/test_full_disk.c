/*
 * A full disk is a failure, never a success with a warning: charts that
 * gnuplot could not finish make `parbench plot` and the sweep exit 1 and
 * are not left behind looking like charts, and a results folder that
 * fills up mid-run fails the run.  The disk is a small tmpfs this test
 * mounts (root only; skipped elsewhere) and unmounts.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/* A tmpfs of `size` at root/name, or a skipped test. */
static void mount_small(const char *root, const char *name, const char *size, char *at,
			size_t len)
{
	char opts[64];
	snprintf(at, len, "%s/%s", root, name);
	cr_assert_eq(mkdir(at, 0755), 0);
	snprintf(opts, sizeof(opts), "size=%s", size);
	if (geteuid() != 0 || mount("tmpfs", at, "tmpfs", 0, opts) != 0)
		cr_skip_test("cannot mount a tmpfs here (needs root)");
}

/* Every PNG and SVG below dir is whole; counts them. */
static int whole_charts(const char *dir)
{
	char cmd[600];
	/* A PNG ends with its IEND chunk, an SVG with </svg>. */
	snprintf(cmd, sizeof(cmd),
		 "for f in $(find %s -name '*.png'); do tail -c 12 \"$f\" | grep -q IEND || "
		 "exit 1; done; for f in $(find %s -name '*.svg'); do tail -c 32 \"$f\" | "
		 "grep -q '</svg>' || exit 1; done",
		 dir, dir);
	return pb_test_system(cmd) == 0;
}

Test(full_disk, charts_that_do_not_fit_fail_the_plot_and_the_sweep, .timeout = 120)
{
	char root[] = "/tmp/pb-full-XXXXXX", disk[256], cmd[1024], path[600];
	cr_assert_not_null(mkdtemp(root));
	mount_small(root, "disk", "96k", disk, sizeof(disk));

	/* Results on a real disk, plots on the small one. */
	snprintf(cmd, sizeof(cmd),
		 "%s --quick -k fib,sum -r seq,omp -w 1,2 --reps 3 --max-reps 3 --rounds 1 "
		 "--no-overhead -o %s/results --plots %s/plots >%s/out 2>%s/err",
		 pb_test_binary(), root, disk, root, root);
	cr_expect_eq(pb_test_system(cmd), 1, "a sweep whose charts do not fit exits 1");
	snprintf(path, sizeof(path), "%s/err", root);
	snprintf(cmd, sizeof(cmd), "grep -q 'plots failed: .*disk full' %s", path);
	cr_expect_eq(pb_test_system(cmd), 0, "and says why on stderr");
	cr_expect(whole_charts(disk), "no chart left half-written");

	snprintf(cmd, sizeof(cmd), "%s plot %s/results/latest --plots %s/plots >/dev/null 2>&1",
		 pb_test_binary(), root, disk);
	cr_expect_eq(pb_test_system(cmd), 1, "parbench plot of the same run exits 1");
	cr_expect(whole_charts(disk), "no chart left half-written");
	snprintf(path, sizeof(path), "%s/plots/latest/index.html", disk);
	cr_expect_neq(access(path, F_OK), 0, "no report of charts that were not drawn");

	cr_assert_eq(umount(disk), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(pb_test_system(cmd), 0);
}

Test(full_disk, a_results_folder_that_fills_up_fails_the_run, .timeout = 120)
{
	char root[] = "/tmp/pb-full-XXXXXX", disk[256], cmd[1024];
	cr_assert_not_null(mkdtemp(root));
	mount_small(root, "disk", "48k", disk, sizeof(disk));

	/* Enough cells that raw.csv outgrows the disk. */
	snprintf(cmd, sizeof(cmd),
		 "%s --quick -k fib,sum -r seq,omp,pthread -w 1,2 --reps 40 --max-reps 40 "
		 "--rounds 1 --no-overhead --no-plot -o %s/results >/dev/null 2>&1",
		 pb_test_binary(), disk);
	int rc = pb_test_system(cmd);
	cr_expect_eq(rc, 1, "a results folder that fills up fails the run (exit %d)", rc);
	snprintf(cmd, sizeof(cmd), "for f in %s/results/*/raw.csv*; do test -s \"$f\" && exit 0; "
		 "done; exit 1", disk);
	cr_expect_eq(pb_test_system(cmd), 0, "what reached the disk is kept");
	cr_assert_eq(umount(disk), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(pb_test_system(cmd), 0);
}
