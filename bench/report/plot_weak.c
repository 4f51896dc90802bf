#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/runner.h"
#include "../base/fail.h"
#include "../model/identity.h"
#include "gnuplot.h"
#include "plot_weak.h"
#include "../store/rundir.h"
#include "../store/table.h"

#define MAX_SERIES 32
#define MAX_POINTS 64

enum { KERNEL, BASE_N, RUNNER, SCHEDULE, WORKERS, SCALING, EFFICIENCY, COLUMN_COUNT };
static const char *const column_names[COLUMN_COUNT] = {
	"kernel", "base_n", "runner", "schedule", "workers", "scaling", "weak_efficiency",
};

struct series {
	char title[64];
	unsigned workers[MAX_POINTS];
	double efficiency[MAX_POINTS];
	size_t count;
};

static int is_weak(char **row, const int *c)
{
	return strcmp(row[c[SCALING]], "weak") == 0 && row[c[EFFICIENCY]][0] &&
	       !pb_runner_is_baseline(row[c[RUNNER]]); /* it has one worker only */
}

/* The points of one kernel and base size, series by series: one per
 * runner and schedule, and per placement where the run has several (--pin
 * twice), labelled "schedule:pin" as the other charts do. */
static size_t collect(const struct pb_table *t, const int *c, const char *kernel,
		      const char *base, struct series *series, unsigned *xmax)
{
	size_t count = 0;
	int pin = pb_table_column(t, "pin");
	int several_pins = pb_rows_vary(t->rows, t->row_count, pin);

	for (size_t i = 0; i < t->row_count; i++) {
		char **row = t->rows[i], title[64], label[48];
		if (!is_weak(row, c) || strcmp(row[c[KERNEL]], kernel) ||
		    strcmp(row[c[BASE_N]], base))
			continue;
		pb_series_label(row[c[SCHEDULE]], several_pins ? row[pin] : NULL, label,
				sizeof(label));
		snprintf(title, sizeof(title), "%s %s", row[c[RUNNER]], label);
		size_t s = 0;
		while (s < count && strcmp(series[s].title, title))
			s++;
		if (s == count) {
			if (count == MAX_SERIES)
				continue;
			memset(&series[s], 0, sizeof(series[s]));
			snprintf(series[s].title, sizeof(series[s].title), "%s", title);
			count++;
		}
		struct series *x = &series[s];
		if (x->count == MAX_POINTS)
			continue;
		unsigned w = (unsigned)strtoul(row[c[WORKERS]], NULL, 10);
		size_t at = x->count++; /* insertion keeps the points in order */
		for (; at > 0 && x->workers[at - 1] > w; at--) {
			x->workers[at] = x->workers[at - 1];
			x->efficiency[at] = x->efficiency[at - 1];
		}
		x->workers[at] = w;
		x->efficiency[at] = strtod(row[c[EFFICIENCY]], NULL);
		if (w > *xmax)
			*xmax = w;
	}
	return count;
}

static int chart(const struct pb_table *t, const int *c, const char *kernel, const char *base,
		 size_t row, const char *dir, const char *script, const char *machine,
		 struct pb_drawn *drawn, char *err, size_t errlen)
{
	static struct series series[MAX_SERIES];
	char data[PB_PATH_MAX], name[PB_PATH_MAX], vars[3 * PB_PATH_MAX], title[768];
	unsigned xmax = 1;
	size_t count = collect(t, c, kernel, base, series, &xmax);

	/* gnuplot runs in dir: it gets names relative to it. */
	snprintf(name, sizeof(name), "data/weak-%s-%s.dat", kernel, base);
	snprintf(data, sizeof(data), "%s/%s", dir, name);
	FILE *f = fopen(data, "w");
	if (!f)
		return pb_fail(err, errlen, -EIO, "cannot write %s: %s", data, strerror(errno));
	for (size_t s = 0; s < count; s++) {
		fprintf(f, "%s# %s\nworkers \"%s\"\n", s ? "\n\n" : "", series[s].title,
			series[s].title);
		for (size_t p = 0; p < series[s].count; p++)
			fprintf(f, "%u %.6g\n", series[s].workers[p], series[s].efficiency[p]);
	}
	if (fclose(f) != 0)
		return pb_fail(err, errlen, -EIO, "cannot write %s: %s", data, strerror(errno));
	snprintf(title, sizeof(title), "%s (base n = %s): weak-scaling efficiency\\n%s", kernel,
		 base, machine);
	snprintf(vars, sizeof(vars),
		 "datafile='%s'; outbase='weak-%s-%s'; nseries=%zu; xmax=%u; plottitle=\"%s\"",
		 name, kernel, base, count, xmax, title);
	int e = pb_gnuplot_run(script, dir, vars, err, errlen);
	if (e)
		return e;
	snprintf(name, sizeof(name), "weak-%s-%s", kernel, base);
	return pb_drawn_add(drawn, dir, name, "weak", row, err, errlen);
}

int pb_plot_weak(const struct pb_run *run, const char *dir, const char *machine,
		 struct pb_drawn *drawn, char *err, size_t errlen)
{
	const struct pb_table *t = &run->summary;
	char script[PB_PATH_MAX];
	int c[COLUMN_COUNT], rc = 0, any = 0;

	for (int i = 0; i < COLUMN_COUNT; i++)
		if ((c[i] = pb_table_column(t, column_names[i])) < 0)
			return 0; /* a run from before weak scaling: no chart */
	for (size_t i = 0; i < t->row_count && !any; i++)
		any = is_weak(t->rows[i], c);
	if (!any)
		return 0;
	if (pb_gnuplot_script("weak.gp", script, sizeof(script)))
		return pb_fail(err, errlen, -EIO, "cannot find weak.gp (set PARBENCH_DATADIR)");
	for (size_t i = 0; rc == 0 && i < t->row_count; i++) {
		char **row = t->rows[i];
		int seen = !is_weak(row, c);
		/* Each kernel and base size once, in the order of the file. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = is_weak(t->rows[j], c) &&
			       !strcmp(t->rows[j][c[KERNEL]], row[c[KERNEL]]) &&
			       !strcmp(t->rows[j][c[BASE_N]], row[c[BASE_N]]);
		if (!seen)
			rc = chart(t, c, row[c[KERNEL]], row[c[BASE_N]], i, dir, script, machine,
				   drawn, err, errlen);
	}
	return rc;
}
