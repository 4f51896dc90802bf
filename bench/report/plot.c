/*
 * The charts of a run: C gathers each kernel's series into a gnuplot data
 * file (chartdata.c), one script per chart type renders it (plots/NAME.gp),
 * and what was drawn is handed back for the report (render.c) to show.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fail.h"
#include "chartdata.h"
#include "gnuplot.h"
#include "plot.h"
#include "plot_latency.h"
#include "plot_sizes.h"
#include "plot_weak.h"
#include "../store/runfiles.h"

#define MAX_PANELS 24
#define VARS_MAX 16384

enum chart { CHART_SPEEDUP, CHART_EFFICIENCY, CHART_TIME, CHART_BANDWIDTH, CHART_COUNT };

/* Charts as data: the script, the file name and the title of each type. */
static const struct {
	const char *type, *script, *what;
} charts[CHART_COUNT] = {
	[CHART_SPEEDUP] = {"speedup", "speedup.gp", "speedup over seq"},
	[CHART_EFFICIENCY] = {"efficiency", "efficiency.gp", "parallel efficiency"},
	[CHART_TIME] = {"time", "time.gp", "median time per repetition"},
	[CHART_BANDWIDTH] = {"bandwidth", "bandwidth.gp",
			     "memory bandwidth against the STREAM-like reference"},
};

/* Appends to a bounded buffer; *used stays within len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	if (*used >= len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < len ? *used + (size_t)n : len;
}

static int has_points(const struct pb_chart_group *g, enum chart c)
{
	int any = 0;
	/* Speedup and efficiency charts leave out seq, whose speedup is 1. */
	size_t to = c == CHART_SPEEDUP || c == CHART_EFFICIENCY ? g->parallel : g->count;
	for (size_t s = 0; s < to && !any; s++)
		for (size_t i = 0; i < g->series[s].count && !any; i++) {
			const struct pb_chart_point *p = &g->series[s].pt[i];
			switch (c) {
			case CHART_SPEEDUP: any = isfinite(p->speedup); break;
			case CHART_EFFICIENCY: any = isfinite(p->efficiency); break;
			case CHART_TIME: any = isfinite(p->median); break;
			default: any = isfinite(p->gbps); break;
			}
		}
	return any;
}

/* Where the shaded "oversubscribed" region starts, 0 for none. */
static double oversubscribed_from(const struct pb_chart_group *g)
{
	if (!g->first_oversubscribed)
		return 0;
	if (g->max_fitting && g->max_fitting < g->first_oversubscribed)
		return (g->max_fitting + g->first_oversubscribed) / 2.0;
	return g->first_oversubscribed - 0.5;
}

static double seq_time(const struct pb_chart_group *g)
{
	if (g->count == g->parallel)
		return 0;
	const struct pb_chart_series *s = &g->series[g->count - 1];
	return s->count && isfinite(s->pt[0].median) ? s->pt[0].median : 0;
}

/* Writes a group's gnuplot data to dir/rel. */
static int write_data(const struct pb_chart_group *g, const char *dir, const char *rel, char *err,
		      size_t errlen)
{
	char data[PB_PATH_MAX];
	snprintf(data, sizeof(data), "%s/%s", dir, rel);
	FILE *f = fopen(data, "w");
	if (!f)
		return pb_fail(err, errlen, -EIO, "cannot write %s: %s", data, strerror(errno));
	int e = pb_chart_group_write(f, g);
	if (fclose(f) != 0 || e)
		return pb_fail(err, errlen, -EIO, "cannot write %s", data);
	return 0;
}

/* One chart of a group, from the data file rel. */
static int draw_chart(const struct pb_chart_group *g, enum chart c, const char *rel, size_t row,
		      const char *dir, const char *machine, const char *script,
		      struct pb_drawn *drawn, char *err, size_t errlen)
{
	static char vars[VARS_MAX];
	char base[256], title[1024];
	size_t used = 0;
	int ci = c == CHART_TIME ? g->has_median_ci : g->has_speedup_ci;

