#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/runner.h"
#include "../model/identity.h"
#include "chartdata.h"

static void sort_points(struct pb_chart_series *s)
{
	for (size_t i = 1; i < s->count; i++)
		for (size_t j = i; j > 0 && s->pt[j - 1].workers > s->pt[j].workers; j--) {
			struct pb_chart_point p = s->pt[j];
			s->pt[j] = s->pt[j - 1];
			s->pt[j - 1] = p;
		}
}

/* Names go into gnuplot data and file names: keep them plain tokens. */
static char token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':' ? c : '_';
}

static void token_safe(char *s)
{
	for (; *s; s++)
		*s = token_char(*s);
}

void pb_chart_basename(char *buf, size_t len, const char *type, const char *kernel,
		       const char *n)
{
	snprintf(buf, len, "%s-%s-%s", type, kernel, n);
	token_safe(buf);
}

/* Whether raw, made safe, reads safe. */
static int token_eq(const char *safe, const char *raw)
{
	for (; *safe && *raw; safe++, raw++)
		if (*safe != token_char(*raw))
			return 0;
	return *safe == *raw;
}

static int by_name(const void *p, const void *q)
{
	const struct pb_chart_series *x = p, *y = q;
	int c = strcmp(x->runner, y->runner);
	return c ? c : strcmp(x->schedule, y->schedule);
}

static struct pb_chart_series *series_for(struct pb_chart_group *g, const char *runner,
					  const char *schedule)
{
	for (size_t s = 0; s < g->count; s++)
		if (token_eq(g->series[s].runner, runner) &&
		    token_eq(g->series[s].schedule, schedule))
			return &g->series[s];
	if (g->count == PB_CHART_MAX_SERIES)
		return NULL;
	struct pb_chart_series *s = &g->series[g->count++];
	memset(s, 0, sizeof(*s));
	snprintf(s->runner, sizeof(s->runner), "%s", runner);
	snprintf(s->schedule, sizeof(s->schedule), "%s", schedule);
	token_safe(s->runner);
	token_safe(s->schedule);
	s->serial_fraction = NAN;
	return s;
}

/* fits.csv: the serial fraction of each series' Amdahl fit. */
static void attach_fits(const struct pb_run *run, struct pb_chart_group *g)
{
	const struct pb_table *t = &run->fits;
	if (!pb_table_present(t))
		return;
	int ck = pb_table_column(t, "kernel"), cn = pb_table_column(t, "n"),
	    cr = pb_table_column(t, "runner"), cs = pb_table_column(t, "schedule"),
	    cf = pb_table_column(t, "serial_fraction");
	if (ck < 0 || cn < 0 || cr < 0 || cf < 0)
		return;
	for (size_t i = 0; i < t->row_count; i++) {
		if (!token_eq(g->kernel, t->rows[i][ck]) || !token_eq(g->n, t->rows[i][cn]))
			continue;
		double f = pb_field_num(t, i, cf);
		if (!isfinite(f) || f < 0 || f > 1)
			continue;
		for (size_t s = 0; s < g->parallel; s++)
			if (token_eq(g->series[s].runner, t->rows[i][cr]) &&
			    (cs < 0 || token_eq(g->series[s].schedule, t->rows[i][cs]))) {
				g->series[s].serial_fraction = f;
				g->has_fit = 1;
			}
	}
}

/* Where summary.csv has no gbps_reference column, the best of the
 * reference tests (copy, triad, dot) of the same runner and workers. */
static double reference_gbps(const struct pb_run *run, const char *runner, unsigned workers)
{
	const struct pb_table *t = &run->reference;
	if (!pb_table_present(t))
		return NAN;
	int cr = pb_table_column(t, "runner"), cw = pb_table_column(t, "workers"),
	    cg = pb_table_column(t, "gbps");
	double best = NAN;
	if (cr < 0 || cw < 0 || cg < 0)
		return NAN;
	for (size_t i = 0; i < t->row_count; i++) {
		double v = pb_field_num(t, i, cg);
		if (!strcmp(t->rows[i][cr], runner) &&
		    strtoul(t->rows[i][cw], NULL, 10) == workers && isfinite(v) &&
		    !(v <= best))
			best = v;
	}
	return best;
}

