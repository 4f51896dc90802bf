/*
 * Where a runner starts to pay off, read from measured sizes rather than
 * modelled: the sizes from which it beats the baseline significantly, and
 * where its speedup crosses 1 just before them.
 */
#ifndef PB_CROSSING_H
#define PB_CROSSING_H

#include <stddef.h>
#include <stdint.h>

/* One measured size: the speedup over the baseline and its 95% CI. */
struct pb_size_point {
	uint64_t n;
	double speedup, low, high;
};

enum pb_crossing_kind {
	PB_CROSSING_ONE_SIZE,    /* fewer than two sizes: nothing to read */
	PB_CROSSING_NOT_FASTER,  /* not significantly faster at the largest size */
	PB_CROSSING_BELOW,       /* faster from the smallest size on */
	PB_CROSSING_BETWEEN,     /* crosses 1 between two measured sizes */
};

struct pb_crossing {
	enum pb_crossing_kind kind;
	/* The smallest measured size from which every larger one is
	 * significantly faster (the CI excludes 1); 0 for NOT_FASTER and
	 * ONE_SIZE. */
	uint64_t significant_from;
	/* BETWEEN: the sizes around the last crossing of speedup 1 before
	 * significant_from, and the crossing itself, interpolated linearly
	 * in log(speedup) against log(n) (cost grows as a power of n
	 * between two sizes).  BELOW: below = above = cross = the smallest
	 * size, an upper bound. */
	uint64_t below, above;
	double cross;
};

/* Reads the crossing from points sorted by n (ascending). */
void pb_crossing_find(const struct pb_size_point *pts, size_t count, struct pb_crossing *out);

/* The crossing's kind as breakeven.csv writes it: one-size, not-faster,
 * below-smallest, crossed. */
const char *pb_crossing_name(enum pb_crossing_kind kind);

#endif
