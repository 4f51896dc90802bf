#include <errno.h>
#include <string.h>

#include "scaling.h"

static const char *const names[PB_SCALING_COUNT] = {
	[PB_SCALING_STRONG] = "strong",
	[PB_SCALING_WEAK] = "weak",
};

const char *pb_scaling_name(enum pb_scaling s)
{
	return s < PB_SCALING_COUNT ? names[s] : "unknown";
}

int pb_scaling_parse(const char *name, enum pb_scaling *s)
{
	for (int i = 0; i < PB_SCALING_COUNT; i++)
		if (strcmp(name, names[i]) == 0) {
			*s = (enum pb_scaling)i;
			return 0;
		}
	return -EINVAL;
}

uint64_t pb_scaling_size(const struct pb_kernel *k, uint64_t base_n, unsigned workers)
{
	if (workers <= 1 || base_n == 0)
		return base_n;
	if (!k->work || !(pb_kernel_work(k, base_n) > 0)) {
		/* No model of the work: take it as linear. */
		if (base_n > k->max_n / workers)
			return k->max_n;
		return base_n * workers;
	}
	double target = pb_kernel_work(k, base_n) * workers;
	if (pb_kernel_work(k, k->max_n) < target)
		return k->max_n;
	/* Work never decreases with n: the smallest n reaching the target by
	 * doubling, then bisection, then the closer of it and n - 1. */
	uint64_t lo = base_n, hi = base_n;
	while (pb_kernel_work(k, hi) < target) {
		lo = hi;
		hi = hi > k->max_n / 2 ? k->max_n : hi * 2;
	}
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (pb_kernel_work(k, mid) >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (hi > 1 && target - pb_kernel_work(k, hi - 1) < pb_kernel_work(k, hi) - target)
		return hi - 1;
	return hi;
}
