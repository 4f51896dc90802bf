#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fail.h"
#include "runfiles.h"

double pb_field_num(const struct pb_table *t, size_t row, int col)
{
	const char *s = pb_field(t, row, col);
	char *end;

	if (*s == '\0')
		return NAN;
	double x = strtod(s, &end);
	return *end == '\0' ? x : NAN;
}

double pb_column_lowest(const struct pb_table *t, int col)
{
	double low = INFINITY;
	for (size_t i = 0; i < t->row_count; i++) {
		double v = pb_field_num(t, i, col);
		if (v > 0 && v < low)
			low = v;
	}
	return low;
}

/* A run that cannot be read is the user's input; memory is not. */
static int read_error(int e)
{
	return e == -ENOMEM ? -ENOMEM : -EINVAL;
}

/* An optional file that is missing leaves the table absent; one that is
 * there but malformed is an error: a half-read run would mislead. */
static int load_optional(const struct pb_run *run, const char *name, struct pb_table *t,
			 char *err, size_t errlen)
{
	char path[PB_PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", run->dir, name);
	int e = pb_table_load(path, t);
	if (e == -ENOENT)
		return 0;
	if (e)
		return pb_fail(err, errlen, read_error(e), "cannot read %s: %s", path, strerror(-e));
	return 0;
}

/* Absent or unreadable, the provenance is empty: the charts say
 * "unknown". */
static void load_provenance(struct pb_run *run)
{
	char path[PB_PATH_MAX];
	snprintf(path, sizeof(path), "%s/provenance.txt", run->dir);
	pb_keyvalues_read(path, &run->provenance);
}

int pb_run_open(const char *path, unsigned what, struct pb_run *run, char *err,
		size_t errlen)
{
	char resolved[PATH_MAX], file[PB_PATH_MAX];
	int e;

	memset(run, 0, sizeof(*run));
	if (!realpath(path, resolved))
		return pb_fail(err, errlen, -EINVAL, "no run at '%s': %s", path, strerror(errno));
	if (strlen(resolved) >= sizeof(run->dir))
		return pb_fail(err, errlen, -EINVAL, "run path too long: '%s'", path);
	snprintf(run->dir, sizeof(run->dir), "%s", resolved);
	const char *slash = strrchr(resolved, '/');
	snprintf(run->id, sizeof(run->id), "%s", slash ? slash + 1 : resolved);

	snprintf(file, sizeof(file), "%s/summary.csv", run->dir);
	if ((e = pb_table_load(file, &run->summary)))
		return pb_fail(err, errlen, read_error(e), "cannot read %s: %s", file,
			    e == -EINVAL ? "not a table of the expected shape" : strerror(-e));
	if ((what & (PB_RUN_EXTRAS | PB_RUN_MACHINE)) && !(what & PB_RUN_RAW) &&
	    (e = load_optional(run, "raw.csv", &run->raw, err, errlen)))
		return e;
	if (what & PB_RUN_RAW) {
		snprintf(file, sizeof(file), "%s/raw.csv", run->dir);
		if ((e = pb_table_load(file, &run->raw)))
			return pb_fail(err, errlen, read_error(e), "cannot read %s: %s", file,
				    e == -EINVAL ? "not a table of the expected shape"
						 : strerror(-e));
	}
	if ((what & (PB_RUN_EXTRAS | PB_RUN_MACHINE)) &&
	    (e = load_optional(run, "reference.csv", &run->reference, err, errlen)))
		return e;
	if (what & PB_RUN_EXTRAS) {
		if ((e = load_optional(run, "fits.csv", &run->fits, err, errlen)) ||
		    (e = load_optional(run, "overhead.csv", &run->overhead, err, errlen)) ||
		    (e = load_optional(run, "breakeven.csv", &run->breakeven, err, errlen)))
			return e;
	}
	load_provenance(run);
	return 0;
}

void pb_run_close(struct pb_run *run)
{
	pb_table_free(&run->summary);
	pb_table_free(&run->raw);
	pb_table_free(&run->fits);
	pb_table_free(&run->reference);
	pb_table_free(&run->overhead);
	pb_table_free(&run->breakeven);
	pb_keyvalues_free(&run->provenance);
}

const char *pb_run_provenance(const struct pb_run *run, const char *key)
{
	return pb_keyvalues_get(&run->provenance, key);
}

int pb_raw_counted_column(const struct pb_table *raw)
{
	int counted = pb_table_column(raw, "counted");
	return counted >= 0 ? counted : pb_table_column(raw, "ok");
}
