/*
 * Which cells belong together, said once.  A cell is named by its key
 * columns in raw.csv and summary.csv (run_id aside, and oversubscribed,
 * which depends on the machine); a series is the cells that differ only
 * in their worker count, and with it their size under weak scaling (n)
 * and their resolved chunk (the default chunk depends on the workers).
 * Every reader and writer of cells goes through these: resume, compare,
 * analysis, the charts and the reports.
 */
#ifndef PB_IDENTITY_H
#define PB_IDENTITY_H

#include <stddef.h>

#include "plan.h"

enum pb_key {
	PB_KEY_KERNEL,
	PB_KEY_N,
	PB_KEY_RUNNER,
	PB_KEY_SCHEDULE,
	PB_KEY_CHUNK,
	PB_KEY_WORKERS,
	PB_KEY_PIN,
	PB_KEY_SCALING,
	PB_KEY_BASE_N,
	PB_KEY_LATENCY,
	PB_KEY_INFLIGHT,
	PB_KEY_COUNT
};

/* The CSV column of each key. */
extern const char *const pb_key_names[PB_KEY_COUNT];

/* Whether every run has this key column (kernel, n, runner, schedule,
 * workers); the others are newer, and an older run may lack them. */
int pb_key_required(enum pb_key k);

/* Whether a key tells one series from another (kernel, runner, schedule,
 * pin, scaling, base_n), or only one cell of a series from another. */
int pb_key_names_series(enum pb_key k);

/* The key fields of a cell as one text, "," between fields; like
 * snprintf, returns the length of the whole text. */
int pb_cell_key(const struct pb_cell *c, char *key, size_t len);

/* The same text from a CSV row whose key columns are col[PB_KEY_COUNT]. */
int pb_row_key(char *const *row, const int *col, char *key, size_t len);

/* Rows of two tables in the same cell, or in the same series.  A column
 * of -1 (a key an older run lacks) is not compared. */
int pb_rows_same_cell(char *const *a, const int *ac, char *const *b, const int *bc);
int pb_rows_same_series(char *const *a, const int *ac, char *const *b, const int *bc);

/* The first of rows[0..count) (key columns cols) in the same cell as row
 * (key columns rowcols), or -1: one cell looked up in another run. */
long pb_rows_find_cell(char **const *rows, size_t count, const int *cols, char *const *row,
		       const int *rowcols);

/* Rows of two tables in the same cell but for key k (e.g. the same cell
 * under another placement). */
int pb_rows_same_but(char *const *a, const int *ac, char *const *b, const int *bc,
		     enum pb_key k);

/* Whether column col takes more than one value over rows[0..count) (a
 * column of -1: no), e.g. a run with --pin given twice. */
int pb_rows_vary(char **const *rows, size_t count, int col);

/* A series' label beside its runner's name: its schedule, and its
 * placement after a ':' where the run has several (pin non-NULL), as
 * "dynamic" or "dynamic:none".  Charts, their keys and compare use it. */
void pb_series_label(const char *schedule, const char *pin, char *buf, size_t len);

/* Cells in memory in the same series (same placement included). */
int pb_cells_same_series(const struct pb_cell *a, const struct pb_cell *b);

/* Cells in memory that differ only in their size (and the chunk that
 * follows from it): the points of one line of cost against size. */
int pb_cells_same_but_size(const struct pb_cell *a, const struct pb_cell *b);

#endif
