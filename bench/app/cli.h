/* Command-line parsing: argv to a pb_config, or a one-line error. */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "../model/config.h"

enum pb_cli_action {
	PB_CLI_SWEEP,
	PB_CLI_HELP,
	PB_CLI_LIST,
	PB_CLI_PLOT, /* parbench plot RUN_DIR: render an existing run */
	PB_CLI_COMPARE, /* parbench compare A B: two runs side by side */
	PB_CLI_RESUME, /* parbench --resume RUN_DIR: finish a stopped sweep */
	PB_CLI_MERGE, /* parbench merge OUT RUN_DIR...: one run of several */
	PB_CLI_COVERAGE, /* parbench coverage RUN_DIR...: CIs against reruns */
	PB_CLI_NOISE,    /* parbench noise RUN_DIR: how repetitions vary over time */
};

struct pb_cli {
	enum pb_cli_action action;
	struct pb_config cfg;
	const char *plot_run; /* for PB_CLI_PLOT and PB_CLI_NOISE */
	const char *compare_a, *compare_b; /* for PB_CLI_COMPARE */
	int fail_if_slower; /* compare exits 4 where a cell is significantly slower */
	const char *resume_run; /* for PB_CLI_RESUME */
	const char *merge_out; /* for PB_CLI_MERGE */
	char **merge_runs;     /* also the runs of PB_CLI_COVERAGE */
	const char *save_profile; /* coverage --save-profile FILE, or NULL */
	size_t merge_count;
	char note[160]; /* a sweep's options that shape no cell, or "" */
};

/*
 * Fills cli from argv.  Returns 0, or -EINVAL with a one-line message (no
 * newline) in err.  Never prints and never exits.
 */
int pb_cli_parse(int argc, char **argv, struct pb_cli *cli, char *err,
		 size_t errlen);

void pb_cli_usage(FILE *out);
void pb_cli_list(FILE *out);

#endif
