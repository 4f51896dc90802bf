/*
 * Finishing a stopped sweep in its own run folder (parbench --resume).
 * A sweep records its options in sweep.args (the command line plus the
 * resolved worker counts and seed, so the plan comes out the same on
 * another node or allocation); resuming re-plans from them, takes the
 * cells already in summary.csv and raw.csv as done and runs the rest.
 */
#ifndef PB_RESUME_H
#define PB_RESUME_H

#include <stddef.h>

#include "../model/config.h"
#include "../model/result.h"

#define PB_ARGS_FILE "sweep.args"

/* Writes dir/sweep.args, one argument per line.  Returns 0 or a negative
 * errno (-EINVAL: an argument holds a newline). */
int pb_resume_save_args(const char *dir, const struct pb_config *cfg);

/* The arguments of dir/sweep.args, argv[0] included. */
struct pb_resume_args {
	int argc;
	char **argv;
	char *text;
};

/* Returns 0 or a negative errno; free with pb_resume_args_free. */
int pb_resume_load_args(const char *dir, struct pb_resume_args *a);
void pb_resume_args_free(struct pb_resume_args *a);

/*
 * Takes the finished cells of sw->dir into sw: moves their plan cells to
 * the front of sw->plan in the order they ran, fills their results from
 * summary.csv and raw.csv and sets sw->done and sw->failed.  Returns 0, or
 * a negative errno with a one-line reason in err (-EINVAL: the folder is
 * not a run this version can finish).
 */
int pb_resume_load(struct pb_sweep *sw, char *err, size_t errlen);

/* A provenance name for this resumption: provenance-resume<N>.txt, the
 * first N not taken.  Returns 0 or a negative errno. */
int pb_resume_provenance_name(const char *dir, char *name, size_t len);

#endif
