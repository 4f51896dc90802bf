#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "../model/identity.h"
#include "rundir.h"
#include "table.h"

int pb_table_load(const char *path, struct pb_table *t)
{
	int err;
	size_t lines = 0;

	memset(t, 0, sizeof(*t));
	t->text = pb_file_read(path, &err);
	if (!t->text)
		return err;
	for (char *p = t->text; *p; p++)
		lines += *p == '\n';
	lines++;
	t->fields = malloc(lines * PB_TABLE_MAX_COLUMNS * sizeof(char *));
	t->rows = malloc(lines * sizeof(char **));
	if (!t->fields || !t->rows) {
		pb_table_free(t);
		return -ENOMEM;
	}
	char **next = t->fields;
	for (char *line = t->text, *end; line && *line; line = end) {
		end = strchr(line, '\n');
		if (end)
			*end++ = '\0';
		if (*line == '\0')
			continue;
		int n = pb_csv_split(line, next, PB_TABLE_MAX_COLUMNS);
		if (n < 0 || (t->header && (size_t)n != t->columns)) {
			pb_table_free(t);
			return -EINVAL;
		}
		if (!t->header) {
			t->header = next;
			t->columns = (size_t)n;
		} else {
			t->rows[t->row_count++] = next;
		}
		next += n;
	}
	if (!t->header) {
		pb_table_free(t);
		return -EINVAL;
	}
	return 0;
}

void pb_table_free(struct pb_table *t)
{
	free(t->text);
	free(t->fields);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

int pb_table_column(const struct pb_table *t, const char *name)
{
	for (size_t j = 0; j < t->columns; j++)
		if (strcmp(t->header[j], name) == 0)
			return (int)j;
	return -1;
}

int pb_table_key_columns_known(const struct pb_table *t, int *col)
{
	for (int k = 0; k < PB_KEY_COUNT; k++)
		if ((col[k] = pb_table_column(t, pb_key_names[k])) < 0 && pb_key_required(k))
			return -EINVAL;
	return 0;
}

int pb_table_key_columns(const struct pb_table *t, int *col)
{
	for (int k = 0; k < PB_KEY_COUNT; k++)
		if ((col[k] = pb_table_column(t, pb_key_names[k])) < 0)
			return -EINVAL;
	return 0;
}
