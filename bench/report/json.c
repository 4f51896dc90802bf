#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/stats.h"
#include "../model/identity.h"
#include "json.h"

/* The columns one cell's entries are made of. */
struct columns {
	int skey[PB_KEY_COUNT], rkey[PB_KEY_COUNT];
	int median, speedup, gbps, status; /* summary.csv */
	int seconds, ok;                   /* raw.csv */
};

static int find_columns(const struct pb_run *run, struct columns *c)
{
	const struct pb_table *s = &run->summary, *r = &run->raw;
	c->median = pb_table_column(s, "median_s");
	c->speedup = pb_table_column(s, "speedup");
	c->gbps = pb_table_column(s, "gbps");
	c->status = pb_table_column(s, "status");
	c->seconds = pb_table_column(r, "seconds");
	c->ok = pb_table_column(r, "ok");
	return pb_table_key_columns(s, c->skey) || pb_table_key_columns(r, c->rkey) ||
			       c->median < 0 || c->status < 0 || c->seconds < 0 || c->ok < 0
		       ? -EINVAL
		       : 0;
}

static void string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void text_field(FILE *f, const char *name, const char *value, int last)
{
	fprintf(f, "    \"%s\": ", name);
	string(f, value ? value : "");
	fputs(last ? "\n" : ",\n", f);
}

/* A provenance value, or "unknown". */
static const char *fact(const struct pb_run *run, const char *key)
{
	const char *v = pb_run_provenance(run, key);
	return v && *v ? v : "unknown";
}

static long whole(const struct pb_run *run, const char *key)
{
	const char *v = pb_run_provenance(run, key);
	return v && *v ? strtol(v, NULL, 10) : 0;
}

static void caches(FILE *f, const struct pb_run *run)
{
	static const struct {
		const char *key, *type;
		int level;
	} known[] = {{"l1d_bytes", "Data", 1}, {"l2_bytes", "Unified", 2}, {"l3_bytes", "Unified", 3}};
	int first = 1;

	fputs("    \"caches\": [", f);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		long size = whole(run, known[i].key);
		if (size <= 0)
			continue;
		fprintf(f, "%s\n      {\"type\": \"%s\", \"level\": %d, \"size\": %ld}",
			first ? "" : ",", known[i].type, known[i].level, size);
		first = 0;
	}
	fputs(first ? "],\n" : "\n    ],\n", f);
}

static void context(FILE *f, const struct pb_run *run)
{
	char executable[256];
	const char *cmd = fact(run, "command_line"), *cflags = fact(run, "cflags");
	const char *governor = fact(run, "governor"), *load = pb_run_provenance(run, "load_avg");
	char version[160];

	snprintf(executable, sizeof(executable), "%.*s", (int)strcspn(cmd, " "), cmd);
	snprintf(version, sizeof(version), "parbench %s", fact(run, "git_revision"));
	fputs("  \"context\": {\n", f);
	text_field(f, "date", fact(run, "date"), 0);
	text_field(f, "host_name", fact(run, "host"), 0);
	text_field(f, "executable", executable, 0);
	fprintf(f, "    \"num_cpus\": %ld,\n", whole(run, "allowed_cpus"));
	/* Not in the provenance: Google Benchmark's readers take 0 as unknown. */
	fputs("    \"mhz_per_cpu\": 0,\n", f);
	if (strcmp(governor, "unknown") != 0)
		fprintf(f, "    \"cpu_scaling_enabled\": %s,\n",
			strcmp(governor, "performance") ? "true" : "false");
	caches(f, run);
	if (load && *load) {
		double l[3] = {NAN, NAN, NAN};
		if (sscanf(load, "%lf;%lf;%lf", &l[0], &l[1], &l[2]) == 3)
			fprintf(f, "    \"load_avg\": [%g, %g, %g],\n", l[0], l[1], l[2]);
	}
	text_field(f, "library_version", version, 0);
	/* Benchmark code is built optimised; anything else is a debug build. */
	text_field(f, "library_build_type",
		   strstr(cflags, "-O2") || strstr(cflags, "-O3") ? "release" : "debug", 0);
	fputs("    \"json_schema_version\": 1,\n", f);
	text_field(f, "parbench_run_id", run->id, 0);
	text_field(f, "cpu_model", fact(run, "cpu_model"), 0);
	text_field(f, "cpu_time", "not measured: each cpu_time repeats real_time", 0);
	text_field(f, "real_time", "microseconds of one repetition, from dispatch to the combined "
		   "result (MPI: the slowest rank)", 1);
	fputs("  },\n", f);
}

