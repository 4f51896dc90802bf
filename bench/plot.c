#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "plot_weak.h"
#include "rundir.h"
#include "table.h"

#define MAX_SERIES 32
#define MAX_POINTS 64

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The gnuplot scripts: $PARBENCH_DATADIR, else beside the executable in the
 * build tree (build/../plots) or an installed tree (bin/../share/parbench).
 */
static int find_script(const char *name, char *path, size_t len)
{
	const char *env = getenv("PARBENCH_DATADIR");
	char exe[PB_PATH_MAX];

	if (env && *env) {
		snprintf(path, len, "%s/%s", env, name);
		return access(path, R_OK) == 0 ? 0 : -ENOENT;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	static const char *const rel[] = {"../plots", "../share/parbench"};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, len, "%s/%s/%s", exe, rel[i], name);
		if (access(path, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Text safe inside a gnuplot single-quoted string. */
static void gp_quote_safe(char *s)
{
	for (; *s; s++)
		if (*s == '\'' || *s == '"' || *s == '\\' || *s == '\n')
			*s = ' ';
}

static int run_gnuplot(const char *script, const char *vars, char *err, size_t errlen)
{
	pid_t pid = fork();
	if (pid < 0)
		return fail(err, errlen, "cannot start gnuplot: %s", strerror(errno));
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(err, errlen, "waiting for gnuplot: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fail(err, errlen, "gnuplot not found: install gnuplot (gnuplot-nox) "
			    "or run 'parbench plot RUN_DIR' where it is");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(err, errlen, "gnuplot failed on %s", script);
	return 0;
}

/* Reads "key=value" from the run's provenance, or "unknown". */
static void provenance_value(const char *run_dir, const char *key, char *buf, size_t len)
{
	char path[PB_PATH_MAX], line[1024];
	size_t klen = strlen(key);
	FILE *f;

	snprintf(buf, len, "unknown");
	snprintf(path, sizeof(path), "%s/provenance.txt", run_dir);
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line + klen + 1);
			break;
		}
	fclose(f);
}

struct series {
	char runner[32], schedule[32];
	unsigned workers[MAX_POINTS];
	double speedup[MAX_POINTS];
	size_t count;
};

struct columns {
	int kernel, n, runner, schedule, workers, speedup;
};

static int sort_points(struct series *s)
{
	for (size_t i = 1; i < s->count; i++)
		for (size_t j = i; j > 0 && s->workers[j - 1] > s->workers[j]; j--) {
			unsigned w = s->workers[j];
			double x = s->speedup[j];
			s->workers[j] = s->workers[j - 1];
			s->speedup[j] = s->speedup[j - 1];
			s->workers[j - 1] = w;
			s->speedup[j - 1] = x;
		}
	return 0;
}

/* One speedup chart for the rows of kernel at size n. */
static int plot_kernel(const struct pb_table *t, const struct columns *c,
		       const char *kernel, const char *n, const char *dir,
		       const char *script, const char *machine, char *err, size_t errlen)
{
	static struct series series[MAX_SERIES];
	size_t count = 0;
	unsigned xmax = 1;

	for (size_t i = 0; i < t->row_count; i++) {
		char **row = t->rows[i];
		if (strcmp(row[c->kernel], kernel) || strcmp(row[c->n], n) ||
		    strcmp(row[c->runner], "seq") == 0 || row[c->speedup][0] == '\0')
			continue;
		size_t s;
		for (s = 0; s < count; s++)
			if (!strcmp(series[s].runner, row[c->runner]) &&
			    !strcmp(series[s].schedule, row[c->schedule]))
				break;
		if (s == count) {
			if (count == MAX_SERIES)
				continue;
			memset(&series[s], 0, sizeof(series[s]));
			snprintf(series[s].runner, sizeof(series[s].runner), "%s", row[c->runner]);
			snprintf(series[s].schedule, sizeof(series[s].schedule), "%s",
				 row[c->schedule]);
			count++;
		}
		if (series[s].count == MAX_POINTS)
			continue;
		unsigned w = (unsigned)strtoul(row[c->workers], NULL, 10);
		series[s].workers[series[s].count] = w;
		series[s].speedup[series[s].count++] = strtod(row[c->speedup], NULL);
		if (w > xmax)
			xmax = w;
	}
	if (count == 0)
		return 0; /* nothing but the baseline: no chart */

	char data[PB_PATH_MAX], base[PB_PATH_MAX], vars[3 * PB_PATH_MAX];
	snprintf(data, sizeof(data), "%s/data/speedup-%s-%s.dat", dir, kernel, n);
	snprintf(base, sizeof(base), "%s/speedup-%s-%s", dir, kernel, n);
	FILE *f = fopen(data, "w");
	if (!f)
		return fail(err, errlen, "cannot write %s: %s", data, strerror(errno));
	for (size_t s = 0; s < count; s++) {
		sort_points(&series[s]);
		fprintf(f, "%s# %s %s\nworkers \"%s %s\"\n", s ? "\n\n" : "", series[s].runner,
			series[s].schedule, series[s].runner, series[s].schedule);
		for (size_t p = 0; p < series[s].count; p++)
			fprintf(f, "%u %.6g\n", series[s].workers[p], series[s].speedup[p]);
	}
	if (fclose(f) != 0)
		return fail(err, errlen, "cannot write %s: %s", data, strerror(errno));

	char title[512];
	snprintf(title, sizeof(title), "%s (n = %s): speedup over seq\\n%s", kernel, n, machine);
	snprintf(vars, sizeof(vars),
		 "datafile='%s'; outbase='%s'; nseries=%zu; xmax=%u; plottitle=\"%s\"",
		 data, base, count, xmax, title);
	return run_gnuplot(script, vars, err, errlen);
}

int pb_plot_run(const char *run_dir, const char *plots_root, char *out,
		size_t outlen, char *err, size_t errlen)
{
	char resolved[PATH_MAX], summary[PB_PATH_MAX], script[PB_PATH_MAX];
	char host[256], model[256], machine[600], dir[PB_PATH_MAX], sub[PB_PATH_MAX];
	struct pb_table t;
	int e;

	if (!realpath(run_dir, resolved))
		return fail(err, errlen, "no run at '%s': %s", run_dir, strerror(errno));
	const char *id = strrchr(resolved, '/') ? strrchr(resolved, '/') + 1 : resolved;
	snprintf(summary, sizeof(summary), "%s/summary.csv", resolved);
	if ((e = pb_table_load(summary, &t)))
		return fail(err, errlen, "cannot read %s: %s", summary, strerror(-e));

	struct columns c = {
		pb_table_column(&t, "kernel"), pb_table_column(&t, "n"),
		pb_table_column(&t, "runner"), pb_table_column(&t, "schedule"),
		pb_table_column(&t, "workers"), pb_table_column(&t, "speedup"),
	};
	if (c.kernel < 0 || c.n < 0 || c.runner < 0 || c.schedule < 0 || c.workers < 0 ||
	    c.speedup < 0) {
		pb_table_free(&t);
		return fail(err, errlen, "%s lacks the columns a chart needs", summary);
	}
	if (find_script("speedup.gp", script, sizeof(script))) {
		pb_table_free(&t);
		return fail(err, errlen, "cannot find the gnuplot scripts (set PARBENCH_DATADIR)");
	}
	snprintf(dir, sizeof(dir), "%s/%s", plots_root, id);
	snprintf(sub, sizeof(sub), "%s/data", dir);
	if ((e = pb_mkdirs(sub))) {
		pb_table_free(&t);
		return fail(err, errlen, "cannot write plots to '%s': %s", dir, strerror(-e));
	}
	provenance_value(resolved, "host", host, sizeof(host));
	provenance_value(resolved, "cpu_model", model, sizeof(model));
	snprintf(machine, sizeof(machine), "%s, %s", host, model);
	gp_quote_safe(machine);

	int rc = 0;
	for (size_t i = 0; rc == 0 && i < t.row_count; i++) {
		/* Each (kernel, n) once, in the order of the file. */
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(t.rows[j][c.kernel], t.rows[i][c.kernel]) &&
			       !strcmp(t.rows[j][c.n], t.rows[i][c.n]);
		if (!seen)
			rc = plot_kernel(&t, &c, t.rows[i][c.kernel], t.rows[i][c.n], dir, script,
					 machine, err, errlen);
	}
	pb_table_free(&t);
	if (rc == 0)
		rc = pb_plot_weak(resolved, dir, machine, err, errlen);
	if (rc)
		return rc;
	if ((e = pb_latest_link(plots_root, id)))
		return fail(err, errlen, "cannot link %s/latest: %s", plots_root, strerror(-e));
	snprintf(out, outlen, "%s", dir);
	return 0;
}
