#ifndef PB_CLOCK_H
#define PB_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC: the one clock every runner is timed with. */
static inline double pb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
