/*
 * Claiming chunks of the index space from a shared counter: the dynamic
 * and guided schedules of the pools.  The counter may live in memory shared
 * between processes (lock-free 64-bit atomics work across MAP_SHARED).
 */
#ifndef PB_CHUNKS_H
#define PB_CHUNKS_H

#include <stdatomic.h>
#include <stdint.h>

#include "runner.h"

/* Claims the next chunk into [*begin, *end); returns 0 when none is left. */
static inline int pb_chunk_claim(_Atomic uint64_t *next, const struct pb_job *job,
				 unsigned workers, uint64_t *begin, uint64_t *end)
{
	uint64_t items = job->items, chunk = job->sched.chunk ? job->sched.chunk : 1;

	if (job->sched.kind == PB_SCHED_GUIDED) {
		/* As OpenMP's guided: remaining / workers, never below chunk. */
		uint64_t b = atomic_load_explicit(next, memory_order_relaxed);
		for (;;) {
			if (b >= items)
				return 0;
			uint64_t size = (items - b) / workers;
			if (size < chunk)
				size = chunk;
			uint64_t e = items - b < size ? items : b + size;
			if (atomic_compare_exchange_weak_explicit(
				    next, &b, e, memory_order_relaxed,
				    memory_order_relaxed)) {
				*begin = b;
				*end = e;
				return 1;
			}
		}
	}
	uint64_t b = atomic_fetch_add_explicit(next, chunk, memory_order_relaxed);
	if (b >= items)
		return 0;
	*begin = b;
	*end = items - b < chunk ? items : b + chunk;
	return 1;
}

/* Worker w's whole share of the job under its schedule. */
static inline uint64_t pb_share_run(_Atomic uint64_t *next, const struct pb_job *job,
				    unsigned workers, unsigned w)
{
	uint64_t b, e, s = 0;

	if (job->sched.kind == PB_SCHED_STATIC) {
		pb_block(job->items, workers, w, &b, &e);
		return pb_job_range(job, b, e);
	}
	while (pb_chunk_claim(next, job, workers, &b, &e))
		s += pb_job_range(job, b, e);
	return s;
}

#endif
