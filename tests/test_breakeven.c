/*
 * Break-even without a model: under --no-overhead no runner's fixed cost
 * is measured, so there is no modelled N*, yet the crossing a size sweep
 * measured needs none and is still written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* The field of line under the header's column name, copied into buf. */
static const char *field(const char *header, const char *line, const char *name, char *buf,
			 size_t len)
{
	int col = -1, i = 0;
	for (const char *h = header; *h && *h != '\n'; i++) {
		size_t n = strcspn(h, ",\n");
		if (n == strlen(name) && !strncmp(h, name, n))
			col = i;
		h += n + (h[n] == ',');
	}
	cr_assert_geq(col, 0, "no column %s", name);
	const char *f = line;
	for (i = 0; i < col; i++)
		f += strcspn(f, ",\n") + 1;
	size_t n = strcspn(f, ",\n");
	snprintf(buf, len, "%.*s", (int)n, f);
	return buf;
}

Test(breakeven, no_overhead_keeps_the_measured_crossing, .timeout = 120)
{
	char root[] = "/tmp/pb-breakeven-XXXXXX", out[128], so[160], se[160], path[300];
	cr_assert(mkdtemp(root));
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	const char *args[] = {"-k", "sum", "-r", "seq,pthread", "-w", "2", "-s", "static",
			      "--size", "sum=2^10..2^16:x8", "--reps", "3", "--rounds", "1",
			      "--cell-budget", "0.01", "--no-overhead", "--no-plot",
			      "--no-progress", "-o", out, NULL};
	int rc = pb_test_finish(pb_test_start(so, se, args));
	cr_assert_eq(rc, 0, "exit %d: %s", rc, pb_test_slurp(se));

	snprintf(path, sizeof(path), "%s/latest/breakeven.csv", out);
	char *be = pb_test_slurp(path);
	cr_assert(be, "breakeven.csv written without a dispatch overhead");
	char *line = strstr(be, ",sum,pthread,static,2,");
	cr_assert(line, "%s", be);
	while (line > be && line[-1] != '\n')
		line--;
	char buf[64];
	cr_expect_str_eq(field(be, line, "sizes", buf, sizeof(buf)), "3", "%s", be);
	const char *kind = field(be, line, "measured", buf, sizeof(buf));
	cr_expect(!strcmp(kind, "crossed") || !strcmp(kind, "below-smallest") ||
		  !strcmp(kind, "not-faster"), "a crossing read from three sizes: %s", be);
	cr_expect_str_eq(field(be, line, "n_measured", buf, sizeof(buf)), "65536", "%s", be);
	/* No fixed cost measured, so nothing modelled: empty, not zero or
	 * "never", and the verdict unknown rather than held or off. */
	cr_expect_str_eq(field(be, line, "overhead_us", buf, sizeof(buf)), "", "%s", be);
	cr_expect_str_eq(field(be, line, "n_star", buf, sizeof(buf)), "", "%s", be);
	cr_expect_str_eq(field(be, line, "model_ratio", buf, sizeof(buf)), "", "%s", be);
	cr_expect_str_eq(field(be, line, "model", buf, sizeof(buf)), "unknown", "%s", be);

	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* One size run: no crossing to read, said once for all the rows, not once
 * a row. */
Test(breakeven, one_size_says_no_crossing_once, .timeout = 120)
{
	char root[] = "/tmp/pb-breakeven-XXXXXX", out[128], so[160], se[160];
	cr_assert(mkdtemp(root));
	snprintf(out, sizeof(out), "%s/results", root);
	snprintf(so, sizeof(so), "%s/stdout", root);
	snprintf(se, sizeof(se), "%s/stderr", root);
	const char *args[] = {"-k", "sum", "-r", "seq,pthread", "-w", "2", "-s", "static,dynamic",
			      "--size", "sum=2^12", "--reps", "3", "--rounds", "1",
			      "--cell-budget", "0.01", "--no-overhead", "--no-plot",
			      "--no-progress", "-o", out, NULL};
	int rc = pb_test_finish(pb_test_start(so, se, args));
	cr_assert_eq(rc, 0, "exit %d: %s", rc, pb_test_slurp(se));
	const char *text = pb_test_slurp(so);
	cr_assert(text);
	const char *once = strstr(text, "measured: no crossing to read for all 2 of these: one "
				  "size run each");
	cr_expect(once, "%s", text);
	cr_expect(once && !strstr(once + strlen("measured: no crossing"), "no crossing to read"),
		  "said once: %s", text);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
