#include <stdlib.h>
/* Partitioning and scheduling helpers shared by every runner. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "runner.h"

static const char *const sched_names[PB_SCHED_COUNT] = {
	[PB_SCHED_STATIC] = "static",
	[PB_SCHED_DYNAMIC] = "dynamic",
	[PB_SCHED_GUIDED] = "guided",
};

const char *pb_sched_name(enum pb_sched_kind kind)
{
	return kind < PB_SCHED_COUNT ? sched_names[kind] : "none";
}

int pb_sched_parse(const char *name, enum pb_sched_kind *kind)
{
	for (int k = 0; k < PB_SCHED_COUNT; k++)
		if (strcmp(name, sched_names[k]) == 0) {
			*kind = (enum pb_sched_kind)k;
			return 0;
		}
	return -EINVAL;
}

uint64_t pb_default_chunk(uint64_t items, unsigned workers)
{
	uint64_t chunk = items / ((uint64_t)(workers ? workers : 1) * 256);
	return chunk ? chunk : 1;
}

void pb_block(uint64_t items, unsigned workers, unsigned w,
	      uint64_t *begin, uint64_t *end)
{
	/* 128-bit products: items * w must not overflow for huge spaces. */
	*begin = (uint64_t)((unsigned __int128)items * w / workers);
	*end = (uint64_t)((unsigned __int128)items * (w + 1) / workers);
}

uint64_t pb_job_range(const struct pb_job *job, uint64_t begin, uint64_t end)
{
	if (begin >= end)
		return 0;
	if (job->phase == PB_PHASE_INIT) {
		if (job->kernel->init) /* optional: a kernel without memory has none */
			job->kernel->init(job->mem, job->n, begin, end);
		return 0;
	}
	if (!job->kernel->waits)
		return job->kernel->run(job->mem, job->n, begin, end);
	uint64_t partial = 0;
	for (uint64_t i = begin; i < end; i++) {
		uint64_t start = pb_task_clock_ns(), due = start + job->wait_ns;
		struct timespec at = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
		/* An absolute deadline: a signal that interrupts the wait does
		 * not lengthen it.  No wait, no call (even a past deadline
		 * costs the timer slack). */
		while (job->wait_ns &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
			;
		partial += job->kernel->run(job->mem, job->n, i, i + 1);
		if (job->task_ns)
			job->task_ns[i] = pb_task_clock_ns() - start;
	}
	return partial;
}

uint64_t pb_task_clock_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void pb_outcome_reset(struct pb_outcome *out)
{
	out->result = 0;
	out->seconds = -1;
	out->comm_seconds = -1;
	out->why[0] = '\0';
}

void pb_outcome_where(struct pb_outcome *out, unsigned w, int at_end)
{
	int *slot = at_end ? out->cpu_end : out->cpu_start;
	if (slot)
		slot[w] = sched_getcpu();
	if (!at_end && out->cpu_bound) {
		cpu_set_t set;
		int bound = -1;
		if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) == 1)
			for (int c = 0; c < CPU_SETSIZE && bound < 0; c++)
				if (CPU_ISSET(c, &set))
					bound = c;
		out->cpu_bound[w] = bound;
	}
}

double pb_env_seconds(const char *name, double fallback)
{
	const char *s = getenv(name);
	char *end;
	if (!s || !*s)
		return fallback;
	double t = strtod(s, &end);
	return *end == '\0' && t > 0 && t < 1e9 ? t : -1;
}
