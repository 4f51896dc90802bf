/*
 * How long the tasks doing a cell's work waited for a CPU in each
 * repetition: the run-queue wait Linux counts per task, the second field
 * of /proc/<pid>/task/<tid>/schedstat (time runnable but not running).
 * The tasks are every thread of this process (the driver, a pool's
 * workers, libgomp's team, an event loop's threads; idle ones, blocked,
 * wait for nothing) and the child processes a fork pool works in.  Their
 * files are opened once per round and read before and after every
 * repetition, outside its timed region.  Where /proc has no schedstat
 * (a kernel without CONFIG_SCHEDSTATS... or another OS), unknown.  MPI
 * ranks run elsewhere, under a launcher: unknown for them.
 */
#ifndef PB_QUEUED_H
#define PB_QUEUED_H

#include <stdint.h>

#define PB_QUEUED_MAX_TASKS 256

struct pb_queued {
	int fd[PB_QUEUED_MAX_TASKS];
	uint64_t before[PB_QUEUED_MAX_TASKS];
	unsigned count; /* 0: unknown */
};

/* Finds the tasks and opens their files; with none, q stays unknown. */
void pb_queued_open(struct pb_queued *q);

/* Before a repetition. */
void pb_queued_start(struct pb_queued *q);

/* After it: the longest any of the tasks waited for a CPU since
 * pb_queued_start, in seconds; NaN where unknown. */
double pb_queued_stop(struct pb_queued *q);

void pb_queued_close(struct pb_queued *q);

#endif
