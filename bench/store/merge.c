#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/fail.h"
#include "keyvalues.h"
#include "merge.h"
#include "rundir.h"

static const char *const tables[] = {"raw.csv", "summary.csv"};
#define TABLE_COUNT (sizeof(tables) / sizeof(tables[0]))

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The first line of dir/name into line (newline removed). */
static int header_of(const char *dir, const char *name, char *line, size_t len)
{
	char path[PB_PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "r")))
		return -errno;
	int e = fgets(line, (int)len, f) ? 0 : -EINVAL;
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return e;
}

/* "key=value" of a run's provenance.txt, or "" when absent. */
static void provenance_value(const char *dir, const char *key, char *buf, size_t len)
{
	char path[PB_PATH_MAX];
	struct pb_keyvalues kv;

	snprintf(path, sizeof(path), "%s/provenance.txt", dir);
	pb_keyvalues_read(path, &kv);
	const char *value = pb_keyvalues_get(&kv, key);
	snprintf(buf, len, "%s", value ? value : "");
	pb_keyvalues_free(&kv);
}

/* Copies every provenance*.txt of run into out as provenance-<id>*.txt. */
static int copy_provenance(const char *out, const char *run)
{
	char pattern[PB_PATH_MAX], name[PB_PATH_MAX];
	glob_t g;
	int e = 0;

	snprintf(pattern, sizeof(pattern), "%s/provenance*.txt", run);
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0; /* none to keep */
	for (size_t i = 0; !e && i < g.gl_pathc; i++) {
		const char *rest = base_name(g.gl_pathv[i]) + strlen("provenance");
		struct pb_outfile o;
		snprintf(name, sizeof(name), "provenance-%s%s", base_name(run), rest);
		if (!(e = pb_outfile_open(&o, out, name))) {
			e = pb_file_append(o.f, run, base_name(g.gl_pathv[i]), 0);
			if (e)
				pb_outfile_abandon(&o);
			else
				e = pb_outfile_commit(&o);
		}
	}
	globfree(&g);
	return e;
}

/* A fact the runs share, or "several". */
static void common_value(char **runs, size_t count, const char *key, char *buf, size_t len)
{
	char other[512];

	provenance_value(runs[0], key, buf, len);
	for (size_t i = 1; i < count; i++) {
		provenance_value(runs[i], key, other, sizeof(other));
		if (strcmp(buf, other) != 0) {
			snprintf(buf, len, "several");
			return;
		}
	}
	if (!buf[0])
		snprintf(buf, len, "unknown");
}

static int write_provenance(const char *out, char **runs, size_t count)
{
	char host[256] = "unknown", date[64], value[512];
	time_t now = time(NULL);
	struct tm tm;
	struct pb_outfile o;
	int e = pb_outfile_open(&o, out, "provenance.txt");

	if (e)
		return e;
	gethostname(host, sizeof(host) - 1);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&now, &tm));
	fprintf(o.f, "run_id=%s\ndate=%s\nmerged_on=%s\nmerged_from=", base_name(out), date,
		host);
	for (size_t i = 0; i < count; i++)
		fprintf(o.f, "%s%s", i ? " " : "", base_name(runs[i]));
	fputc('\n', o.f);
	static const char *const shared[] = {"host", "cpu_model", "git_revision"};
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		common_value(runs, count, shared[i], value, sizeof(value));
		fprintf(o.f, "%s=%s\n", shared[i], value);
	}
	return pb_outfile_commit(&o);
}

static int merge_table(const char *out, const char *name, char **runs, size_t count)
{
	struct pb_outfile o;
	int e = pb_outfile_open(&o, out, name);

	if (e)
		return e;
	for (size_t i = 0; !e && i < count; i++)
		e = pb_file_append(o.f, runs[i], name, i > 0);
	if (e) {
		pb_outfile_abandon(&o);
		return e;
	}
	return pb_outfile_commit(&o);
}

/* The runs' real paths, checked: both tables there, headers alike. */
static int check_runs(char *const *runs, size_t count, char **real, char *err, size_t len)
{
	char first[TABLE_COUNT][4096], line[4096];

	for (size_t i = 0; i < count; i++) {
		if (!(real[i] = realpath(runs[i], NULL)))
			return pb_fail(err, len, -EINVAL, "no run at '%s': %s", runs[i], strerror(errno));
		for (size_t j = 0; j < i; j++)
			if (strcmp(real[i], real[j]) == 0)
				return pb_fail(err, len, -EINVAL, "'%s' is named twice", runs[i]);
		for (size_t t = 0; t < TABLE_COUNT; t++) {
			int e = header_of(real[i], tables[t], i ? line : first[t], sizeof(line));
			if (e)
				return pb_fail(err, len, -EINVAL, "cannot read %s/%s: %s%s", runs[i], tables[t],
					    e == -EINVAL ? "empty" : strerror(-e),
					    e == -ENOENT ? " (an unfinished run? --resume it first)"
							 : "");
			if (i && strcmp(line, first[t]) != 0)
				return pb_fail(err, len, -EINVAL, "the columns of %s/%s differ from those of "
					    "%s/%s: runs of different versions cannot be merged",
					    runs[i], tables[t], runs[0], tables[t]);
		}
	}
	return 0;
}

int pb_merge(const char *out, char *const *runs, size_t count, char *err, size_t errlen)
{
	char parent[PB_PATH_MAX];
	char **real = calloc(count + 1, sizeof(*real));
	int rc = 0, e = 0;

	if (!real)
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	if ((rc = check_runs(runs, count, real, err, errlen)))
		goto done;
	snprintf(parent, sizeof(parent), "%s", out);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		e = pb_mkdirs(parent);
	}
	if (e || mkdir(out, 0777) != 0) {
		e = e ? e : -errno;
		rc = pb_fail(err, errlen, -EINVAL, "cannot create '%s': %s%s", out, strerror(-e),
			  e == -EEXIST ? " (merge writes a new run folder)" : "");
		goto done;
	}
	for (size_t t = 0; !e && t < TABLE_COUNT; t++)
		e = merge_table(out, tables[t], real, count);
	for (size_t i = 0; !e && i < count; i++)
		e = copy_provenance(out, real[i]);
	if (!e)
		e = write_provenance(out, real, count);
	if (e)
		rc = pb_fail(err, errlen, -EIO, "cannot write '%s': %s", out, strerror(-e));
done:
	for (size_t i = 0; i < count; i++)
		free(real[i]);
	free(real);
	return rc;
}
