#include <stdio.h>
#include <string.h>

#include "identity.h"
#include "scaling.h"

const char *const pb_key_names[PB_KEY_COUNT] = {
	[PB_KEY_KERNEL] = "kernel",     [PB_KEY_N] = "n",
	[PB_KEY_RUNNER] = "runner",     [PB_KEY_SCHEDULE] = "schedule",
	[PB_KEY_CHUNK] = "chunk",       [PB_KEY_WORKERS] = "workers",
	[PB_KEY_PIN] = "pin",           [PB_KEY_SCALING] = "scaling",
	[PB_KEY_BASE_N] = "base_n",     [PB_KEY_LATENCY] = "latency_us",
	[PB_KEY_INFLIGHT] = "inflight",
};

int pb_key_required(enum pb_key k)
{
	return k == PB_KEY_KERNEL || k == PB_KEY_N || k == PB_KEY_RUNNER ||
	       k == PB_KEY_SCHEDULE || k == PB_KEY_WORKERS;
}

int pb_key_names_series(enum pb_key k)
{
	return k != PB_KEY_N && k != PB_KEY_CHUNK && k != PB_KEY_WORKERS;
}

int pb_cell_key(const struct pb_cell *c, char *key, size_t len)
{
	return snprintf(key, len, "%s,%llu,%s,%s,%llu,%u,%s,%s,%llu,%u,%u", c->kernel->name,
			(unsigned long long)c->n, c->runner->name, pb_cell_schedule_name(c),
			(unsigned long long)c->sched.chunk, c->workers, pb_cell_pin_name(c),
			pb_scaling_name(c->scaling),
			(unsigned long long)(c->base_n ? c->base_n : c->n), c->latency_us,
			c->inflight);
}

int pb_row_key(char *const *row, const int *col, char *key, size_t len)
{
	int used = 0;

	if (len)
		key[0] = '\0';
	for (int k = 0; k < PB_KEY_COUNT; k++) {
		size_t at = (size_t)used < len ? (size_t)used : len;
		used += snprintf(key + at, len - at, "%s%s", k ? "," : "", row[col[k]]);
	}
	return used;
}

/* Whether the rows agree on every key that `keep` accepts (NULL: all)
 * but `skip` (PB_KEY_COUNT: none). */
static int rows_same(char *const *a, const int *ac, char *const *b, const int *bc,
		     int (*keep)(enum pb_key), enum pb_key skip)
{
	for (int k = 0; k < PB_KEY_COUNT; k++)
		if ((!keep || keep(k)) && k != (int)skip && ac[k] >= 0 && bc[k] >= 0 &&
		    strcmp(a[ac[k]], b[bc[k]]))
			return 0;
	return 1;
}

int pb_rows_same_cell(char *const *a, const int *ac, char *const *b, const int *bc)
{
	return rows_same(a, ac, b, bc, NULL, PB_KEY_COUNT);
}

int pb_rows_same_but(char *const *a, const int *ac, char *const *b, const int *bc,
		     enum pb_key k)
{
	return rows_same(a, ac, b, bc, NULL, k);
}

long pb_rows_find_cell(char **const *rows, size_t count, const int *cols, char *const *row,
		       const int *rowcols)
{
	for (size_t r = 0; r < count; r++)
		if (pb_rows_same_cell(rows[r], cols, row, rowcols))
			return (long)r;
	return -1;
}

int pb_rows_same_series(char *const *a, const int *ac, char *const *b, const int *bc)
{
	return rows_same(a, ac, b, bc, pb_key_names_series, PB_KEY_COUNT);
}

int pb_rows_vary(char **const *rows, size_t count, int col)
{
	for (size_t i = 1; col >= 0 && i < count; i++)
		if (strcmp(rows[i][col], rows[0][col]) != 0)
			return 1;
	return 0;
}

void pb_series_label(const char *schedule, const char *pin, char *buf, size_t len)
{
	if (pin)
		snprintf(buf, len, "%s:%s", schedule, pin);
	else
		snprintf(buf, len, "%s", schedule);
}

int pb_cells_same_series(const struct pb_cell *a, const struct pb_cell *b)
{
	uint64_t an = a->base_n ? a->base_n : a->n, bn = b->base_n ? b->base_n : b->n;
	return a->kernel == b->kernel && an == bn && a->runner == b->runner &&
	       a->latency_us == b->latency_us && a->inflight == b->inflight &&
	       a->scaling == b->scaling && a->has_schedule == b->has_schedule &&
	       (!a->has_schedule || a->sched.kind == b->sched.kind) &&
	       strcmp(pb_cell_pin_name(a), pb_cell_pin_name(b)) == 0;
}

int pb_cells_same_but_size(const struct pb_cell *a, const struct pb_cell *b)
{
	return a->kernel == b->kernel && a->runner == b->runner && a->workers == b->workers &&
	       a->latency_us == b->latency_us && a->inflight == b->inflight &&
	       a->scaling == b->scaling && a->has_schedule == b->has_schedule &&
	       (!a->has_schedule || a->sched.kind == b->sched.kind) &&
	       strcmp(pb_cell_pin_name(a), pb_cell_pin_name(b)) == 0;
}