/* "kernel/n:N[/latency_us:L]/runner[/schedule]/pin:P/threads:W[/inflight:K]" of
 * summary row i. */
static void cell_name(const struct pb_run *run, const struct columns *c, size_t i, char *name,
		      size_t len)
{
	char *const *row = run->summary.rows[i];
	const char *sched = row[c->skey[PB_KEY_SCHEDULE]];
	int none = strcmp(sched, "none") == 0;
	int cl = c->skey[PB_KEY_LATENCY], ci = c->skey[PB_KEY_INFLIGHT];
	const char *latency = cl >= 0 ? row[cl] : "", *inflight = ci >= 0 ? row[ci] : "";
	/* Kernels that wait add their latency, async its tasks in flight:
	 * otherwise two cells would share a name. */
	int waits = strtoul(latency, NULL, 10) > 0, several = strtoul(inflight, NULL, 10) > 1;
	snprintf(name, len, "%s/n:%s%s%s/%s%s%s/pin:%s/threads:%s%s%s", row[c->skey[PB_KEY_KERNEL]],
		 row[c->skey[PB_KEY_N]], waits ? "/latency_us:" : "", waits ? latency : "",
		 row[c->skey[PB_KEY_RUNNER]], none ? "" : "/", none ? "" : sched,
		 row[c->skey[PB_KEY_PIN]], row[c->skey[PB_KEY_WORKERS]],
		 several ? "/inflight:" : "", several ? inflight : "");
}

struct entry {
	const char *name, *run_name; /* run_name: the cell's name, for aggregates too */
	size_t family, instance, repetitions;
	const char *threads;
};

static void entry_head(FILE *f, const struct entry *e, int *first)
{
	fputs(*first ? "    {\n" : ",\n    {\n", f);
	*first = 0;
	fputs("      \"name\": ", f);
	string(f, e->name);
	fprintf(f, ",\n      \"family_index\": %zu,\n      \"per_family_instance_index\": %zu,\n",
		e->family, e->instance);
	fputs("      \"run_name\": ", f);
	string(f, e->run_name);
	fprintf(f, ",\n      \"repetitions\": %zu,\n      \"threads\": %s,\n", e->repetitions,
		e->threads);
}

/* In microseconds: compare.py prints whole units, and cells take from a
 * few microseconds (dispatch) to seconds. */
static void times(FILE *f, double seconds)
{
	fprintf(f, "      \"real_time\": %.10g,\n      \"cpu_time\": %.10g,\n"
		   "      \"time_unit\": \"us\"",
		seconds * 1e6, seconds * 1e6);
}

static void counter(FILE *f, const char *name, double x)
{
	if (isfinite(x))
		fprintf(f, ",\n      \"%s\": %.10g", name, x);
}

/* A cell's counters scale with 1 / time: a repetition of time t has the
 * cell's value times median / t. */
struct counters {
	double speedup, gbps, median;
};

static void iteration(FILE *f, const struct entry *e, size_t index, double seconds,
		      const struct counters *k, int *first)
{
	entry_head(f, e, first);
	fprintf(f, "      \"run_type\": \"iteration\",\n      \"repetition_index\": %zu,\n"
		   "      \"iterations\": 1,\n",
		index);
	times(f, seconds);
	counter(f, "speedup", k->speedup * k->median / seconds);
	counter(f, "GB/s", k->gbps * k->median / seconds);
	fputs("\n    }", f);
}

