/* The one place that lists the kernels: one line per built-in kernel, and
 * the ones libraries add at run time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

extern const struct pb_kernel pb_kernel_sum, pb_kernel_cube,
	pb_kernel_factorial, pb_kernel_fib, pb_kernel_sleep;

static const struct pb_kernel *const built_in[] = {
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

const struct pb_kernel *const *pb_kernels = built_in;

/* Built-in kernels first, then the registered ones, NULL-terminated. */
static const struct pb_kernel **registered;
static size_t registered_count, built_in_count;

int pb_kernel_register(const struct pb_kernel *const *k, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (pb_kernel_lookup(k[i]->name))
			return -EEXIST;
		for (size_t j = 0; j < i; j++)
			if (strcmp(k[i]->name, k[j]->name) == 0)
				return -EEXIST;
	}
	if (!registered) {
		while (built_in[built_in_count])
			built_in_count++;
		registered_count = built_in_count;
	}
	/* All the room first: past this point nothing can fail, so either
	 * every kernel is registered or none is. */
	const struct pb_kernel **grown =
		realloc(registered, (registered_count + count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	if (!registered)
		memcpy(grown, built_in, built_in_count * sizeof(*grown));
	registered = grown;
	for (size_t i = 0; i < count; i++)
		registered[registered_count++] = k[i];
	registered[registered_count] = NULL;
	pb_kernels = registered;
	return 0;
}

int pb_kernel_is_user(const struct pb_kernel *k)
{
	for (size_t i = built_in_count; registered && i < registered_count; i++)
		if (registered[i] == k)
			return 1;
	return 0;
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