	pb_chart_basename(base, sizeof(base), charts[c].type, g->kernel, g->n);
	snprintf(title, sizeof(title), "%s (n = %s): %s%s\\n%s", g->kernel, g->n, charts[c].what,
		 c == CHART_SPEEDUP ? ", best schedule per runner" : "", machine);
	/* Time in the unit that keeps the axis labels short. */
	double scale = g->max_median >= 1 ? 1 : g->max_median >= 1e-3 ? 1e3 : 1e6;
	append(vars, sizeof(vars), &used,
	       "datafile='%s'; outbase='%s'; nseries=%zu; nall=%zu; xmax=%u; ovx=%g; "
	       "haveci=%d; haveref=%d; seqtime=%.9g; logy=%d; tscale=%g; tunit='%s'; "
	       "plottitle=\"%s\"",
	       rel, base, g->parallel, g->count, g->max_workers, oversubscribed_from(g), ci,
	       g->has_gbps_ref, seq_time(g), g->max_median > 10 * g->min_median, scale,
	       scale == 1 ? "s" : scale == 1e3 ? "ms" : "us", title);
	for (size_t s = 0; s < g->count; s++) {
		int first_of_runner = 1;
		for (size_t r = 0; r < s; r++)
			first_of_runner &= strcmp(g->series[r].runner, g->series[s].runner) != 0;
		append(vars, sizeof(vars), &used, "; ref%zu=%d", s, first_of_runner);
		append(vars, sizeof(vars), &used, "; fit%zu=%.6g; name%zu=\"%s%s%s\"", s,
		       isfinite(g->series[s].serial_fraction) ? g->series[s].serial_fraction : -1.0,
		       s, g->series[s].runner, strcmp(g->series[s].schedule, "none") ? " " : "",
		       strcmp(g->series[s].schedule, "none") ? g->series[s].schedule : "");
	}
	if (used >= sizeof(vars))
		return pb_fail(err, errlen, -EIO, "too many series to chart for %s", g->kernel);
	int rc = pb_gnuplot_run(script, dir, vars, err, errlen);
	return rc ? rc : pb_drawn_add(drawn, dir, base, charts[c].type, row, err, errlen);
}

static int plot_group(const struct pb_chart_group *g, size_t row, const char *dir,
		      const char *machine, char scripts[CHART_COUNT][PB_PATH_MAX],
		      struct pb_drawn *drawn, char *err, size_t errlen)
{
	char rel[256], rel_best[256];
	static struct pb_chart_group best;

	/* Every schedule for the detail charts, each runner's best for the
	 * speedup chart (and the overview, which reads the same file). */
	snprintf(rel, sizeof(rel), "data/%s-%s.dat", g->kernel, g->n);
	snprintf(rel_best, sizeof(rel_best), "data/%s-%s-best.dat", g->kernel, g->n);
	pb_chart_group_best(g, &best);
	int rc = write_data(g, dir, rel, err, errlen);
	if (!rc)
		rc = write_data(&best, dir, rel_best, err, errlen);
	for (int c = 0; !rc && c < CHART_COUNT; c++) {
		const struct pb_chart_group *which = c == CHART_SPEEDUP ? &best : g;
		if (has_points(which, (enum chart)c))
			rc = draw_chart(which, (enum chart)c, c == CHART_SPEEDUP ? rel_best : rel, row,
					dir, machine, scripts[c], drawn, err, errlen);
	}
	return rc;
}

/* The series names of the overview, each with one colour on every panel. */
struct legend {
	char name[PB_CHART_MAX_SERIES * 4][200];
	size_t count;
};

/* The colour (1-based) of a runner's line, given a new one when it is new;
 * 0 when there are too many.  One colour per runner on every panel: each
 * panel draws the runner's best schedule there, which its own speedup
 * chart names. */
static size_t legend_colour(struct legend *l, const struct pb_chart_series *s)
{
	char name[200];
	snprintf(name, sizeof(name), "%s", s->runner);
	for (size_t k = 0; k < l->count; k++)
		if (!strcmp(l->name[k], name))
			return k + 1;
	if (l->count == sizeof(l->name) / sizeof(l->name[0]))
		return 0;
	snprintf(l->name[l->count++], sizeof(l->name[0]), "%s", name);
	return l->count;
}

/* One page, a speedup panel per kernel and size that has one, and one key
 * below them all: a series keeps its colour from panel to panel. */
