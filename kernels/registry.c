/* The one place that lists the kernels: one line per kernel. */
#include <string.h>

#include "kernel.h"

extern const struct pb_kernel pb_kernel_sum, pb_kernel_cube,
	pb_kernel_factorial, pb_kernel_fib;

const struct pb_kernel *const pb_kernels[] = {
	&pb_kernel_factorial,
	&pb_kernel_cube,
	&pb_kernel_fib,
	&pb_kernel_sum,
	NULL,
};

const struct pb_kernel *pb_kernel_find(const char *name)
{
	for (const struct pb_kernel *const *k = pb_kernels; *k; k++)
		if (strcmp((*k)->name, name) == 0)
			return *k;
	return NULL;
}
