#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "table.h"

static char *read_all(const char *path, int *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		*err = -errno;
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			char *grown = realloc(text, cap + 1);
			if (!grown) {
				*err = -ENOMEM;
				free(text);
				fclose(f);
				return NULL;
			}
			text = grown;
		}
		size_t got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	*err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (*err) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

int pb_table_load(const char *path, struct pb_table *t)
{
	int err;
	size_t lines = 0;

	memset(t, 0, sizeof(*t));
	t->text = read_all(path, &err);
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
