/* A file of key=value lines (provenance.txt), read whole. */
#ifndef PB_KEYVALUES_H
#define PB_KEYVALUES_H

#include <stddef.h>

#define PB_KEYVALUES_MAX 128

struct pb_keyvalues {
	char *text; /* the file, its lines split in place */
	const char *key[PB_KEYVALUES_MAX], *value[PB_KEYVALUES_MAX];
	size_t count;
};

/* Reads path (lines without '=' are skipped, and any past the
 * PB_KEYVALUES_MAX-th).  Returns 0 or a negative errno; kv is empty then
 * and pb_keyvalues_free is still safe. */
int pb_keyvalues_read(const char *path, struct pb_keyvalues *kv);
void pb_keyvalues_free(struct pb_keyvalues *kv);

/* The value of key, or NULL. */
const char *pb_keyvalues_get(const struct pb_keyvalues *kv, const char *key);

#endif
