#ifndef PB_AFFINITY_H
#define PB_AFFINITY_H

#include <pthread.h>

/* Binds the calling thread to one CPU; 0 or a negative errno. */
int pb_bind_self(int cpu);

/* Makes attr create its thread bound to one CPU, so that pthread_create
 * fails (and says why) where the binding would: 0 or a negative errno. */
int pb_thread_attr_bind(pthread_attr_t *attr, int cpu);

/* The calling thread's affinity, saved to be restored later. */
struct pb_affinity {
	unsigned long mask[16]; /* a cpu_set_t, kept opaque here */
	int valid;
};

void pb_affinity_save(struct pb_affinity *a);
/* Restores a saved affinity (nothing when it was not saved). */
void pb_affinity_restore(const struct pb_affinity *a);

/* Number of CPUs this process may run on (its affinity mask), >= 1. */
unsigned pb_allowed_cpus(void);

#endif
