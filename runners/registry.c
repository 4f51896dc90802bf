/*
 * The one place that knows which runners this build has: one line per
 * runner.  Build-time choices (HAVE_OPENMP, HAVE_MPI) live here and
 * nowhere else.
 */
#include <string.h>

#include "runner.h"

extern const struct pb_runner pb_runner_seq, pb_runner_omp, pb_runner_pthread;
extern const struct pb_runner pb_runner_fork;

const struct pb_runner *const pb_runners[] = {
	&pb_runner_seq,
	&pb_runner_omp,
	&pb_runner_pthread,
	&pb_runner_fork,
	NULL,
};

const struct pb_runner *pb_runner_find(const char *name)
{
	for (const struct pb_runner *const *r = pb_runners; *r; r++)
		if (strcmp((*r)->name, name) == 0)
			return *r;
	return NULL;
}
