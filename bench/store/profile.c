#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fail.h"
#include "../base/parse.h"
#include "keyvalues.h"
#include "profile.h"
#include "rundir.h"

const char *const pb_profile_class_names[PB_LEVEL_CLASSES] = {"compute", "memory"};

#define FORMAT "1"
/* A log standard deviation past this (a factor of e between runs) is no
 * measurement of a machine. */
#define MOST_SD 1.0

int pb_profile_write(const char *path, const struct pb_profile *p, char *err, size_t len)
{
	char dir[PB_PATH_MAX];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	struct pb_outfile o;

	if (!*name || strlen(path) >= sizeof(dir))
		return pb_fail(err, len, -EINVAL, "%s: not a file name for a profile", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	int e = pb_outfile_open(&o, dir, name);
	if (e)
		return pb_fail(err, len, e == -ENOMEM ? e : -EINVAL, "cannot write %s: %s", path,
			       strerror(-e));
	fprintf(o.f, "# parbench machine profile: how much whole runs of one sweep differ on "
		     "this machine\n# (parbench coverage --save-profile; sd: of a cell's log "
		     "median, beyond its run's own interval)\n");
	fprintf(o.f, "format=%s\nhost=%s\ncpu_model=%s\ncpus=%ld\nboot_id=%s\ndate=%s\nruns=%u\n",
		FORMAT, p->host.name, p->host.cpu_model, p->host.cpus, p->host.boot_id, p->date,
		p->runs);
	for (int k = 0; k < PB_LEVEL_CLASSES; k++) {
		const struct pb_run_level *l = &p->level[k];
		const char *c = pb_profile_class_names[k];
		fprintf(o.f, "%s_cells=%zu\n", c, l->cells);
		if (l->cells)
			fprintf(o.f, "%s_runs=%zu\n%s_run_sd=%.6f\n%s_pair_sd=%.6f\n", c, l->runs, c,
				l->run_sd, c, l->pair_sd);
	}
	if ((e = pb_outfile_commit(&o)))
		return pb_fail(err, len, e, "cannot write %s: %s", path, strerror(-e));
	return 0;
}

/* The text of key, copied into buf; -EINVAL naming it when absent. */
static int text(const struct pb_keyvalues *kv, const char *path, const char *key, char *buf,
		size_t size, char *err, size_t len)
{
	const char *v = pb_keyvalues_get(kv, key);
	if (!v || !*v)
		return pb_fail(err, len, -EINVAL, "%s is not a machine profile: no %s", path, key);
	snprintf(buf, size, "%s", v);
	return 0;
}

static int number(const struct pb_keyvalues *kv, const char *path, const char *key,
		  double least, double most, double *x, char *err, size_t len)
{
	const char *v = pb_keyvalues_get(kv, key);
	if (!v || pb_parse_decimal(v, least, most, x))
		return pb_fail(err, len, -EINVAL, "%s is corrupt: %s is %s%s%s, not a number from "
			       "%g to %g", path, key, v ? "'" : "missing", v ? v : "", v ? "'" : "",
			       least, most);
	return 0;
}

static int read_level(const struct pb_keyvalues *kv, const char *path, int k,
		      struct pb_run_level *l, unsigned runs, char *err, size_t len)
{
	char key[64];
	double cells, x;
	const char *c = pb_profile_class_names[k];
	snprintf(key, sizeof(key), "%s_cells", c);
	if (number(kv, path, key, 0, 1e9, &cells, err, len))
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	if (cells == 0)
		return 0;
	if (cells < 2)
		return pb_fail(err, len, -EINVAL, "%s is corrupt: %s is below 2", path, key);
	l->cells = (size_t)cells;
	l->runs = runs;
	/* A class's own runs where calibrations were pooled (older
	 * profiles: the profile's). */
	snprintf(key, sizeof(key), "%s_runs", c);
	if (pb_keyvalues_get(kv, key)) {
		if (number(kv, path, key, PB_PROFILE_LEAST_RUNS, 1e6, &x, err, len))
			return -EINVAL;
		l->runs = (size_t)x;
	}
	snprintf(key, sizeof(key), "%s_run_sd", c);
	if (number(kv, path, key, 0, MOST_SD, &x, err, len))
		return -EINVAL;
	l->run_sd = x;
	snprintf(key, sizeof(key), "%s_pair_sd", c);
	if (number(kv, path, key, 0, MOST_SD, &x, err, len))
		return -EINVAL;
	l->pair_sd = x;
	return 0;
}

int pb_profile_read(const char *path, struct pb_profile *p, char *err, size_t len)
{
	struct pb_keyvalues kv;
	double runs, cpus;
	int e = pb_keyvalues_read(path, &kv);

	memset(p, 0, sizeof(*p));
	if (e == -ENOENT)
		return pb_fail(err, len, -ENOENT, "%s: no such file", path);
	if (e)
		return pb_fail(err, len, e == -ENOMEM || e == -ENOTDIR ? e : -EINVAL,
			       "cannot read %s: %s", path, strerror(-e));
	const char *format = pb_keyvalues_get(&kv, "format");
	if (!format || strcmp(format, FORMAT) != 0)
		e = pb_fail(err, len, -EINVAL, "%s is not a machine profile of this parbench "
			    "(format %s)", path, format ? format : "missing");
	if (!e)
		e = text(&kv, path, "host", p->host.name, sizeof(p->host.name), err, len);
	if (!e)
		e = text(&kv, path, "cpu_model", p->host.cpu_model, sizeof(p->host.cpu_model), err,
			 len);
	if (!e)
		e = number(&kv, path, "cpus", 1, 1e7, &cpus, err, len);
	if (!e)
		e = number(&kv, path, "runs", 3, 1e6, &runs, err, len);
	if (!e) {
		p->host.cpus = (long)cpus;
		p->runs = (unsigned)runs;
		const char *boot = pb_keyvalues_get(&kv, "boot_id"), *date = pb_keyvalues_get(&kv, "date");
		snprintf(p->host.boot_id, sizeof(p->host.boot_id), "%s", boot ? boot : "unknown");
		snprintf(p->date, sizeof(p->date), "%s", date ? date : "unknown");
	}
	for (int k = 0; !e && k < PB_LEVEL_CLASSES; k++)
		e = read_level(&kv, path, k, &p->level[k], p->runs, err, len);
	if (!e && !p->level[PB_LEVEL_COMPUTE].cells && !p->level[PB_LEVEL_MEMORY].cells)
		e = pb_fail(err, len, -EINVAL, "%s is corrupt: it measures no class of cell", path);
	pb_keyvalues_free(&kv);
	if (e)
		memset(p, 0, sizeof(*p));
	return e;
}

int pb_profile_matches(const struct pb_profile *p, const struct pb_host *h, char *err,
		       size_t len)
{
	if (strcmp(p->host.name, h->name) == 0 && strcmp(p->host.cpu_model, h->cpu_model) == 0 &&
	    p->host.cpus == h->cpus)
		return 0;
	return pb_fail(err, len, -EINVAL, "it was measured on %s (%s, %ld CPUs), this is %s (%s, "
		       "%ld CPUs)", p->host.name, p->host.cpu_model, p->host.cpus, h->name,
		       h->cpu_model, h->cpus);
}
