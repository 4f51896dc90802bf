/*
 * What a run found, computed once from its folder (summary.csv, and
 * raw.csv where it is there) and handed to every reporter: the
 * end-of-sweep text, the HTML and Markdown report.  Who won each kernel
 * and size, where the host ran the CPUs (peer.h: one rule for every
 * reporter), how many pinned workers stayed on their CPU, and for each
 * cell where most of its repetitions ran.  Rows are summary.csv's.
 */
#ifndef PB_FINDINGS_H
#define PB_FINDINGS_H

#include <stddef.h>

#include "../model/identity.h"
#include "../placement/peer.h"
#include "../store/runfiles.h"

/* Fewer repetitions in a placement say nothing of it. */
#define PB_PLACEMENT_MIN_REPS 3

/* Whether the fastest cell of a kernel and size beat every other
 * runner's fastest by more than chance: the 95% bootstrap interval of
 * each time ratio (theirs over its) excludes 1. */
enum pb_verdict {
	PB_WIN_UNTESTED, /* no repetitions to test with (no raw.csv), or no rival */
	PB_WIN_CLEAR,    /* every other runner significantly slower */
	PB_WIN_TIE,      /* some runner within the interval: tied[] */
};

#define PB_MAX_TIED 8

/* One kernel and size. */
struct pb_group {
	size_t first;      /* its first row: it names the kernel and n */
	long best;         /* the lowest median of its verified cells; -1: none */
	long baseline;     /* the baseline runner's (seq) fastest cell; -1: none */
	long runner_up;    /* the best cell of any other runner; -1: none */
	enum pb_verdict verdict;
	double up_ratio, up_low, up_high; /* runner-up's time over best's, CI */
	long tied[PB_MAX_TIED];           /* other runners' fastest cells tied */
	size_t tied_count;
};

/* Where a cell's repetitions ran: by the probe before their round. */
struct pb_cell_where {
	enum pb_peer_placement mostly; /* shared or across; unknown: no probes */
	double median[2];  /* of its verified repetitions sharing a cache [0] or
			    * across caches [1]; NaN with fewer than
			    * PB_PLACEMENT_MIN_REPS of them */
	size_t reps[2];
};

struct pb_findings {
	const struct pb_run *run;
	int key[PB_KEY_COUNT];      /* summary.csv's key columns, -1: absent */
	int median, status;         /* its median_s and status columns */
	int pair_sd;                /* its pair_sd column, -1: an older run */
	struct pb_group *groups;
	size_t group_count;
	int several_pins;           /* cells ran under several --pin policies */
	unsigned allowed_cpus;      /* from the provenance, 0: unknown */

	/* The CPU-to-CPU latency sensor.  The one rule: the run saw two
	 * placements when at least two cells ran in each (a cell that saw
	 * both counts for both). */
	double lowest, highest;     /* over the cells; NaN: no sensor */
	size_t cells_at[PB_PEER_BOTH + 1]; /* cells by pb_peer_placement */
	int two_placements;
	size_t probes, probes_far;  /* cell-rounds in raw.csv and those across */
	double probe_median, probe_p5, probe_p95; /* ns, NaN: no raw.csv */

	unsigned long bind_checked, bind_ok, bind_cells; /* worker-repetitions */
	struct pb_cell_where *where; /* per summary row; NULL without raw.csv */
};

/* Returns 0, -EINVAL (summary.csv lacks a key column this needs) or
 * -ENOMEM; free with pb_findings_free. */
int pb_findings_compute(const struct pb_run *run, struct pb_findings *f);
void pb_findings_free(struct pb_findings *f);

/* A row that counts: verified (or from a run without status) and timed. */
int pb_findings_usable(const struct pb_findings *f, size_t row);

/* Where one probe of this run ran, against its lowest latency. */
enum pb_peer_placement pb_findings_probe(const struct pb_findings *f, double ns);

#endif
