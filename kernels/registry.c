/* The one place that lists the kernels: one line per kernel. */
#include <string.h>

#include "kernel.h"

extern const struct pb_kernel pb_kernel_sum, pb_kernel_cube,
	pb_kernel_factorial, pb_kernel_fib, pb_kernel_sleep;

const struct pb_kernel *const pb_kernels[] = {
	&pb_kernel_factorial,
	&pb_kernel_cube,
	&pb_kernel_fib,
	&pb_kernel_sum,
	&pb_kernel_sleep,
#ifdef PB_EXTRA_KERNELS /* a test build's throwaway kernel (tests/throwaway/) */
	PB_EXTRA_KERNELS
#endif
	NULL,
};

/* Not offered to users: the harness runs them for context. */
static const struct pb_kernel *const harness_kernels[] = {
	&pb_kernel_empty,
	&pb_kernel_stream_copy,
	&pb_kernel_stream_triad,
	&pb_kernel_stream_dot,
	NULL,
};

static const struct pb_kernel *find_in(const struct pb_kernel *const *table,
				       const char *name)
{
	for (const struct pb_kernel *const *k = table; *k; k++)
		if (strcmp((*k)->name, name) == 0)
			return *k;
	return NULL;
}

const struct pb_kernel *pb_kernel_find(const char *name)
{
	return find_in(pb_kernels, name);
}

const struct pb_kernel *pb_kernel_lookup(const char *name)
{
	const struct pb_kernel *k = find_in(pb_kernels, name);
	return k ? k : find_in(harness_kernels, name);
}