int pb_chart_group_load(const struct pb_run *run, size_t row, struct pb_chart_group *g)
{
	const struct pb_table *t = &run->summary;
	int ck = pb_table_column(t, "kernel"), cn = pb_table_column(t, "n"),
	    cr = pb_table_column(t, "runner"), cs = pb_table_column(t, "schedule"),
	    cw = pb_table_column(t, "workers");
	if (ck < 0 || cn < 0 || cr < 0 || cs < 0 || cw < 0)
		return -EINVAL;
	int co = pb_table_column(t, "oversubscribed"), csp = pb_table_column(t, "speedup"),
	    cslo = pb_table_column(t, "speedup_ci_low"),
	    cshi = pb_table_column(t, "speedup_ci_high"),
	    cm = pb_table_column(t, "median_s"), cmlo = pb_table_column(t, "median_ci_low_s"),
	    cmhi = pb_table_column(t, "median_ci_high_s"),
	    ce = pb_table_column(t, "efficiency"), cg = pb_table_column(t, "gbps"),
	    cgr = pb_table_column(t, "gbps_reference"), cnodes = pb_table_column(t, "nodes");

	memset(g, 0, sizeof(*g));
	snprintf(g->kernel, sizeof(g->kernel), "%s", t->rows[row][ck]);
	/* A kernel that waits is charted per latency too: the group's size
	 * label, and with it its charts' names, say which. */
	int clat = pb_table_column(t, "latency_us"), cinf = pb_table_column(t, "inflight");
	const char *lat = clat >= 0 ? t->rows[row][clat] : "";
	if (*lat && strcmp(lat, "0"))
		snprintf(g->n, sizeof(g->n), "%s-latency%sus", t->rows[row][cn], lat);
	else
		snprintf(g->n, sizeof(g->n), "%s", t->rows[row][cn]);
	token_safe(g->kernel);
	token_safe(g->n);
	g->min_median = INFINITY;
	g->max_median = 0;

	/* A run with several placements (--pin twice) gets a series per
	 * placement: the schedule's label says which. */
	int cpin = pb_table_column(t, "pin");
	int several_pins = pb_rows_vary(t->rows, t->row_count, cpin);

	/* Two passes keep seq last whatever the order of the file. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < t->row_count; i++) {
			char **r = t->rows[i];
			if (strcmp(r[ck], t->rows[row][ck]) || strcmp(r[cn], t->rows[row][cn]) ||
			    (clat >= 0 && strcmp(r[clat], lat)) ||
			    pb_runner_is_baseline(r[cr]) != pass)
				continue;
			char label[160], schedule[96];
			/* Tasks in flight name a series of their own (async). */
			if (cinf >= 0 && strtoul(r[cinf], NULL, 10) > 1)
				snprintf(schedule, sizeof(schedule), "%s x%s in flight", r[cs], r[cinf]);
			else
				snprintf(schedule, sizeof(schedule), "%s", r[cs]);
			pb_series_label(schedule, several_pins ? r[cpin] : NULL, label, sizeof(label));
			struct pb_chart_series *s = series_for(g, r[cr], label);
			if (!s || s->count == PB_CHART_MAX_POINTS)
				continue;
			struct pb_chart_point *p = &s->pt[s->count++];
			p->workers = (unsigned)strtoul(r[cw], NULL, 10);
			p->oversubscribed = co >= 0 && strcmp(r[co], "1") == 0;
			p->speedup = pb_field_num(t, i, csp);
			p->speedup_lo = pb_field_num(t, i, cslo);
			p->speedup_hi = pb_field_num(t, i, cshi);
			p->median = pb_field_num(t, i, cm);
			p->median_lo = pb_field_num(t, i, cmlo);
			p->median_hi = pb_field_num(t, i, cmhi);
			p->efficiency = pb_field_num(t, i, ce);
			if (!isfinite(p->efficiency) && isfinite(p->speedup) && p->workers)
				p->efficiency = p->speedup / p->workers;
			unsigned nodes = cnodes >= 0 ? (unsigned)strtoul(r[cnodes], NULL, 10) : 0;
			if (nodes && (!s->min_nodes || nodes < s->min_nodes))
				s->min_nodes = nodes;
			if (nodes > s->max_nodes)
				s->max_nodes = nodes;
			p->gbps = pb_field_num(t, i, cg);
			p->gbps_ref = cgr >= 0 ? pb_field_num(t, i, cgr)
					       : reference_gbps(run, r[cr], p->workers);

			g->has_speedup_ci |= isfinite(p->speedup_lo) && isfinite(p->speedup_hi);
			g->has_median_ci |= isfinite(p->median_lo) && isfinite(p->median_hi);
			g->has_gbps |= isfinite(p->gbps);
			g->has_gbps_ref |= isfinite(p->gbps_ref);
			if (p->workers > g->max_workers)
				g->max_workers = p->workers;
			if (p->oversubscribed &&
			    (!g->first_oversubscribed || p->workers < g->first_oversubscribed))
				g->first_oversubscribed = p->workers;
			if (!p->oversubscribed && p->workers > g->max_fitting)
				g->max_fitting = p->workers;
			if (isfinite(p->median) && p->median > 0) {
				if (p->median < g->min_median)
					g->min_median = p->median;
				if (p->median > g->max_median)
					g->max_median = p->median;
			}
		}
		if (pass == 0)
			g->parallel = g->count;
	}
	for (size_t s = 0; s < g->count; s++)
		sort_points(&g->series[s]);
	/* By name, not by file order: a runner and schedule keep their colour
	 * from chart to chart. */
	qsort(g->series, g->parallel, sizeof(g->series[0]), by_name);
	attach_fits(run, g);
	return 0;
}

