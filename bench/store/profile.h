/*
 * A machine profile: how much whole runs of a sweep differ on one
 * machine (base/run_level.h), per class of cell, keyed by the machine it
 * was measured on.  key=value lines, written by parbench coverage
 * --save-profile and read by later sweeps (default: machine.profile in
 * the results folder).
 */
#ifndef PB_PROFILE_H
#define PB_PROFILE_H

#include <stddef.h>

#include "../base/run_level.h"
#include "../placement/host.h"

#define PB_PROFILE_NAME "machine.profile"
/* Runs a profile is measured from, at least: two runs' difference is one
 * draw, which cannot tell a machine's run level from chance. */
#define PB_PROFILE_LEAST_RUNS 3

/* "compute", "memory": by enum pb_level_class. */
extern const char *const pb_profile_class_names[PB_LEVEL_CLASSES];

struct pb_profile {
	struct pb_host host; /* the machine the runs were measured on */
	char date[64];       /* when it was written */
	unsigned runs;
	struct pb_run_level level[PB_LEVEL_CLASSES]; /* cells 0: not measured */
};

/* Writes p to path whole or not at all (through path.partial).  Returns
 * 0, or a negative errno with err saying why. */
int pb_profile_write(const char *path, const struct pb_profile *p, char *err, size_t len);

/* Reads path into p.  Returns 0; -ENOENT when there is none; -EINVAL
 * when it is not a profile or a value is nonsense (err says which), or
 * another negative errno (err says). */
int pb_profile_read(const char *path, struct pb_profile *p, char *err, size_t len);

/* 0 when p was measured on h (the same hostname, CPU model and CPU
 * count: another boot is the same machine); else -EINVAL, err naming
 * both machines. */
int pb_profile_matches(const struct pb_profile *p, const struct pb_host *h, char *err,
		       size_t len);

#endif