/* The three aggregates of a sample, for the times and each counter. */
static int aggregates(FILE *f, const struct entry *e, const double *t, size_t n,
		      const struct counters *k, int *first)
{
	static const char *const names[] = {"mean", "median", "stddev"};
	double *speedup = malloc(n * sizeof(*speedup)), *gbps = malloc(n * sizeof(*gbps));
	struct pb_stats st, ss, sg;
	int err = 0;

	if (!speedup || !gbps)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		speedup[i] = k->speedup * k->median / t[i];
		gbps[i] = k->gbps * k->median / t[i];
	}
	if (!err && (pb_stats_compute(t, n, &st) || pb_stats_compute(speedup, n, &ss) ||
		     pb_stats_compute(gbps, n, &sg)))
		err = -ENOMEM;
	for (size_t a = 0; !err && a < 3; a++) {
		double pick[3][3] = {{st.mean, ss.mean, sg.mean},
				     {st.median, ss.median, sg.median},
				     {st.stddev, ss.stddev, sg.stddev}};
		if (!isfinite(pick[a][0]))
			continue; /* a stddev of one repetition */
		char name[512];
		snprintf(name, sizeof(name), "%s_%s", e->name, names[a]);
		struct entry agg = *e;
		agg.name = name;
		entry_head(f, &agg, first);
		fprintf(f, "      \"run_type\": \"aggregate\",\n      \"aggregate_name\": \"%s\",\n"
			   "      \"aggregate_unit\": \"time\",\n      \"iterations\": %zu,\n",
			names[a], n);
		times(f, pick[a][0]);
		counter(f, "speedup", pick[a][1]);
		counter(f, "GB/s", pick[a][2]);
		fputs("\n    }", f);
	}
	free(speedup);
	free(gbps);
	return err;
}

static void failed(FILE *f, const struct entry *e, const char *status, int *first)
{
	entry_head(f, e, first);
	fputs("      \"run_type\": \"iteration\",\n      \"repetition_index\": 0,\n"
	      "      \"iterations\": 0,\n",
	      f);
	times(f, 0);
	fputs(",\n      \"error_occurred\": true,\n      \"error_message\": ", f);
	string(f, status);
	fputs("\n    }", f);
}

/* The verified repetitions of summary row i, in raw.csv's order. */
static size_t verified(const struct pb_run *run, const struct columns *c, size_t i, double *t)
{
	size_t n = 0;
	for (size_t j = 0; j < run->raw.row_count; j++) {
		char *const *r = run->raw.rows[j];
		if (strcmp(r[c->ok], "1") == 0 &&
		    pb_rows_same_cell(r, c->rkey, run->summary.rows[i], c->skey))
			t[n++] = strtod(r[c->seconds], NULL);
	}
	return n;
}

/* The first summary row of row i's series (model/identity.h). */
static size_t series_start(const struct pb_run *run, const struct columns *c, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (pb_rows_same_series(run->summary.rows[j], c->skey, run->summary.rows[i], c->skey))
			return j;
	return i;
}

/* Families are series, numbered in order of appearance; instances count
 * the series' rows before this one. */
static void family_of(const struct pb_run *run, const struct columns *c, size_t i,
		      size_t *family, size_t *instance)
{
	size_t start = series_start(run, c, i);
	*family = *instance = 0;
	for (size_t j = 0; j < start; j++)
		*family += series_start(run, c, j) == j;
	for (size_t j = start; j < i; j++)
		*instance += series_start(run, c, j) == start;
}

int pb_json_write(FILE *out, const struct pb_run *run)
{
	struct columns c;
	double *t = malloc((run->raw.row_count + 1) * sizeof(*t));
	int first = 1, err = t ? find_columns(run, &c) : -ENOMEM;

	fputs("{\n", out);
	if (!err)
		context(out, run);
	fputs("  \"benchmarks\": [\n", out);
	for (size_t i = 0; !err && i < run->summary.row_count; i++) {
		char name[512];
		struct entry e = {.name = name, .run_name = name, .threads = run->summary.rows[i][c.skey[PB_KEY_WORKERS]]};
		struct counters k = {
			.speedup = pb_field_num(&run->summary, i, c.speedup),
			.gbps = pb_field_num(&run->summary, i, c.gbps),
			.median = pb_field_num(&run->summary, i, c.median),
		};
		cell_name(run, &c, i, name, sizeof(name));
		family_of(run, &c, i, &e.family, &e.instance);
		size_t n = verified(run, &c, i, t);
		const char *status = run->summary.rows[i][c.status];
		e.repetitions = n;
		if (strcmp(status, "ok") != 0 || n == 0) {
			e.repetitions = 1;
			failed(out, &e, status, &first);
			continue;
		}
		for (size_t j = 0; j < n; j++)
			iteration(out, &e, j, t[j], &k, &first);
		err = aggregates(out, &e, t, n, &k, &first);
	}
	fputs(first ? "  ]\n}\n" : "\n  ]\n}\n", out);
	free(t);
	if (!err && ferror(out))
		err = -EIO;
	return err;
}
