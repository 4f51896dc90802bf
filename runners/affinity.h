#ifndef PB_AFFINITY_H
#define PB_AFFINITY_H

/* Binds the calling thread to one CPU; 0 or a negative errno. */
int pb_bind_self(int cpu);

/* Number of CPUs this process may run on (its affinity mask), >= 1. */
unsigned pb_allowed_cpus(void);

#endif
