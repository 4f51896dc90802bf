/* Memory for runners whose workers share one address space. */
#ifndef PB_MEMORY_H
#define PB_MEMORY_H

#include <stddef.h>

struct pb_pool;

/* Untouched anonymous memory; NULL when bytes is 0 or mapping fails.
 * Shaped as pb_runner.alloc and .free, so runners can use them as they are. */
void *pb_private_alloc(struct pb_pool *pool, size_t bytes);
void pb_private_free(struct pb_pool *pool, void *mem, size_t bytes);

#endif
