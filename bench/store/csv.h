/*
 * Tidy CSV: a header of column names, one observation per row, no free
 * text inside fields (status is one token), empty field for "not
 * applicable".  raw.csv has one row per timed repetition, summary.csv one
 * per cell.
 */
#ifndef PB_CSV_H
#define PB_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "../model/result.h"

/* Both files start every row with the same key fields, in this order:
 * run_id, kernel, n, runner, schedule, chunk, workers, pin,
 * oversubscribed, scaling, base_n, latency_us, inflight. */
#define PB_CSV_KEY_FIELDS 13

int pb_csv_raw_header(FILE *f);
/* Rows of r's repetitions from index `from` on. */
int pb_csv_raw_rows(FILE *f, const char *run_id, const struct pb_cell_result *r,
		    unsigned from);
int pb_csv_summary_header(FILE *f);
int pb_csv_summary_row(FILE *f, const char *run_id, const struct pb_cell_result *r);

/* Splits a line (trailing newline removed) into fields in place; returns
 * the number of fields, or -E2BIG when there are more than max. */
int pb_csv_split(char *line, char **fields, size_t max);

/* Replaces anything that could break a CSV field or a token. */
void pb_token_sanitize(char *s);

#endif
