#ifndef PB_MEMORY_H
#define PB_MEMORY_H

#include <stddef.h>

/* Untouched anonymous memory; NULL when bytes is 0 or mapping fails. */
void *pb_private_alloc(size_t bytes);
void pb_private_free(void *mem, size_t bytes);

#endif
