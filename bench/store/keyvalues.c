#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyvalues.h"
#include "rundir.h"

int pb_keyvalues_read(const char *path, struct pb_keyvalues *kv)
{
	int e;

	memset(kv, 0, sizeof(*kv));
	char *text = pb_file_read(path, &e);
	if (!text)
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
