/* Reading a tidy CSV back: rows of fields, columns found by name. */
#ifndef PB_TABLE_H
#define PB_TABLE_H

#include <stddef.h>

#define PB_TABLE_MAX_COLUMNS 64

struct pb_table {
	char **header;      /* column names */
	size_t columns;
	char ***rows;       /* rows[i][j]: field j of row i */
	size_t row_count;
	char *text;         /* the file, split in place */
	char **fields;      /* storage for header and rows */
};

/* Returns 0, or a negative errno (-EINVAL: a row with the wrong number of
 * fields). */
int pb_table_load(const char *path, struct pb_table *t);
void pb_table_free(struct pb_table *t);

/* Index of the named column, or -1. */
int pb_table_column(const struct pb_table *t, const char *name);

/* The columns of a cell's key (model/identity.h) into col[PB_KEY_COUNT]:
 * 0, or -EINVAL when one is missing. */
int pb_table_key_columns(const struct pb_table *t, int *col);

/* The same for a run of any version: col[k] is -1 where an optional key
 * (pb_key_required) is missing; -EINVAL when a required one is. */
int pb_table_key_columns_known(const struct pb_table *t, int *col);

#endif
