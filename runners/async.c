/*
 * async: one event loop per worker (team.c's threads, the caller worker 0),
 * each keeping up to job->inflight tasks waiting at once.  A task is a
 * small state machine: started (its wait begins), waiting (a deadline in
 * the loop's queue), computing (the kernel's run over its one item), done
 * (its latency recorded, its slot given to the next task).  The loop
 * sleeps in epoll_wait on a timerfd armed for the earliest deadline, as
 * libuv's timer phase does.  Every task waits the same time, so deadlines
 * come due in the order tasks started: a ring is the queue (a heap would
 * be needed only for waits of different lengths).
 *
 * Items are claimed from the job's schedule: a static block per worker, or
 * dynamic chunks from a shared counter, each item a task of its own.  A
 * kernel that does not wait runs as tasks too, each block or chunk one
 * task, with nothing to overlap: the comparison shows the loop gains
 * nothing there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "chunks.h"
#include "memory.h"
#include "runner.h"
#include "team.h"

struct task {
	uint64_t item, start_ns;
};

struct loop {
	int epoll, timer;
	struct task *ring;
	unsigned cap;
};

/* About what a timerfd wake-up costs on a VM (tens of microseconds). */
#define SPIN_NS 20000

struct pb_pool {
	struct pb_team *team;
	struct loop *loops;
	unsigned workers;
	int spin; /* every worker has a CPU of its own */
};

/* Where worker w's next items come from: its static block, or chunks. */
struct source {
	uint64_t begin, end; /* items in hand, not yet started */
	int fixed;           /* static: the block is all there is */
};

static int next_item(struct source *src, _Atomic uint64_t *next, const struct pb_job *job,
		     unsigned workers, uint64_t *item)
{
	if (src->begin == src->end &&
	    (src->fixed || !pb_chunk_claim(next, job, workers, &src->begin, &src->end)))
		return 0;
	*item = src->begin++;
	return 1;
}

