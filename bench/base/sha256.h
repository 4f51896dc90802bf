/* SHA-256 (FIPS 180-4) of a file, for the provenance of what was loaded. */
#ifndef PB_SHA256_H
#define PB_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The digest of len bytes, as 64 lowercase hex digits and a NUL. */
void pb_sha256_hex(const void *data, size_t len, char hex[65]);

/* The digest and size of the file at path.  0 or a negative errno. */
int pb_sha256_file(const char *path, char hex[65], uint64_t *size);

#endif
