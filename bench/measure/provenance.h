/* Where and how a run was measured, written beside its CSV files. */
#ifndef PB_PROVENANCE_H
#define PB_PROVENANCE_H

#include <stdio.h>

#include "../model/config.h"

/* Writes key=value lines, one per fact; unknown facts say "unknown". */
int pb_provenance_write(FILE *f, const char *run_id, const struct pb_config *cfg);

#endif
