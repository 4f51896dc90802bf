/* Memory for runners whose workers share one address space. */
#include <sys/mman.h>

#include "memory.h"

void *pb_private_alloc(struct pb_pool *pool, size_t bytes)
{
	(void)pool;
	if (bytes == 0)
		return NULL;
	/* mmap leaves every page untouched, so the workers' init phase is the
	 * first touch and places pages near the worker that uses them. */
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void pb_private_free(struct pb_pool *pool, void *mem, size_t bytes)
{
	(void)pool;
	if (mem)
		munmap(mem, bytes);
}
