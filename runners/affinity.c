#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "affinity.h"

int pb_bind_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : -errno;
}

int pb_thread_attr_bind(pthread_attr_t *attr, int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_attr_setaffinity_np(attr, sizeof(set), &set);
}

unsigned pb_allowed_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

_Static_assert(sizeof(cpu_set_t) <= sizeof(((struct pb_affinity *)0)->mask),
	       "pb_affinity too small for cpu_set_t");

void pb_affinity_save(struct pb_affinity *a)
{
	a->valid = sched_getaffinity(0, sizeof(cpu_set_t), (cpu_set_t *)(void *)a->mask) == 0;
}

void pb_affinity_restore(const struct pb_affinity *a)
{
	if (a->valid)
		sched_setaffinity(0, sizeof(cpu_set_t), (const cpu_set_t *)(const void *)a->mask);
}
