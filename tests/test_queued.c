/*
 * Contention seen per repetition (measure/queued.h): with another process
 * spinning on the cell's own CPU, the worker waits for it, runnable, for
 * about half of each repetition.  Those repetitions are recorded in
 * raw.csv with their wait, left out of the cell's estimate (counted 0)
 * and repeated, and the summary says how many and what the median would
 * be with them.
 */
#include <criterion/criterion.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* A process that spins on CPU 0 until killed. */
static pid_t hog_cpu0(void)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_setaffinity(0, sizeof(one), &one) != 0)
			_exit(1);
		alarm(120); /* never outlives a test gone wrong */
		for (volatile unsigned long spin = 0;; spin++)
			;
	}
	return pid;
}

/* The index of a CSV header's column, or -1. */
static int column(const char *header, const char *name)
{
	int i = 0;
	size_t len = strlen(name);
	for (const char *p = header; p; p = strchr(p, ','), p = p ? p + 1 : NULL, i++)
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\n' || !p[len]))
			return i;
	return -1;
}

static const char *field(const char *line, int col, char *out, size_t len)
{
	for (int i = 0; i < col && line; i++)
		line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
	snprintf(out, len, "%.*s", line ? (int)strcspn(line, ",\n") : 0, line ? line : "");
	return out;
}

Test(queued, repetitions_that_wait_for_the_cpu_are_left_out_and_repeated, .timeout = 120)
{
	char root[] = "/tmp/pb-queued-XXXXXX", out[128], path[200], v[64];
	cr_assert(mkdtemp(root));
	snprintf(out, sizeof(out), "%s/results", root);
	pid_t hog = hog_cpu0();
	const char *args[] = {"-k", "fib", "-n", "fib=27", "-r", "seq", "-w", "1", "--pin", "0",
			      "--reps", "6", "--max-reps", "40", "--rounds", "1", "--warmup", "0",
			      "--no-overhead", "--no-plot", "-o", out, NULL};
	int rc = pb_test_finish(pb_test_start("/dev/null", "/dev/null", args));
	kill(hog, SIGKILL);
	pb_test_finish(hog);
	cr_assert_eq(rc, 0, "exit %d", rc);

	snprintf(path, sizeof(path), "%s/latest/raw.csv", out);
	char *raw = strdup(pb_test_slurp(path) ? pb_test_slurp(path) : "");
	char *line = strtok(raw, "\n");
	cr_assert(line, "%s", path);
	int c_sec = column(line, "seconds"), c_q = column(line, "queued_s"),
	    c_counted = column(line, "counted");
	cr_assert(c_sec >= 0 && c_q >= 0 && c_counted >= 0, "%s", line);
	int reps = 0, left_out = 0, counted = 0;
	while ((line = strtok(NULL, "\n"))) {
		double s = strtod(field(line, c_sec, v, sizeof(v)), NULL);
		double q = strtod(field(line, c_q, v, sizeof(v)), NULL);
		int in = strcmp(field(line, c_counted, v, sizeof(v)), "1") == 0;
		reps++;
		counted += in;
		if (!in) {
			left_out++;
			cr_expect(q > 0.05 * s, "left out, it waited: %g s of %g s", q, s);
		}
	}
	free(raw);
	cr_expect(left_out > 0, "some of %d repetitions waited behind the hog", reps);
	cr_expect(counted >= 6 || reps == 40, "repeated until 6 counted (or --max-reps): %d of %d",
		  counted, reps);

	snprintf(path, sizeof(path), "%s/latest/summary.csv", out);
	char *summary = strdup(pb_test_slurp(path) ? pb_test_slurp(path) : "");
	char *head = strtok(summary, "\n"), *row = strtok(NULL, "\n");
	cr_assert(head && row, "%s", path);
	int c_qr = column(head, "queued_reps"), c_with = column(head, "median_with_queued_s");
	cr_assert(c_qr >= 0 && c_with >= 0, "%s", head);
	cr_expect_eq(atoi(field(row, c_qr, v, sizeof(v))), left_out, "%s", row);
	cr_expect(strtod(field(row, c_with, v, sizeof(v)), NULL) > 0, "%s", row);
	free(summary);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	pb_test_system(cmd);
}