/* Sleeps until the deadline, on the loop's timerfd; 0 or -errno. */
static int wait_until(struct loop *l, uint64_t due_ns)
{
	struct itimerspec at = {.it_value = {(time_t)(due_ns / 1000000000u),
					     (long)(due_ns % 1000000000u)}};
	if (timerfd_settime(l->timer, TFD_TIMER_ABSTIME, &at, NULL))
		return -errno;
	struct epoll_event ev;
	int n;
	while ((n = epoll_wait(l->epoll, &ev, 1, -1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	uint64_t expirations;
	if (read(l->timer, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

static uint64_t run_loop(void *ctx, _Atomic uint64_t *next, const struct pb_job *job,
			 unsigned workers, unsigned w)
{
	struct pb_pool *pool = ctx;
	struct loop *l = &pool->loops[w];
	struct source src = {0};
	uint64_t partial = 0;

	if (job->phase == PB_PHASE_INIT || job->sched.kind == PB_SCHED_STATIC) {
		pb_block(job->items, workers, w, &src.begin, &src.end);
		src.fixed = 1;
	}
	if (job->phase == PB_PHASE_INIT)
		return pb_job_range(job, src.begin, src.end);
	if (!job->kernel->waits) /* each block or chunk one task: nothing waits */
		return pb_share_run(next, job, workers, w);
	unsigned cap = job->inflight ? job->inflight : 1, head = 0, count = 0;
	if (cap > l->cap)
		cap = l->cap; /* async_run grew every ring to job->inflight */
	for (;;) {
		uint64_t item;
		/* Start tasks until the loop holds as many as it may. */
		while (count < cap && next_item(&src, next, job, workers, &item)) {
			l->ring[(head + count) % cap] = (struct task){item, pb_task_clock_ns()};
			count++;
		}
		if (count == 0)
			return partial;
		struct task *t = &l->ring[head];
		uint64_t due = t->start_ns + job->wait_ns, now = pb_task_clock_ns();
		/* A deadline sooner than a wake-up takes is met by watching the
		 * clock, when the worker has its CPU to itself: sleeping would
		 * make the next task late by the wake-up, each wave again. */
		if (pool->spin && due > now && due - now < SPIN_NS)
			while (pb_task_clock_ns() < due)
				;
		else if (due > now && wait_until(l, due))
			return partial; /* no timer: the result is short, and says so */
		/* Every task whose wait is over computes and is done, and its
		 * slot starts the next task at once: refilling only after the
		 * whole batch would hold every new wait back by the batch. */
		now = pb_task_clock_ns();
		while (count && l->ring[head].start_ns + job->wait_ns <= now) {
			t = &l->ring[head];
			partial += job->kernel->run(job->mem, job->n, t->item, t->item + 1);
			uint64_t done = pb_task_clock_ns();
			if (job->task_ns)
				job->task_ns[t->item] = done - t->start_ns;
			head = (head + 1) % cap;
			count--;
			if (next_item(&src, next, job, workers, &item)) {
				l->ring[(head + count) % cap] = (struct task){item, done};
				count++;
			}
		}
	}
}

static void loops_free(struct pb_pool *pool)
{
	for (unsigned w = 0; pool->loops && w < pool->workers; w++) {
		struct loop *l = &pool->loops[w];
		if (l->timer >= 0)
			close(l->timer);
		if (l->epoll >= 0)
			close(l->epoll);
		free(l->ring);
	}
	free(pool->loops);
}

static int loop_open(struct loop *l)
{
	l->epoll = epoll_create1(EPOLL_CLOEXEC);
	l->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epoll < 0 || l->timer < 0)
		return -errno;
	struct epoll_event ev = {.events = EPOLLIN};
	return epoll_ctl(l->epoll, EPOLL_CTL_ADD, l->timer, &ev) ? -errno : 0;
}

static int async_open(struct pb_pool **out, const struct pb_pool_opts *opts)
{
	if (opts->workers < 1)
		return -EINVAL;
	struct pb_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->workers = opts->workers;
	pool->spin = opts->spin;
	pool->loops = calloc(opts->workers, sizeof(*pool->loops));
	int err = pool->loops ? 0 : -ENOMEM;
	for (unsigned w = 0; pool->loops && w < opts->workers; w++)
		pool->loops[w].epoll = pool->loops[w].timer = -1;
	for (unsigned w = 0; !err && w < opts->workers; w++)
		err = loop_open(&pool->loops[w]);
	if (!err)
		err = pb_team_open(&pool->team, opts, run_loop, pool);
	if (err) {
		if (opts->why)
			snprintf(opts->why, opts->why_len, "%s", "no-epoll-timerfd");
		loops_free(pool);
		free(pool);
		return err;
	}
	*out = pool;
	return 0;
}

static int async_run(struct pb_pool *pool, const struct pb_job *job, struct pb_outcome *out)
{
	unsigned want = job->inflight ? job->inflight : 1;
	/* The rings grow before dispatch, outside any worker's loop. */
	for (unsigned w = 0; w < pool->workers; w++) {
		struct loop *l = &pool->loops[w];
		if (l->cap >= want)
			continue;
		struct task *ring = realloc(l->ring, want * sizeof(*ring));
		if (!ring)
			return -ENOMEM;
		l->ring = ring;
		l->cap = want;
	}
	return pb_team_run(pool->team, job, out);
}

static void async_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	pb_team_close(pool->team);
	loops_free(pool);
	free(pool);
}

/* Whether this kernel gives epoll and timerfd (a seccomp profile may not). */
static int async_available(char *why, size_t len)
{
	struct loop l = {-1, -1, NULL, 0};
	int err = loop_open(&l);
	if (l.timer >= 0)
		close(l.timer);
	if (l.epoll >= 0)
		close(l.epoll);
	if (err)
		snprintf(why, len, "epoll with timerfd is not available here: %s", strerror(-err));
	return err ? -ENOSYS : 0;
}

const struct pb_runner pb_runner_async = {
	.name = "async",
	.summary = "event loop per worker: --inflight waits at once on epoll + timerfd",
	.schedules = PB_SCHED_BIT(PB_SCHED_STATIC) | PB_SCHED_BIT(PB_SCHED_DYNAMIC),
	.overlaps = 1,
	.open = async_open,
	.alloc = pb_private_alloc,
	.free = pb_private_free,
	.run = async_run,
	.close = async_close,
	.available = async_available,
};
