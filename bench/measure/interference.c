#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "../base/clock.h"
#include "interference.h"

#define PROBE_STEPS 100000 /* a dependent chain: about 0.1-0.3 ms */
#define PROBE_TRIES 3

void pb_machine_sample(struct pb_machine_sample *s)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");

	s->steal = s->total = NAN;
	if (f) {
		/* cpu user nice system idle iowait irq softirq steal ... */
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
			s->steal = (double)v[7];
			s->total = 0;
			for (int i = 0; i < 8; i++)
				s->total += (double)v[i];
		}
		fclose(f);
	}
	struct rusage u;
	s->invol = getrusage(RUSAGE_SELF, &u) == 0 ? u.ru_nivcsw : -1;
}

double pb_steal_pct(const struct pb_machine_sample *a, const struct pb_machine_sample *b)
{
	double total = b->total - a->total;
	if (!isfinite(total) || total <= 0)
		return NAN;
	return 100 * (b->steal - a->steal) / total;
}

long pb_invol_switches(const struct pb_machine_sample *a, const struct pb_machine_sample *b)
{
	return a->invol < 0 || b->invol < a->invol ? -1 : b->invol - a->invol;
}

/* The fixed work: a chain no compiler can shorten or vectorise. */
static double probe_here(void)
{
	double best = INFINITY;
	for (int t = 0; t < PROBE_TRIES; t++) {
		volatile uint64_t sink;
		uint64_t x = (uint64_t)t + 1;
		double t0 = pb_now();
		for (int i = 0; i < PROBE_STEPS; i++)
			x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		double took = pb_now() - t0;
		sink = x;
		(void)sink;
		if (took < best)
			best = took;
	}
	return best * 1e9;
}

double pb_probe_speed(const int *cpus, unsigned count)
{
	cpu_set_t was;
	int known = sched_getaffinity(0, sizeof(was), &was) == 0;
	double slowest = NAN;

	for (unsigned k = 0; k < (count ? count : 1); k++) {
		int cpu = count && cpus ? cpus[k] : -1;
		int seen = 0;
		for (unsigned j = 0; j < k && cpus; j++)
			seen |= cpus[j] == cpu;
		if (seen)
			continue;
		if (cpu >= 0 && known) {
			cpu_set_t one;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			if (sched_setaffinity(0, sizeof(one), &one) != 0)
				continue; /* not ours: unknown there */
		}
		double ns = probe_here();
		if (!(ns <= slowest))
			slowest = ns;
	}
	if (known)
		sched_setaffinity(0, sizeof(was), &was);
	return slowest;
}
