/*
 * The built-in factorial kernel's very code, built as a user's library
 * under another name: make bench-userkernel times the two side by side.
 */
#include "../../kernels/factorial.c"

static const struct pb_kernel factorial_lib = {
	.name = "factorial-lib",
	.shape = "the built-in factorial's code, loaded from a library",
	.n_means = "items (i! mod 2^61-1 for i < n)",
	.default_n = 8000,
	.max_n = 1000000,
	.items = factorial_items,
	.bytes = factorial_bytes,
	.init = factorial_init,
	.run = factorial_run,
	.expect = factorial_expect,
	.work = factorial_work,
};

PB_KERNEL_EXPORT(&factorial_lib);
