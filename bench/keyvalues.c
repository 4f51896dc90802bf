#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyvalues.h"

/* The whole file as one string (caller frees), or NULL with errno set. */
static char *slurp(FILE *f)
{
	size_t cap = 0, len = 0;
	char *text = NULL;

	for (;;) {
		if (cap - len < 1024) {
			char *grown = realloc(text, cap + 8192);
			if (!grown) {
				free(text);
				errno = ENOMEM;
				return NULL;
			}
			text = grown;
			cap += 8192;
		}
		size_t got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(text);
		errno = EIO;
		return NULL;
	}
	text[len] = '\0';
	return text;
}

int pb_keyvalues_read(const char *path, struct pb_keyvalues *kv)
{
	memset(kv, 0, sizeof(*kv));
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	char *text = slurp(f);
	int e = text ? 0 : -errno;
	fclose(f);
	if (e)
		return e;
	kv->text = text;
	for (char *line = text, *end; *line && kv->count < PB_KEYVALUES_MAX; line = end) {
		end = line + strcspn(line, "\n");
		if (*end)
			*end++ = '\0';
		char *eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		kv->key[kv->count] = line;
		kv->value[kv->count++] = eq + 1;
	}
	return 0;
}

void pb_keyvalues_free(struct pb_keyvalues *kv)
{
	free(kv->text);
	memset(kv, 0, sizeof(*kv));
}

const char *pb_keyvalues_get(const struct pb_keyvalues *kv, const char *key)
{
	for (size_t i = 0; i < kv->count; i++)
		if (strcmp(kv->key[i], key) == 0)
			return kv->value[i];
	return NULL;
}
