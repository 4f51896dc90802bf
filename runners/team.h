/*
 * A persistent team of threads, the caller its worker 0 (as the master
 * thread of an OpenMP team): what the pthread and async runners share.
 * Each job runs `body` once on every worker; a job costs one wake-up and
 * one join.  Same contract as runner.h: 0 or a negative errno.
 */
#ifndef PB_TEAM_H
#define PB_TEAM_H

#include <stdatomic.h>
#include <stdint.h>

#include "runner.h"

struct pb_team;

/* Worker w's share of the job; `next` is a counter for dynamic schedules,
 * zero at the start of every job. */
typedef uint64_t (*pb_team_body)(void *ctx, _Atomic uint64_t *next, const struct pb_job *job,
				 unsigned workers, unsigned w);

int pb_team_open(struct pb_team **team, const struct pb_pool_opts *opts, pb_team_body body,
		 void *ctx);
/* Runs the job on every worker; out->result is the sum of their shares. */
int pb_team_run(struct pb_team *team, const struct pb_job *job, struct pb_outcome *out);
void pb_team_close(struct pb_team *team);

#endif
