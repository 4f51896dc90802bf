#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fail.h"
#include "gnuplot.h"
#include "plot_latency.h"
#include "../store/rundir.h"
#include "../store/table.h"

#define MAX_SERIES 16
#define MAX_POINTS 64

enum { KERNEL, N, RUNNER, WORKERS, INFLIGHT, LATENCY, OVERSUBSCRIBED, RATE, COLUMN_COUNT };
static const char *const column_names[COLUMN_COUNT] = {
	"kernel", "n", "runner", "workers", "inflight", "latency_us", "oversubscribed",
	"tasks_per_s",
};

struct series {
	char runner[32];
	unsigned concurrency[MAX_POINTS];
	double rate[MAX_POINTS];
	size_t count;
};

static int waits(char **row, const int *c)
{
	return strcmp(row[c[LATENCY]], "0") && row[c[LATENCY]][0] && row[c[RATE]][0] &&
	       strcmp(row[c[OVERSUBSCRIBED]], "1");
}

static int same_chart(char **a, char **b, const int *c)
{
	return !strcmp(a[c[KERNEL]], b[c[KERNEL]]) && !strcmp(a[c[N]], b[c[N]]) &&
	       !strcmp(a[c[LATENCY]], b[c[LATENCY]]);
}

/* Each runner's fastest cell at each concurrency, sorted by it. */
static size_t collect(const struct pb_table *t, const int *c, char **like, struct series *s,
		      unsigned *xmax)
{
	size_t count = 0;
	for (size_t i = 0; i < t->row_count; i++) {
		char **row = t->rows[i];
		if (!waits(row, c) || !same_chart(row, like, c))
			continue;
		size_t k = 0;
		while (k < count && strcmp(s[k].runner, row[c[RUNNER]]))
			k++;
		if (k == count) {
			if (count == MAX_SERIES)
				continue;
			memset(&s[k], 0, sizeof(s[k]));
			snprintf(s[k].runner, sizeof(s[k].runner), "%s", row[c[RUNNER]]);
			count++;
		}
		unsigned x = (unsigned)strtoul(row[c[WORKERS]], NULL, 10) *
			     (unsigned)strtoul(row[c[INFLIGHT]], NULL, 10);
		double rate = strtod(row[c[RATE]], NULL);
		size_t p = 0;
		while (p < s[k].count && s[k].concurrency[p] != x)
			p++;
		if (p == s[k].count) {
			if (p == MAX_POINTS)
				continue;
			s[k].count++;
			s[k].rate[p] = rate;
		} else if (rate > s[k].rate[p]) {
			s[k].rate[p] = rate;
		}
		s[k].concurrency[p] = x;
		*xmax = x > *xmax ? x : *xmax;
	}
	for (size_t k = 0; k < count; k++) /* insertion sort: a handful of points */
		for (size_t p = 1; p < s[k].count; p++)
			for (size_t q = p; q > 0 && s[k].concurrency[q - 1] > s[k].concurrency[q]; q--) {
				unsigned x = s[k].concurrency[q];
				double r = s[k].rate[q];
				s[k].concurrency[q] = s[k].concurrency[q - 1];
				s[k].rate[q] = s[k].rate[q - 1];
				s[k].concurrency[q - 1] = x;
				s[k].rate[q - 1] = r;
			}
	return count;
}

static int chart(const struct pb_table *t, const int *c, size_t row, const char *dir,
		 const char *script, const char *machine, struct pb_drawn *drawn, char *err,
		 size_t errlen)
{
	static struct series s[MAX_SERIES];
	char **like = t->rows[row], base[256], name[300], data[PB_PATH_MAX], vars[2048];
	char title[768];
	unsigned xmax = 1;
	size_t count = collect(t, c, like, s, &xmax);

	snprintf(base, sizeof(base), "throughput-%s-%s-latency%sus", like[c[KERNEL]], like[c[N]],
		 like[c[LATENCY]]);
	snprintf(name, sizeof(name), "data/%s.dat", base);
	snprintf(data, sizeof(data), "%s/%s", dir, name);
	FILE *f = fopen(data, "w");
	if (!f)
		return pb_fail(err, errlen, -EIO, "cannot write %s: %s", data, strerror(errno));
	for (size_t k = 0; k < count; k++) {
		fprintf(f, "%sconcurrency \"%s\"\n", k ? "\n\n" : "", s[k].runner);
		for (size_t p = 0; p < s[k].count; p++)
			fprintf(f, "%u %.6g\n", s[k].concurrency[p], s[k].rate[p]);
	}
	if (fclose(f))
		return pb_fail(err, errlen, -EIO, "cannot write %s", data);
	snprintf(title, sizeof(title), "%s (n = %s tasks, each waiting %s us): throughput against "
		 "concurrency\\neach runner's fastest cell at each workers x tasks in flight\\n%s",
		 like[c[KERNEL]], like[c[N]], like[c[LATENCY]], machine);
	snprintf(vars, sizeof(vars), "datafile='%s'; outbase='%s'; nseries=%zu; xmax=%u; "
		 "latency=%s; plottitle=\"%s\"", name, base, count, xmax, like[c[LATENCY]], title);
	int e = pb_gnuplot_run(script, dir, vars, err, errlen);
	return e ? e : pb_drawn_add(drawn, dir, base, "throughput", row, err, errlen);
}

int pb_plot_latency(const struct pb_run *run, const char *dir, const char *machine,
		    struct pb_drawn *drawn, char *err, size_t errlen)
{
	const struct pb_table *t = &run->summary;
	char script[PB_PATH_MAX];
	int c[COLUMN_COUNT], rc = 0, found = 0;

	for (int i = 0; i < COLUMN_COUNT; i++)
		if ((c[i] = pb_table_column(t, column_names[i])) < 0)
			return 0; /* a run from before latency-bound kernels */
	for (size_t i = 0; rc == 0 && i < t->row_count; i++) {
		if (!waits(t->rows[i], c))
			continue;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = waits(t->rows[j], c) && same_chart(t->rows[j], t->rows[i], c);
		if (seen)
			continue;
		if (!found && pb_gnuplot_script("throughput.gp", script, sizeof(script)))
			return pb_fail(err, errlen, -EIO,
				       "cannot find throughput.gp (set PARBENCH_DATADIR)");
		found = 1;
		rc = chart(t, c, i, dir, script, machine, drawn, err, errlen);
	}
	return rc;
}
