/*
 * One run folder from several (the tasks of a Slurm job array, or jobs
 * that each ran part of a bigger sweep): parbench merge OUT RUN_DIR...
 */
#ifndef PB_MERGE_H
#define PB_MERGE_H

#include <stddef.h>

/*
 * Creates the folder out (which must not exist; its name is the merged
 * run's id) with raw.csv and summary.csv concatenated from the runs (their
 * headers must match; rows keep the run_id of the run that measured them),
 * each run's provenance files as provenance-<run-id>*.txt, and a
 * provenance.txt naming the runs.  Returns 0, or a negative errno with a
 * one-line reason in err: -EINVAL when the cause is the input (fail.h).
 */
int pb_merge(const char *out, char *const *runs, size_t count, char *err, size_t errlen);

#endif