static int plot_overview(struct pb_chart_group *g, const struct pb_run *run,
			 const struct pb_findings *found, const char *dir,
			 const char *machine, const char *script, struct pb_drawn *drawn,
			 char *err, size_t errlen)
{
	static char vars[VARS_MAX];
	static struct legend legend;
	static struct pb_chart_group all;
	size_t used = 0, panels = 0;
	int shaded = 0;

	legend.count = 0;
	size_t left_out = 0;
	for (size_t i = 0; i < found->group_count; i++) {
		if (pb_chart_group_load(run, found->groups[i].first, &all))
			continue;
		pb_chart_group_best(&all, g); /* one line per runner */
		if (!has_points(g, CHART_SPEEDUP))
			continue;
		if (panels == MAX_PANELS) {
			left_out++; /* said in the title: no panel goes missing unsaid */
			continue;
		}
		panels++;
		shaded |= g->first_oversubscribed != 0;
		append(vars, sizeof(vars), &used,
		       "file%zu='data/%s-%s-best.dat'; nser%zu=%zu; xmax%zu=%u; ovx%zu=%g; "
		       "title%zu=\"%s, n = %s\"; colours%zu='",
		       panels, g->kernel, g->n, panels, g->parallel, panels, g->max_workers,
		       panels, oversubscribed_from(g), panels, g->kernel, g->n, panels);
		for (size_t s = 0; s < g->parallel; s++) {
			size_t colour = legend_colour(&legend, &g->series[s]);
			if (!colour)
				return pb_fail(err, errlen, -EIO, "too many series for the overview");
			append(vars, sizeof(vars), &used, "%s%zu", s ? " " : "", colour);
		}
		append(vars, sizeof(vars), &used, "'; ");
	}
	if (panels == 0)
		return 0;
	for (size_t k = 0; k < legend.count; k++)
		append(vars, sizeof(vars), &used, "name%zu=\"%s\"; ", k + 1, legend.name[k]);
	append(vars, sizeof(vars), &used,
	       "names=%zu; panels=%zu; cols=%d; outbase='overview'; ", legend.count,
	       panels, panels == 1 ? 1 : panels <= 4 ? 2 : 3);
	char more[160] = "";
	if (left_out)
		snprintf(more, sizeof(more), "; %zu more kernel sizes left out, "
			 "see their own charts and the size charts", left_out);
	append(vars, sizeof(vars), &used,
	       "plottitle=\"All kernels: speedup over seq, each runner's best schedule (named in "
	       "each kernel's speedup chart; dashed: ideal%s%s)\\n%s\"",
	       shaded ? "; shaded, hollow points: oversubscribed" : "", more, machine);
	if (used >= sizeof(vars))
		return pb_fail(err, errlen, -EIO, "too many panels for the overview");
	int e = pb_gnuplot_run(script, dir, vars, err, errlen);
	return e ? e : pb_drawn_add(drawn, dir, "overview", "overview", 0, err, errlen);
}

static void machine_line(const struct pb_run *run, char *buf, size_t len)
{
	const char *host = pb_run_provenance(run, "host");
	const char *model = pb_run_provenance(run, "cpu_model");
	const char *cpus = pb_run_provenance(run, "allowed_cpus");
	const char *pin = pb_run_provenance(run, "pin");

	snprintf(buf, len, "%s, %s%s%s%s%s%s", host ? host : "unknown host",
		 model ? model : "unknown CPU", cpus ? ", " : "", cpus ? cpus : "",
		 cpus ? " CPUs allowed" : "", pin ? ", pinned: " : "", pin ? pin : "");
	pb_gnuplot_quote_safe(buf);
}

int pb_charts_draw(const struct pb_run *run, const struct pb_findings *found, const char *dir,
		   struct pb_drawn *drawn, char *err, size_t errlen)
{
	char scripts[CHART_COUNT][PB_PATH_MAX], overview[PB_PATH_MAX], machine[600];

	drawn->count = 0;
	for (int c = 0; c < CHART_COUNT; c++)
		if (pb_gnuplot_script(charts[c].script, scripts[c], sizeof(scripts[c])))
			return pb_fail(err, errlen, -EIO, "cannot find the gnuplot script %s "
				    "(set PARBENCH_DATADIR)", charts[c].script);
	if (pb_gnuplot_script("overview.gp", overview, sizeof(overview)))
		return pb_fail(err, errlen, -EIO, "cannot find the gnuplot script overview.gp "
			    "(set PARBENCH_DATADIR)");
	machine_line(run, machine, sizeof(machine));

	struct pb_chart_group *g = malloc(sizeof(*g));
	if (!g)
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	int rc = 0;
	/* One group of charts per kernel and size: the findings' groups, so
	 * the report finds each chart under the row it names. */
	for (size_t i = 0; rc == 0 && i < found->group_count; i++) {
		size_t row = found->groups[i].first;
		if (pb_chart_group_load(run, row, g) == 0 && g->count)
			rc = plot_group(g, row, dir, machine, scripts, drawn, err, errlen);
	}
	if (rc == 0)
		rc = plot_overview(g, run, found, dir, machine, overview, drawn, err,
				   errlen);
	free(g);
	if (rc == 0)
		rc = pb_plot_weak(run, dir, machine, drawn, err, errlen);
	if (rc == 0)
		rc = pb_plot_sizes(run, dir, machine, drawn, err, errlen);
	if (rc == 0)
		rc = pb_plot_latency(run, dir, machine, drawn, err, errlen);
	return rc;
}
