#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/disturbed.h"
#include "../base/fail.h"
#include "../model/identity.h"
#include "cell.h"
#include "expected.h"
#include "resume.h"
#include "../store/csv.h"
#include "../store/rundir.h"
#include "../store/table.h"

int pb_resume_save_args(const char *dir, const struct pb_config *cfg)
{
	struct pb_outfile out;
	int err = pb_outfile_open(&out, dir, PB_ARGS_FILE);

	if (err)
		return err;
	for (int i = 0; i < cfg->argc; i++) {
		if (strchr(cfg->argv[i], '\n')) {
			pb_outfile_abandon(&out);
			return -EINVAL;
		}
		fprintf(out.f, "%s\n", cfg->argv[i]);
	}
	/* What the defaults resolved to here: the last --workers and --seed
	 * win when the file is parsed again. */
	fputs("--workers\n", out.f);
	for (size_t i = 0; i < cfg->worker_count; i++)
		fprintf(out.f, "%s%u", i ? "," : "", cfg->workers[i]);
	fprintf(out.f, "\n--seed\n%llu\n", (unsigned long long)cfg->seed);
	return pb_outfile_commit(&out);
}

int pb_resume_load_args(const char *dir, struct pb_resume_args *a)
{
	char path[PB_PATH_MAX];
	int err;

	memset(a, 0, sizeof(*a));
	if (snprintf(path, sizeof(path), "%s/%s", dir, PB_ARGS_FILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (!(a->text = pb_file_read(path, &err)))
		return err;
	size_t lines = 0;
	for (const char *p = a->text; *p; p++)
		lines += *p == '\n';
	if (!(a->argv = calloc(lines + 2, sizeof(*a->argv)))) {
		pb_resume_args_free(a);
		return -ENOMEM;
	}
	for (char *p = a->text, *nl; *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			break; /* a last line without newline was cut short */
		*nl = '\0';
		a->argv[a->argc++] = p;
	}
	if (a->argc == 0) {
		pb_resume_args_free(a);
		return -EINVAL;
	}
	return 0;
}

void pb_resume_args_free(struct pb_resume_args *a)
{
	free(a->argv);
	free(a->text);
	memset(a, 0, sizeof(*a));
}

static double field_number(const char *s)
{
	return *s ? strtod(s, NULL) : NAN;
}

/* The stop reasons cell.c uses, as the same static strings. */
static const char *stop_reason(const char *s)
{
	static const char *const reasons[] = {"ci", "budget", "max", "failed", "unknown"};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(s, reasons[i]) == 0)
			return reasons[i];
	return "failed";
}

/* Index in results[0..count) of the cell with this key, or -1. */
static long find_done(const struct pb_sweep *sw, const char *key)
{
	char k[512];
	for (size_t i = 0; i < sw->done; i++) {
		pb_cell_key(&sw->results[i].cell, k, sizeof(k));
		if (strcmp(k, key) == 0)
			return (long)i;
	}
	return -1;
}

/* Moves the plan cell with this key to position sw->done. */
static int take_cell(struct pb_sweep *sw, const char *key)
{
	char k[512];
	for (size_t i = sw->done; i < sw->plan.count; i++) {
		pb_cell_key(&sw->plan.cells[i], k, sizeof(k));
		if (strcmp(k, key) == 0) {
			struct pb_cell c = sw->plan.cells[i];
			memmove(&sw->plan.cells[sw->done + 1], &sw->plan.cells[sw->done],
				(i - sw->done) * sizeof(c));
			sw->plan.cells[sw->done] = c;
			return 0;
		}
	}
	return -ENOENT;
}

/* The result of the plan cell just taken (take_cell), as far as it is
 * known before its rows are read. */
static struct pb_cell_result *begin_cell(struct pb_sweep *sw, int oversubscribed)
{
	struct pb_cell_result *r = &sw->results[sw->done++];
	memset(r, 0, sizeof(*r));
	r->cell = sw->plan.cells[sw->done - 1];
	/* As it was where it ran, not as it would be here. */
	r->cell.oversubscribed = oversubscribed;
	const char *why = "";
	if (pb_expected_of(sw->expected, &r->cell, &r->expected, &why))
		r->expected = 0; /* its rounds to come fail, as the cell did */
	r->speedup = r->speedup_ci_low = r->speedup_ci_high = NAN;
	r->efficiency = r->karp_flatt = r->weak_efficiency = NAN;
	r->gbps = r->gbps_reference = r->gbps_ratio = NAN;
	r->ci_low = r->ci_high = r->comm_median_s = NAN;
	r->own_ci_low = r->own_ci_high = NAN;
	r->startup_s = r->init_s = NAN;
	snprintf(r->pin, sizeof(r->pin), "%s", pb_cell_pin_name(&r->cell));
	snprintf(r->status, sizeof(r->status), "ok");
	return r;
}

/*
 * Whether a cell that failed with this status runs again on --resume: one
 * the machine failed (a runner's error, a launcher that did not start, a
 * lost node, a timeout, memory) may pass in the next job; a wrong result
 * is the code's and stays, as do cells failed before a kill, whose reason
 * is unknown.
 */
static int retried_status(const char *status)
{
	static const char *const machine[] = {"failed:", "open-failed:", "init-failed:",
					      "out-of-memory"};
	for (size_t i = 0; i < sizeof(machine) / sizeof(machine[0]); i++)
		if (strncmp(status, machine[i], strlen(machine[i])) == 0)
			return 1;
	return 0;
}

/* A row's key fields as raw.csv's rows start with them (store/csv.c):
 * "run_id,kernel,...,inflight,".  0, or -ENAMETOOLONG. */
static int row_prefix(char **row, char *buf, size_t len)
{
	size_t used = 0;
	for (int k = 0; k < PB_CSV_KEY_FIELDS; k++) {
		int n = snprintf(buf + used, len - used, "%s,", row[k]);
		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	return 0;
}

/* Keeps the start of the raw rows of a cell run again, from its row of
 * summary.csv (whose key fields come first, in the same order). */
static int keep_retried(struct pb_sweep *sw, char **row)
{
	char prefix[512];
	if (row_prefix(row, prefix, sizeof(prefix)))
		return -ENAMETOOLONG;
	char **grown = realloc(sw->retried, (sw->retried_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	sw->retried = grown;
	if (!(sw->retried[sw->retried_count] = strdup(prefix)))
		return -ENOMEM;
	sw->retried_count++;
	return 0;
}

/* Whether a raw row belongs to a cell run again. */
static int is_retried(const struct pb_sweep *sw, char **row)
{
	char prefix[512];
	if (!sw->retried_count || row_prefix(row, prefix, sizeof(prefix)))
		return 0;
	for (size_t i = 0; i < sw->retried_count; i++)
		if (strcmp(sw->retried[i], prefix) == 0)
			return 1;
	return 0;
}

static int load_summary(struct pb_sweep *sw, const struct pb_table *t, char *err,
			size_t len)
{
	int col[PB_KEY_COUNT];
	int c_stop = pb_table_column(t, "stop"), c_status = pb_table_column(t, "status");
	int c_startup = pb_table_column(t, "startup_s"), c_init = pb_table_column(t, "init_s");
	int c_over = pb_table_column(t, "oversubscribed");
	int c_rounds = pb_table_column(t, "rounds");
	int c_extra = pb_table_column(t, "extra_rounds");
	int c_checked = pb_table_column(t, "binding_checked"),
	    c_bound_ok = pb_table_column(t, "binding_ok");
	char key[512];

	if (pb_table_key_columns(t, col) || c_stop < 0 || c_status < 0 || c_startup < 0 || c_init < 0 ||
	    c_over < 0 || c_rounds < 0)
		return pb_fail(err, len, -EINVAL, "%s/summary.csv lacks columns this version writes "
			    "(an older parbench wrote it: start the sweep again)", sw->dir);
	for (size_t i = 0; i < t->row_count; i++) {
		char **row = t->rows[i];
		pb_row_key(row, col, key, sizeof(key));
		if (find_done(sw, key) >= 0)
			return pb_fail(err, len, -EINVAL, "%s/summary.csv holds cell %s twice", sw->dir, key);
		if (take_cell(sw, key))
			return pb_fail(err, len, -EINVAL, "cell %s of %s/summary.csv is not in the recorded "
				    "sweep", key, sw->dir);
		if (retried_status(row[c_status])) {
			/* Left in the plan, to run from its first round. */
			int e = keep_retried(sw, row);
			if (e == -ENOMEM)
				return pb_fail(err, len, e, "out of memory");
			if (e)
				return pb_fail(err, len, e, "%s/summary.csv: a cell's key is too long",
					       sw->dir);
			continue;
		}
		struct pb_cell_result *r = begin_cell(sw, strcmp(row[c_over], "1") == 0);
		r->startup_s = field_number(row[c_startup]);
		r->init_s = field_number(row[c_init]);
		r->stop = stop_reason(row[c_stop]);
		r->rounds = (unsigned)strtoul(row[c_rounds], NULL, 10);
		if (c_extra >= 0)
			r->extra_rounds = (unsigned)strtoul(row[c_extra], NULL, 10);
		if (c_checked >= 0 && c_bound_ok >= 0) {
			r->binding_checked = (unsigned)strtoul(row[c_checked], NULL, 10);
			r->binding_ok = (unsigned)strtoul(row[c_bound_ok], NULL, 10);
		}
		snprintf(r->status, sizeof(r->status), "%s", row[c_status]);
		r->failed = strcmp(r->status, "ok") != 0;
		sw->failed += r->failed != 0;
	}
	return 0;
}

static int load_raw(struct pb_sweep *sw, const struct pb_table *t, char *err, size_t len)
{
	int col[PB_KEY_COUNT];
	int c_sec = pb_table_column(t, "seconds"), c_comm = pb_table_column(t, "comm_seconds");
	int c_res = pb_table_column(t, "result"), c_ok = pb_table_column(t, "ok");
	int c_round = pb_table_column(t, "round"), c_peer = pb_table_column(t, "peer_ns");
	int c_nodes = pb_table_column(t, "nodes"); /* not in older runs */
	int c_steal = pb_table_column(t, "steal_pct"), c_probe = pb_table_column(t, "probe_ns"),
	    c_invol = pb_table_column(t, "invol_switches"),
	    c_disturbed = pb_table_column(t, "disturbed");
	/* Not in older runs: their repetitions all counted. */
	int c_queued = pb_table_column(t, "queued_s");
	unsigned *cap = calloc(sw->done + 1, sizeof(*cap));
	char key[512];
	int rc = 0;

	if (!cap)
		return pb_fail(err, len, -ENOMEM, "out of memory");
	if (pb_table_key_columns(t, col) || c_sec < 0 || c_comm < 0 || c_res < 0 || c_ok < 0 ||
	    c_round < 0 || c_peer < 0)
		rc = pb_fail(err, len, -EINVAL, "%s/raw.csv lacks columns this version writes", sw->dir);
	for (size_t i = 0; !rc && i < t->row_count; i++) {
		char **row = t->rows[i];
		if (is_retried(sw, row))
			continue;
		pb_row_key(row, col, key, sizeof(key));
		long at = find_done(sw, key);
		if (at < 0) {
			rc = pb_fail(err, len, -EINVAL, "%s/raw.csv has rows of cell %s, which summary.csv "
				  "lacks", sw->dir, key);
			break;
		}
		struct pb_cell_result *r = &sw->results[at];
		if (r->rep_count == cap[at]) {
			unsigned grown = cap[at] ? cap[at] * 2 : 16;
			struct pb_rep *p = realloc(r->reps, grown * sizeof(*p));
			if (!p) {
				rc = pb_fail(err, len, -ENOMEM, "out of memory");
				break;
			}
			r->reps = p;
			cap[at] = grown;
		}
		struct pb_rep *rep = &r->reps[r->rep_count++];
		rep->seconds = field_number(row[c_sec]);
		rep->comm_seconds = *row[c_comm] ? strtod(row[c_comm], NULL) : -1;
		rep->result = strtoull(row[c_res], NULL, 10);
		rep->ok = strcmp(row[c_ok], "1") == 0;
		rep->round = (unsigned)strtoul(row[c_round], NULL, 10);
		rep->peer_ns = field_number(row[c_peer]);
		rep->steal_pct = c_steal >= 0 ? field_number(row[c_steal]) : NAN;
		rep->probe_ns = c_probe >= 0 ? field_number(row[c_probe]) : NAN;
		rep->invol = c_invol >= 0 && *row[c_invol] ? strtol(row[c_invol], NULL, 10) : -1;
		rep->disturbed = c_disturbed >= 0 && strcmp(row[c_disturbed], "1") == 0;
		rep->queued_s = c_queued >= 0 ? field_number(row[c_queued]) : NAN;
		/* By the rule the sweep judged it by (base/disturbed.h). */
		rep->queued = pb_rep_waited(rep->queued_s, rep->seconds);
		r->ok_count += rep->ok;
		if (c_nodes >= 0 && *row[c_nodes] && !r->nodes && !(r->nodes = strdup(row[c_nodes]))) {
			rc = pb_fail(err, len, -ENOMEM, "out of memory");
			break;
		}
	}
	free(cap);
	return rc;
}

/*
 * The cells of a run killed before it wrote summary.csv, from raw.csv
 * alone: each cell with rows is done for the rounds it has rows of (a
 * round's rows are written together, after it).  What only summary.csv
 * said is lost: the start-up and initialisation times (empty) and why
 * repetitions stopped ("unknown"); a cell with a repetition that failed
 * is failed.
 */
static int cells_from_raw(struct pb_sweep *sw, const struct pb_table *t, char *err, size_t len)
{
	int col[PB_KEY_COUNT], c_over = pb_table_column(t, "oversubscribed");
	char key[512];

	if (pb_table_key_columns(t, col) || c_over < 0)
		return pb_fail(err, len, -EINVAL, "%s/raw.csv lacks columns this version writes",
			       sw->dir);
	for (size_t i = 0; i < t->row_count; i++) {
		char **row = t->rows[i];
		pb_row_key(row, col, key, sizeof(key));
		if (find_done(sw, key) >= 0)
			continue;
		if (take_cell(sw, key))
			return pb_fail(err, len, -EINVAL, "cell %s of %s/raw.csv is not in the "
				       "recorded sweep", key, sw->dir);
		struct pb_cell_result *r = begin_cell(sw, strcmp(row[c_over], "1") == 0);
		r->stop = "unknown";
	}
	return 0;
}

/* What the rows of the cells cells_from_raw made say of them. */
static void settle_from_raw(struct pb_sweep *sw)
{
	for (size_t i = 0; i < sw->done; i++) {
		struct pb_cell_result *r = &sw->results[i];
		unsigned last = 0;
		for (unsigned k = 0; k < r->rep_count; k++)
			if (r->reps[k].round + 1 > last)
				last = r->reps[k].round + 1;
		r->rounds = last;
		if (r->ok_count < r->rep_count) {
			r->failed = 1;
			r->stop = "failed";
			snprintf(r->status, sizeof(r->status), "failed-before-the-kill");
			sw->failed++;
		}
	}
}

static int by_position(const void *a, const void *b)
{
	size_t x = ((const struct pb_cell *)a)->position, y = ((const struct pb_cell *)b)->position;
	return (x > y) - (x < y);
}

static int result_by_position(const void *a, const void *b)
{
	return by_position(&((const struct pb_cell_result *)a)->cell,
			   &((const struct pb_cell_result *)b)->cell);
}

/* The finished cells came in summary.csv's order; their missing rounds
 * run in the sweep's shuffled order, as they would have. */
static void in_sweep_order(struct pb_sweep *sw)
{
	qsort(sw->results, sw->done, sizeof(*sw->results), result_by_position);
	qsort(sw->plan.cells, sw->done, sizeof(*sw->plan.cells), by_position);
}

int pb_resume_load(struct pb_sweep *sw, char *err, size_t len)
{
	char path[PB_PATH_MAX];
	struct pb_table summary, raw;
	int e;

	snprintf(path, sizeof(path), "%s/summary.csv", sw->dir);
	int killed = (e = pb_table_load(path, &summary)) == -ENOENT;
	if (e && !killed)
		return pb_fail(err, len, -EINVAL, "cannot resume from %s: %s", path, strerror(-e));
	snprintf(path, sizeof(path), "%s/raw.csv", sw->dir);
	/* Killed before summary.csv: after raw.csv was committed, or while
	 * its rows were still going to raw.csv.partial, which then holds at
	 * least what raw.csv does (salvage never takes fewer lines). */
	if (killed) {
		e = pb_outfile_salvage(sw->dir, "raw.csv");
		if (e && e != -ENOENT && e != -ENODATA)
			return pb_fail(err, len, e, "cannot resume from %s: %s", sw->dir,
				       strerror(-e));
		if (access(path, F_OK) != 0)
			return 0; /* nothing was measured: the whole sweep runs */
	}
	if ((e = pb_table_load(path, &raw))) {
		if (!killed)
			pb_table_free(&summary);
		return pb_fail(err, len, -EINVAL, "cannot resume from %s: %s", path, strerror(-e));
	}
	int rc = killed ? cells_from_raw(sw, &raw, err, len) : load_summary(sw, &summary, err, len);
	if (!rc)
		rc = load_raw(sw, &raw, err, len);
	if (!rc && killed)
		settle_from_raw(sw);
	if (!rc)
		in_sweep_order(sw);
	for (size_t i = 0; i < sw->done; i++)
		pb_cell_summarise(&sw->results[i]);
	if (!killed)
		pb_table_free(&summary);
	pb_table_free(&raw);
	return rc;
}

int pb_resume_provenance_name(const char *dir, char *name, size_t len)
{
	char path[PB_PATH_MAX];

	for (int i = 1; i < 1000; i++) {
		snprintf(name, len, "provenance-resume%d.txt", i);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (access(path, F_OK) != 0)
			return errno == ENOENT ? 0 : -errno;
	}
	return -EEXIST;
}
