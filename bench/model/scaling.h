/*
 * Strong scaling (the same size on every worker count) and weak scaling
 * (the size grows with the workers, so each worker keeps the same share
 * of work).
 */
#ifndef PB_SCALING_H
#define PB_SCALING_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/kernel.h"

enum pb_scaling {
	PB_SCALING_STRONG,
	PB_SCALING_WEAK,
	PB_SCALING_COUNT
};

const char *pb_scaling_name(enum pb_scaling s);
/* Returns 0, or -EINVAL for an unknown name. */
int pb_scaling_parse(const char *name, enum pb_scaling *s);

/*
 * The size whose work (kernel->work) is closest to workers times the work
 * of base_n, within [1, max_n]: workers x base_n for the kernels whose work
 * is linear, about base_n x sqrt(workers) for factorial's triangular work,
 * and for fib, whose work grows by the golden ratio per +1, the nearest of
 * the two sizes around the target (so weak-scaling cells of fib carry only
 * approximately workers x the base work; the efficiency is measured on
 * the sizes actually run).
 */
uint64_t pb_scaling_size(const struct pb_kernel *k, uint64_t base_n, unsigned workers);

#endif
