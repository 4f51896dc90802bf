/*
 * The value every repetition of a cell is checked against: the kernel's
 * own expect(n) where it has one, otherwise one sequential run of the
 * kernel at that n, made before the sweep (in a sandbox: it is a user's
 * code), the reference for every runner.
 */
#ifndef PB_EXPECTED_H
#define PB_EXPECTED_H

#include <stdint.h>

#include "../model/plan.h"

struct pb_expected {
	const struct pb_kernel *kernel;
	uint64_t n;
	uint64_t value;
	char why[64]; /* "" when value holds; why the reference run failed */
};

struct pb_expected_table {
	struct pb_expected *item;
	size_t count;
};

/* One reference run per kernel without expect and size in the plan, each
 * at most timeout_s.  0 or -ENOMEM; a run that fails is recorded. */
int pb_expected_prepare(const struct pb_plan *plan, double timeout_s,
			struct pb_expected_table *t);
void pb_expected_free(struct pb_expected_table *t);

/* The value for a cell: 0 and *value, or -ENOENT with *why (the reference
 * run failed, or none was made). */
int pb_expected_of(const struct pb_expected_table *t, const struct pb_cell *c,
		   uint64_t *value, const char **why);

#endif
