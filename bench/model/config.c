#include "config.h"

size_t pb_config_sizes(const struct pb_config *cfg, size_t i, const uint64_t **n)
{
	const struct pb_kernel_sizes *ks = &cfg->kernels[i];

	if (ks->count) {
		*n = ks->n;
		return ks->count;
	}
	*n = cfg->quick ? &ks->kernel->quick_n : &ks->kernel->default_n;
	return 1;
}
