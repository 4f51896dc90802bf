/*
 * A finished run read back: its CSV files by name, the optional ones
 * absent (header NULL) when an older or partial run lacks them, and its
 * provenance as key=value pairs.  Charts, the report and `compare` share it.
 */
#ifndef PB_RUNFILES_H
#define PB_RUNFILES_H

#include <stddef.h>

#include "keyvalues.h"
#include "rundir.h"
#include "table.h"

struct pb_run {
	char dir[PB_PATH_MAX]; /* the resolved folder (a `latest` link followed) */
	char id[PB_RUN_ID_MAX];
	struct pb_table summary; /* required */
	struct pb_table raw, fits, reference, overhead, breakeven; /* optional */
	struct pb_keyvalues provenance; /* empty where provenance.txt is absent */
};

/* Bits for what pb_run_open reads beyond summary.csv and provenance.txt. */
enum {
	PB_RUN_RAW = 1 << 0,    /* raw.csv, required */
	PB_RUN_EXTRAS = 1 << 1, /* fits, reference, overhead, breakeven, and raw.csv
				 * where it is there */
	PB_RUN_MACHINE = 1 << 2, /* what tells the machine's own state: reference.csv
				  * and raw.csv (its speed probe) where they are there */
};

/* Returns 0, or a negative errno with a one-line message in err (-EINVAL:
 * no readable run there).  pb_run_close frees
 * what was read, also after a failed open. */
int pb_run_open(const char *path, unsigned what, struct pb_run *run, char *err,
		size_t errlen);
void pb_run_close(struct pb_run *run);

/* The provenance value of key, or NULL. */
const char *pb_run_provenance(const struct pb_run *run, const char *key);

/* Whether an optional table was read. */
static inline int pb_table_present(const struct pb_table *t)
{
	return t->header != NULL;
}

/* Field of a row, "" where the column is absent (col < 0). */
static inline const char *pb_field(const struct pb_table *t, size_t row, int col)
{
	return col < 0 ? "" : t->rows[row][col];
}

/* A numeric field, NaN where it is empty, absent or not a number. */
double pb_field_num(const struct pb_table *t, size_t row, int col);

/* The column of raw.csv that says a repetition is in its cell's estimate
 * ("1"): counted (verified, and not left out for waiting on the CPU), or
 * ok in runs older than it; -1: neither. */
int pb_raw_counted_column(const struct pb_table *raw);

/* The lowest positive number of a column, +inf when it has none. */
double pb_column_lowest(const struct pb_table *t, int col);

#endif