/* The speedup at the series' largest worker count, -inf where none. */
static double final_speedup(const struct pb_chart_series *s)
{
	for (size_t i = s->count; i-- > 0;)
		if (isfinite(s->pt[i].speedup))
			return s->pt[i].speedup;
	return -INFINITY;
}

void pb_chart_group_best(const struct pb_chart_group *g, struct pb_chart_group *best)
{
	*best = *g;
	best->count = 0;
	for (size_t s = 0; s < g->parallel; s++) {
		int seen = 0;
		for (size_t k = 0; k < best->count && !seen; k++)
			seen = !strcmp(best->series[k].runner, g->series[s].runner);
		if (seen)
			continue;
		size_t pick = s, of = 0;
		for (size_t t = s; t < g->parallel; t++) {
			if (strcmp(g->series[t].runner, g->series[s].runner))
				continue;
			of++;
			if (final_speedup(&g->series[t]) > final_speedup(&g->series[pick]))
				pick = t;
		}
		struct pb_chart_series *out = &best->series[best->count++];
		*out = g->series[pick];
		if (of > 1) {
			char named[sizeof(out->schedule)];
			snprintf(named, sizeof(named), "%s, best of %zu", g->series[pick].schedule, of);
			memcpy(out->schedule, named, sizeof(named));
		}
	}
	best->parallel = best->count;
	for (size_t s = g->parallel; s < g->count; s++)
		best->series[best->count++] = g->series[s];
}

static void value(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, " %.6g", x);
	else
		fputs(" NaN", f);
}

/* A CI bound, or the value itself where the run has no CI. */
static void bound(FILE *f, double b, double x)
{
	value(f, isfinite(b) ? b : x);
}

void pb_chart_series_name(const struct pb_chart_series *s, char *buf, size_t len)
{
	int plain = strcmp(s->schedule, "none") == 0;
	char nodes[32] = "";
	if (s->max_nodes > 1 && s->min_nodes < s->max_nodes)
		snprintf(nodes, sizeof(nodes), ", %u-%u nodes", s->min_nodes, s->max_nodes);
	else if (s->max_nodes > 1)
		snprintf(nodes, sizeof(nodes), ", %u nodes", s->max_nodes);
	snprintf(buf, len, "%s%s%s%s", s->runner, plain ? "" : " ", plain ? "" : s->schedule,
		 nodes);
}

int pb_chart_group_write(FILE *f, const struct pb_chart_group *g)
{
	for (size_t s = 0; s < g->count; s++) {
		const struct pb_chart_series *ser = &g->series[s];
		char name[sizeof(ser->runner) + sizeof(ser->schedule) + 32];
		pb_chart_series_name(ser, name, sizeof(name));
		fprintf(f, "%s# %s %s\nworkers \"%s\" lo hi median lo hi eff gbps ref over\n",
			s ? "\n\n" : "", ser->runner, ser->schedule, name);
		for (size_t i = 0; i < ser->count; i++) {
			const struct pb_chart_point *p = &ser->pt[i];
			fprintf(f, "%u", p->workers);
			value(f, p->speedup);
			bound(f, p->speedup_lo, p->speedup);
			bound(f, p->speedup_hi, p->speedup);
			value(f, p->median);
			bound(f, p->median_lo, p->median);
			bound(f, p->median_hi, p->median);
			value(f, p->efficiency);
			value(f, p->gbps);
			value(f, p->gbps_ref);
			fprintf(f, " %d\n", p->oversubscribed);
		}
	}
	return ferror(f) ? -EIO : 0;
}
