/*
 * The team: threads created once in open() and reused for every job until
 * close().  Dispatch publishes the job and bumps a generation counter;
 * workers wait for it to change, spinning first when they have CPUs of
 * their own and then sleeping on a futex, so an oversubscribed team does
 * not burn the CPUs the working threads need.  Join is a countdown the
 * caller waits on the same way.  Partials go to per-worker cache lines and
 * are summed by the caller.
 */
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "affinity.h"
#include "futex.h"
#include "team.h"

#define CACHE_LINE 64

struct worker {
	alignas(CACHE_LINE) uint64_t partial;
	struct pb_team *team;
	unsigned index;
	int cpu;
	pthread_t thread;
};

struct pb_team {
	alignas(CACHE_LINE) _Atomic uint32_t generation; /* bumped per job */
	_Atomic uint32_t worker_sleepers;
	alignas(CACHE_LINE) _Atomic uint32_t pending; /* workers still busy */
	_Atomic uint32_t caller_sleeping;
	alignas(CACHE_LINE) _Atomic uint64_t next; /* dynamic schedules */
	alignas(CACHE_LINE) const struct pb_job *job;
	struct pb_outcome *out;
	pb_team_body body;
	void *ctx;
	int stop;
	int spin;
	unsigned workers;
	unsigned started; /* threads created, for close() after a failure */
	struct pb_affinity caller; /* the caller is worker 0 while the team lives */
	struct worker *w;
};

static void finish_share(struct pb_team *team)
{
	if (atomic_fetch_sub(&team->pending, 1) == 1)
		pb_wake_if_sleeping(&team->pending, &team->caller_sleeping, 0);
}

static void *worker_main(void *arg)
{
	struct worker *self = arg;
	struct pb_team *team = self->team;
	uint32_t seen = 0;

	for (;;) { /* bound by pthread_create (open), which checked it */
		seen = pb_wait_change(&team->generation, seen,
				      &team->worker_sleepers, team->spin, 0);
		if (team->stop)
			return NULL;
		pb_outcome_where(team->out, self->index, 0);
		self->partial = team->body(team->ctx, &team->next, team->job, team->workers,
					   self->index);
		pb_outcome_where(team->out, self->index, 1);
		finish_share(team);
	}
}

static void team_stop(struct pb_team *team)
{
	team->stop = 1;
	atomic_fetch_add(&team->generation, 1);
	pb_futex_wake_all(&team->generation, 0);
	for (unsigned i = 1; i < team->started; i++)
		pthread_join(team->w[i].thread, NULL);
}

int pb_team_open(struct pb_team **out, const struct pb_pool_opts *opts, pb_team_body body,
		 void *ctx)
{
	struct pb_team *team;

	if (opts->workers < 1)
		return -EINVAL;
	if (posix_memalign((void **)&team, CACHE_LINE, sizeof(*team)))
		return -ENOMEM;
	memset(team, 0, sizeof(*team));
	team->workers = opts->workers;
	team->spin = opts->spin;
	team->body = body;
	team->ctx = ctx;
	if (posix_memalign((void **)&team->w, CACHE_LINE,
			   sizeof(*team->w) * opts->workers)) {
		free(team);
		return -ENOMEM;
	}
	memset(team->w, 0, sizeof(*team->w) * opts->workers);
	team->started = 1;
	for (unsigned i = 0; i < opts->workers; i++) {
		team->w[i].team = team;
		team->w[i].index = i;
		team->w[i].cpu = opts->cpus ? opts->cpus[i] : -1;
	}
	pb_affinity_save(&team->caller);
	int err = opts->cpus ? pb_bind_self(opts->cpus[0]) : 0;
	for (unsigned i = 1; !err && i < opts->workers; i++) {
		pthread_attr_t attr;
		if ((err = -pthread_attr_init(&attr)))
			break;
		if (team->w[i].cpu >= 0)
			err = pb_thread_attr_bind(&attr, team->w[i].cpu);
		if (!err)
			err = -pthread_create(&team->w[i].thread, &attr, worker_main,
					      &team->w[i]);
		pthread_attr_destroy(&attr);
		if (!err)
			team->started++;
	}
	if (err) {
		team_stop(team);
		pb_affinity_restore(&team->caller);
		free(team->w);
		free(team);
		return err;
	}
	*out = team;
	return 0;
}

int pb_team_run(struct pb_team *team, const struct pb_job *job,
		    struct pb_outcome *out)
{
	uint64_t total;

	team->job = job;
	team->out = out;
	atomic_store_explicit(&team->next, 0, memory_order_relaxed);
	atomic_store_explicit(&team->pending, team->workers - 1,
			      memory_order_relaxed);
	/* The generation bump releases the stores above to the workers. */
	atomic_fetch_add(&team->generation, 1);
	pb_wake_if_sleeping(&team->generation, &team->worker_sleepers, 0);

	pb_outcome_where(out, 0, 0);
	total = team->body(team->ctx, &team->next, job, team->workers, 0);
	pb_outcome_where(out, 0, 1);

	uint32_t left;
	while ((left = atomic_load(&team->pending)) != 0)
		pb_wait_change(&team->pending, left, &team->caller_sleeping,
			       team->spin, 0);
	for (unsigned i = 1; i < team->workers; i++)
		total += team->w[i].partial;
	out->result = total;
	return 0;
}

void pb_team_close(struct pb_team *team)
{
	if (!team)
		return;
	team_stop(team);
	pb_affinity_restore(&team->caller);
	free(team->w);
	free(team);
}
