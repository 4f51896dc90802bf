#include <errno.h>
#include <stdlib.h>

#include "ratio_ci.h"

/* A sample of one round: the two-level bootstrap of rounds_ci.c is then
 * the plain percentile bootstrap. */
int pb_ratio_ci_bootstrap(const double *a, size_t na, const double *b, size_t nb,
			  unsigned resamples, double level, uint64_t seed,
			  struct pb_ratio_ci *ci)
{
	if (!a || !b || na == 0 || nb == 0 || resamples == 0 || !(level > 0 && level < 1))
		return -EINVAL;
	unsigned *round = calloc(na > nb ? na : nb, sizeof(*round));
	struct pb_rounds ra = {0}, rb = {0};
	int err = round ? 0 : -ENOMEM;
	if (!err)
		err = pb_rounds_make(a, round, na, &ra);
	if (!err)
		err = pb_rounds_make(b, round, nb, &rb);
	if (!err)
		err = pb_rounds_ratio_ci(&ra, &rb, resamples, level, seed, ci);
	pb_rounds_free(&ra);
	pb_rounds_free(&rb);
	free(round);
	return err;
}
