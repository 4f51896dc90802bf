#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "../base/clock.h"
#include "peer.h"
#include "../base/stats.h"

#define BATCHES 7          /* the median drops a batch a preemption hit */
#define TRIPS_PER_BATCH 200
#define WARMUP_TRIPS 50
/* Spins before yielding: where both threads share one CPU after all (a
 * cgroup quota, say), the probe still ends, with a latency that says so. */
#define SPINS 100000

/* The line passed back and forth: the initiator writes a turn number, the
 * responder answers with its negation.  Alone on its cache line. */
struct line {
	_Alignas(64) atomic_long turn;
	char pad[64 - sizeof(atomic_long)];
};

struct responder {
	struct line *line;
	long trips;
};

static void wait_for(struct line *line, long turn)
{
	for (unsigned spins = 0;
	     atomic_load_explicit(&line->turn, memory_order_acquire) != turn;)
		if (++spins == SPINS) {
			sched_yield();
			spins = 0;
		}
}

static void *respond(void *arg)
{
	struct responder *r = arg;
	for (long t = 1; t <= r->trips; t++) {
		wait_for(r->line, t);
		atomic_store_explicit(&r->line->turn, -t, memory_order_release);
	}
	return NULL;
}

static int start_bound(pthread_t *t, int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_attr_init(&attr))
		return -ENOMEM;
	int e = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!e)
		e = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -e;
}

struct initiator {
	struct line *line;
	double batch_ns[BATCHES];
};

static void *initiate(void *arg)
{
	struct initiator *in = arg;
	long t = 0;

	for (int b = -1; b < BATCHES; b++) {
		int trips = b < 0 ? WARMUP_TRIPS : TRIPS_PER_BATCH;
		double t0 = pb_now();
		for (int i = 0; i < trips; i++) {
			t++;
			atomic_store_explicit(&in->line->turn, t, memory_order_release);
			wait_for(in->line, -t);
		}
		if (b >= 0)
			in->batch_ns[b] = (pb_now() - t0) * 1e9 / trips / 2;
	}
	return NULL;
}

void pb_peer_cpus(int cpus[2])
{
	cpu_set_t set;
	int found = 0;

	cpus[0] = cpus[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[found++] = c;
	if (found < 2)
		cpus[0] = cpus[1] = -1;
}

int pb_peer_latency(int cpu_a, int cpu_b, double *ns)
{
	if (cpu_a < 0 || cpu_b < 0 || cpu_a >= CPU_SETSIZE || cpu_b >= CPU_SETSIZE ||
	    cpu_a == cpu_b)
		return -EINVAL;
	struct line line;
	struct responder resp = {&line, WARMUP_TRIPS + (long)BATCHES * TRIPS_PER_BATCH};
	struct initiator in = {.line = &line};
	pthread_t a, b;

	atomic_store(&line.turn, 0);
	int e = start_bound(&b, cpu_b, respond, &resp);
	if (e)
		return e;
	if ((e = start_bound(&a, cpu_a, initiate, &in))) {
		/* Let the responder finish: play the initiator's part here. */
		in.line = &line;
		initiate(&in);
		pthread_join(b, NULL);
		return e;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	*ns = pb_median_inplace(in.batch_ns, BATCHES);
	return 0;
}
