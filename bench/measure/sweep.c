#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "expected.h"
#include "../base/clock.h"
#include "../store/csv.h"
#include "../store/rundir.h"
#include "../base/fail.h"
#include "../base/testhook.h"
#include "../placement/peer.h"
#include "nodes.h"
#include "provenance.h"
#include "resume.h"
#include "../base/stats.h"
#include "stop.h"
#include "sweep.h"

/* Extra cell-rounds a sweep may run by default: one per this many planned
 * (a tenth), so the sweep's length stays within a tenth of its plan. */
#define PB_EXTRA_SHARE 10

/* Refuse sizes whose memory would not fit: a clear error beats the OOM
 * killer halfway through a sweep. */
#define MAX_MEMORY_FRACTION 0.75

static int check_memory(const struct pb_plan *plan, char *err, size_t len)
{
	double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < plan->count; i++) {
		const struct pb_cell *c = &plan->cells[i];
		double bytes = (double)pb_kernel_bytes(c->kernel, c->n);
		if (phys > 0 && bytes > MAX_MEMORY_FRACTION * phys)
			return pb_fail(err, len, -EINVAL, "--size %s=%llu needs %.1f GiB, more than %.0f%% of "
				    "this machine's %.1f GiB", c->kernel->name,
				    (unsigned long long)c->n, bytes / (1 << 30),
				    MAX_MEMORY_FRACTION * 100, phys / (1 << 30));
	}
	return 0;
}

const struct pb_cell_result *pb_sweep_baseline(const struct pb_sweep *sw,
					       const struct pb_cell *cell)
{
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell *c = &sw->results[i].cell;
		if (!c->has_schedule && c->runner->baseline &&
		    c->kernel == cell->kernel && c->n == cell->n && c->pin == cell->pin &&
		    c->latency_us == cell->latency_us)
			return &sw->results[i];
	}
	return NULL;
}

struct pb_measure pb_sweep_measure(const struct pb_config *cfg)
{
	struct pb_measure m = {
		.warmup = cfg->warmup,
		.min_reps = cfg->reps,
		.max_reps = cfg->max_reps,
		.target_ci = cfg->target_ci,
		.budget_s = cfg->cell_budget,
		.rounds = cfg->rounds,
		.allowed_cpus = cfg->allowed_cpus,
		.topology = cfg->topology,
	};
	pb_peer_cpus(m.peer_cpus);
	return m;
}

/* Fisher-Yates with the run's seed: drift and heat then favour no runner,
 * and the order can be replayed with --seed. */
static void shuffle(struct pb_plan *plan, uint64_t seed)
{
	uint64_t rng = seed;
	for (size_t i = plan->count; i > 1; i--) {
		size_t j = (size_t)(pb_random_next(&rng) % i);
		struct pb_cell t = plan->cells[i - 1];
		plan->cells[i - 1] = plan->cells[j];
		plan->cells[j] = t;
	}
}

static int by_plan_order(const void *a, const void *b)
{
	size_t x = ((const struct pb_cell_result *)a)->cell.order;
	size_t y = ((const struct pb_cell_result *)b)->cell.order;
	return (x > y) - (x < y);
}

static void log_cell(FILE *log, size_t i, size_t count, const struct pb_cell_result *r,
		     const struct pb_cell_result *base)
{
	const struct pb_cell *c = &r->cell;
	char sched[48];

	if (!log)
		return;
	if (c->has_schedule && c->sched.chunk)
		snprintf(sched, sizeof(sched), "%s:%llu", pb_cell_schedule_name(c),
			 (unsigned long long)c->sched.chunk);
	else
		snprintf(sched, sizeof(sched), "%s", pb_cell_schedule_name(c));
	fprintf(log, "[%3zu/%zu] %-9s n=%-10llu %-8s %-14s w=%-3u", i + 1, count,
		c->kernel->name, (unsigned long long)c->n, c->runner->name, sched,
		c->workers);
	if (r->stats.count) {
		fprintf(log, " median %9.6f s +-%4.1f%% (%2u reps, %s)", r->stats.median,
			100 * pb_relative_half_width(r->stats.median, r->ci_low, r->ci_high),
			r->rep_count, r->stop);
		if (base && base->stats.count)
			fprintf(log, "  speedup %5.2f", base->stats.median / r->stats.median);
		if (isfinite(r->gbps))
			fprintf(log, "  %6.2f GB/s", r->gbps);
	}
	unsigned nodes = pb_nodes_count(r->nodes);
	if (isfinite(r->comm_median_s) && nodes > 1)
		fprintf(log, "  comm %.6f s", r->comm_median_s);
	fprintf(log, "  %s%s", r->status, c->oversubscribed ? " (oversubscribed)" : "");
	if (nodes > 1)
		fprintf(log, " (%u nodes)", nodes);
	fputc('\n', log);
	fflush(log);
	pb_test_stop_point("cell-logged");
}

/* Where the sweep is: cell-round `unit` of `todo` (the ETA's basis), which
 * is cell i+1 of `count` in round `round` of `rounds`. */
struct position {
	size_t unit, todo, i, count;
	unsigned round, rounds;
};

static void progress(const struct pb_config *cfg, const struct position *p, double t0)
{
	if (!cfg->progress)
		return;
	double elapsed = pb_now() - t0;
	double eta = p->unit ? elapsed / (double)p->unit * (double)(p->todo - p->unit) : NAN;
	if (p->unit == p->todo) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		return;
	}
	fprintf(stderr, "\r\033[Kcell %zu of %zu", p->i + 1, p->count);
	if (p->round >= p->rounds)
		fprintf(stderr, " (extra round %u)", p->round + 1 - p->rounds);
	else if (p->rounds > 1)
		fprintf(stderr, " (round %u of %u)", p->round + 1, p->rounds);
	if (isfinite(eta))
		fprintf(stderr, ", %.0f s elapsed, about %.0f s left", elapsed, eta);
	fflush(stderr);
}

int pb_sweep_write_summary(const struct pb_sweep *sw)
{
	struct pb_outfile out;
	int err = pb_outfile_open(&out, sw->dir, "summary.csv");

	if (err)
		return err;
	pb_csv_summary_header(out.f);
	for (size_t i = 0; i < sw->done; i++)
		pb_csv_summary_row(out.f, sw->run_id, &sw->results[i]);
	return pb_outfile_commit(&out);
}

/* Errors of a disk that is full or failing, not of the user's folder. */
static int full_disk(int e)
{
	return e == -ENOSPC || e == -EDQUOT || e == -EIO;
}

static int write_provenance(const struct pb_sweep *sw, const struct pb_config *cfg,
			    char *name, size_t len)
{
	struct pb_outfile out;
	int err = 0;

	/* A resumed run keeps the first provenance and adds its own. */
	snprintf(name, len, "provenance.txt");
	if (cfg->resume)
		err = pb_resume_provenance_name(sw->dir, name, len);
	if (err || (err = pb_outfile_open(&out, sw->dir, name)))
		return err;
	pb_provenance_write(out.f, sw->run_id, cfg);
	return pb_outfile_commit(&out);
}

/* Cell-rounds still to run (cells taken from a stopped run may lack some). */
static size_t rounds_to_run(const struct pb_sweep *sw, unsigned rounds)
{
	size_t todo = 0;
	for (size_t i = 0; i < sw->plan.count; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		if (i >= sw->done)
			todo += rounds;
		else if (!r->failed && r->rounds < rounds)
			todo += rounds - r->rounds;
	}
	return todo;
}

static int complete(const struct pb_cell_result *r, unsigned rounds)
{
	return r->failed || r->rounds >= rounds;
}

/* A cell-round's rows, formatted apart and written at once, so that a
 * kill leaves whole rounds in raw.csv.partial, or at most one torn line
 * (which --resume drops); flushed, so the watchdog (stop.h) finds them.
 * Returns 0, or -EIO when they could not be written (a full disk). */
static int write_round(FILE *raw, const char *run_id, const struct pb_cell_result *r,
		       unsigned first)
{
	char *rows = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&rows, &len);
	if (!m)
		return -ENOMEM;
	int e = pb_csv_raw_rows(m, run_id, r, first);
	if (fclose(m) != 0 || e) {
		free(rows);
		return -ENOMEM;
	}
	e = fwrite(rows, 1, len, raw) != len || fflush(raw) != 0 ? -EIO : 0;
	free(rows);
	return e;
}

/* A cell that needs another round, and how much (pb_cell_round_need). */
struct need {
	size_t i;
	double need;
};

static int most_need_first(const void *a, const void *b)
{
	double x = ((const struct need *)a)->need, y = ((const struct need *)b)->need;
	return (x < y) - (x > y);
}

/*
 * After the planned rounds, passes of one more round for the cells that
 * need one most (their rounds disagree, or one was disturbed), until none
 * does or the sweep's extra cell-rounds (m->extra_rounds) are spent: the
 * budget goes where the variance is, at a later moment of the sweep than
 * the rounds that disagreed.
 */
static int extra_rounds(const struct pb_config *cfg, const struct pb_measure *m,
			struct pb_sweep *sw, FILE *raw, FILE *log, struct position *at, double t0)
{
	size_t left = m->extra_rounds;
	struct need *queue = malloc((sw->done + 1) * sizeof(*queue));
	if (!queue)
		return -ENOMEM;
	int e = 0;
	for (unsigned pass = 1; !e && left && !sw->stopped; pass++) {
		size_t n = 0;
		for (size_t i = 0; i < sw->done; i++) {
			double need = pb_cell_round_need(m, &sw->results[i]);
			if (need > 0)
				queue[n++] = (struct need){i, need};
		}
		if (!n)
			break;
		qsort(queue, n, sizeof(*queue), most_need_first);
		if (n > left)
			n = left;
		if (log) {
			fprintf(log, "extra round %u: the %zu cell%s whose rounds disagree most or "
				     "were disturbed\n", pass, n, n == 1 ? "" : "s");
			fflush(log);
		}
		at->todo += n;
		sw->rounds_planned += n; /* a stop says how far it got */
		at->round = at->rounds - 1 + pass;
		for (size_t k = 0; k < n; k++) {
			struct pb_cell_result *r = &sw->results[queue[k].i];
			if ((sw->stopped = pb_stop_requested()))
				break;
			at->i = queue[k].i;
			progress(cfg, at, t0);
			at->unit++;
			unsigned before = r->rep_count;
			if ((e = pb_cell_run_extra(m, r)) == -EINTR) {
				e = 0;
				sw->stopped = pb_stop_requested();
				break;
			}
			if (e < 0 || (e = write_round(raw, sw->run_id, r, before)))
				break;
			sw->rounds_done++;
			left--;
			if (cfg->progress)
				fputs("\r\033[K", stderr);
		}
	}
	free(queue);
	return e;
}

/*
 * The planned rounds: round k measures every cell once more, in the
 * shuffled order, so each cell's repetitions come from several moments of
 * the sweep.  A cell is logged after its last planned round, or marked
 * pending[i] when it may get extra ones.  Returns as measure().
 */
static int planned_rounds(const struct pb_config *cfg, const struct pb_measure *m,
			  struct pb_sweep *sw, FILE *raw, FILE *log, struct position *at,
			  double t0, unsigned char *pending, size_t *finished)
{
	unsigned rounds = at->rounds;
	for (unsigned round = 0; round < rounds && !sw->stopped; round++) {
		/* Cells are logged after their last round: say what runs till then. */
		if (log && rounds > 1) {
			fprintf(log, "round %u of %u: %s\n", round + 1, rounds,
				round + 1 == rounds ? "the last planned; each cell is logged as it ends"
				: round ? "every cell once more"
					: "every cell once (each is logged after its last round)");
			fflush(log);
		}
		for (size_t i = 0; i < sw->plan.count; i++) {
			struct pb_cell_result *r = &sw->results[i];
			if (i < sw->done && complete(r, round + 1))
				continue; /* measured before a --resume, or failed */
			if ((sw->stopped = pb_stop_requested()))
				break;
			at->i = i;
			at->round = round;
			progress(cfg, at, t0);
			at->unit++;
			unsigned first = i < sw->done ? r->rep_count : 0;
			int e = round == 0 ? pb_cell_run(&sw->plan.cells[i], m, r)
					   : pb_cell_run_round(m, round, r);
			if (e == -EINTR) {
				/* The round in flight was taken back; a first round
				 * leaves nothing of the cell. */
				if (round == 0)
					pb_cell_result_free(r);
				sw->stopped = pb_stop_requested();
				break;
			}
			if (e < 0) {
				if (round == 0) /* not counted in sw->done yet */
					pb_cell_result_free(r);
				return e;
			}
			if (round == 0)
				sw->done = i + 1;
			sw->rounds_done++;
			if (r->failed) { /* its other rounds will not run */
				sw->rounds_done += rounds - r->rounds;
				at->todo -= rounds - r->rounds;
			}
			if ((e = write_round(raw, sw->run_id, r, first)))
				return e; /* the disk is full: what is on it is kept */
			if (cfg->progress)
				fputs("\r\033[K", stderr);
			if (!complete(r, rounds))
				continue;
			if (m->extra_rounds && pb_cell_round_need(m, r) > 0) {
				pending[i] = 1;
				continue;
			}
			pb_cell_settle(m, r);
			log_cell(log, (*finished)++, sw->plan.count, r,
				 pb_sweep_baseline(sw, &r->cell));
		}
	}
	return 0;
}

/*
 * Runs the planned rounds, then the extra ones.  Rows reach raw.csv round
 * by round, so an interrupted sweep leaves what it measured (in
 * raw.csv.partial).  Returns 0, -ENOMEM, or -EIO when raw.csv.partial
 * could not be written.
 */
static int measure(const struct pb_config *cfg, const struct pb_measure *m,
		   struct pb_sweep *sw, FILE *raw, FILE *log)
{
	unsigned rounds = m->rounds ? m->rounds : 1;
	struct position at = {.todo = rounds_to_run(sw, rounds), .count = sw->plan.count,
			      .rounds = rounds};
	size_t finished = 0;
	double t0 = pb_now();
	unsigned char *pending = calloc(sw->plan.count + 1, 1);
	if (!pending)
		return -ENOMEM;

	sw->rounds_planned = sw->plan.count * rounds;
	sw->rounds_done = sw->rounds_planned - at.todo;
	for (size_t i = 0; i < sw->done; i++)
		finished += complete(&sw->results[i], rounds);
	int e = planned_rounds(cfg, m, sw, raw, log, &at, t0, pending, &finished);
	if (!e && !sw->stopped)
		e = extra_rounds(cfg, m, sw, raw, log, &at, t0);
	/* Every finished cell says why it ended, those read back by --resume
	 * too (they may have had extra rounds since). */
	for (size_t i = 0; !e && !sw->stopped && i < sw->done; i++) {
		struct pb_cell_result *r = &sw->results[i];
		if (complete(r, rounds))
			pb_cell_settle(m, r);
		if (pending[i])
			log_cell(log, finished++, sw->plan.count, r,
				 pb_sweep_baseline(sw, &r->cell));
	}
	free(pending);
	if (e)
		return e;
	at.unit = at.todo;
	progress(cfg, &at, t0);
	if (cfg->progress && sw->stopped)
		fputs("\r\033[K", stderr);
	sw->failed = 0;
	for (size_t i = 0; i < sw->done; i++)
		sw->failed += sw->results[i].failed != 0;
	return 0;
}

int pb_sweep_run(const struct pb_config *cfg, struct pb_sweep *sw, FILE *log,
		 char *err, size_t errlen)
{
	struct pb_outfile raw;
	char provenance[64];
	struct pb_measure m = pb_sweep_measure(cfg);
	int e;

	memset(sw, 0, sizeof(*sw));
	sw->lock = -1;
	if (pb_plan_build(cfg, &sw->plan))
		return pb_fail(err, errlen, -ENOMEM, "out of memory planning the sweep");
	if ((e = check_memory(&sw->plan, err, errlen)))
		return e;
	if (cfg->shuffle)
		shuffle(&sw->plan, cfg->seed);
	for (size_t i = 0; i < sw->plan.count; i++)
		sw->plan.cells[i].position = i;
	sw->results = calloc(sw->plan.count, sizeof(*sw->results));
	sw->expected = calloc(1, sizeof(*sw->expected));
	if (!sw->results || !sw->expected)
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	/* Before any cell, and before --resume reads cells back: what the
	 * kernels without expect are checked against. */
	if (pb_expected_prepare(&sw->plan, cfg->cell_timeout, sw->expected))
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	m.expected = sw->expected;
	m.cell_timeout = cfg->cell_timeout;
	m.extra_rounds_max = cfg->repeat_disturbed < 0 ? 1 : (unsigned)cfg->repeat_disturbed;
	m.max_rounds = cfg->max_rounds;
	m.extra_rounds = cfg->extra_rounds >= 0 ? (size_t)cfg->extra_rounds
			 : (sw->plan.count * m.rounds + PB_EXTRA_SHARE - 1) / PB_EXTRA_SHARE;
	for (size_t i = 0; i < sw->plan.count; i++)
		m.sandbox_fork_unsafe |= pb_kernel_is_user(sw->plan.cells[i].kernel);

	if (cfg->resume) {
		const char *slash = strrchr(cfg->resume, '/');
		snprintf(sw->dir, sizeof(sw->dir), "%s", cfg->resume);
		snprintf(sw->run_id, sizeof(sw->run_id), "%s", slash ? slash + 1 : cfg->resume);
		/* Before anything is read: a folder another parbench is writing
		 * is left as it is. */
		if ((e = pb_rundir_lock(sw->dir, &sw->lock)))
			return pb_fail(err, errlen, -EINVAL, "cannot resume %s: %s", sw->dir,
				       e == -EBUSY ? "another parbench is writing it"
						   : strerror(-e));
		if ((e = pb_resume_load(sw, err, errlen)))
			return e;
		sw->resumed = sw->done;
	} else if ((e = pb_rundir_create(cfg->results_root, sw->run_id, sizeof(sw->run_id),
					 sw->dir, sizeof(sw->dir)))) {
		return pb_fail(err, errlen, -EINVAL, "cannot write results to '%s': %s",
			    cfg->results_root, strerror(-e));
	} else if ((e = pb_rundir_lock(sw->dir, &sw->lock))) {
		return pb_fail(err, errlen, -EINVAL, "cannot write results to '%s': %s", sw->dir,
			       strerror(-e));
	}
	if ((e = write_provenance(sw, cfg, provenance, sizeof(provenance))) ||
	    (!cfg->resume && (e = pb_resume_save_args(sw->dir, cfg))) ||
	    (e = pb_outfile_open(&raw, sw->dir, "raw.csv"))) {
		return pb_fail(err, errlen, full_disk(e) ? -EIO : -EINVAL,
			       "cannot write results to '%s': %s", sw->dir, strerror(-e));
	}
	pb_csv_raw_header(raw.f);
	/* The rows already measured, exactly as they were written. */
	if ((sw->resumed || sw->retried_count) &&
	    (e = pb_file_append_except(raw.f, sw->dir, "raw.csv", 1,
				       (const char *const *)sw->retried, sw->retried_count))) {
		pb_outfile_abandon(&raw);
		return pb_fail(err, errlen, -EIO, "cannot copy %s/raw.csv: %s", sw->dir, strerror(-e));
	}
	/* On disk before the watchdog may salvage it: a partial it finds
	 * holds at least every row the folder had. */
	if (fflush(raw.f) != 0 || fsync(fileno(raw.f)) != 0) {
		e = -errno;
		pb_outfile_abandon(&raw);
		return pb_fail(err, errlen, -EIO, "cannot write %s/raw.csv: %s", sw->dir,
			       strerror(-e));
	}
	/* A resumed folder's summary.csv describes the rounds before this
	 * one; from here raw.csv is ahead of it, and a kill would leave the
	 * two disagreeing.  The new one is written at the end. */
	if (cfg->resume)
		pb_outfile_retract(sw->dir, "summary.csv");
	pb_stop_guard(sw->dir);

	if ((e = pb_resolved_create(&m.resolved)) == 0)
		e = measure(cfg, &m, sw, raw.f, log);
	pb_resolved_free(m.resolved);
	pb_stop_settled(); /* no cell of the sweep runs from here on */
	if (e == -EIO) {
		/* The rows that reached the disk stay in raw.csv.partial for
		 * --resume; this run ends here. */
		pb_outfile_keep(&raw);
		return pb_fail(err, errlen, -EIO, "cannot write %s/raw.csv: %s (what reached the "
			       "disk is kept for --resume)", sw->dir, strerror(ENOSPC));
	}
	if (e) {
		pb_outfile_abandon(&raw);
		return pb_fail(err, errlen, -ENOMEM, "out of memory running the sweep");
	}
	/* Back to plan order: summaries and reports read best that way. */
	qsort(sw->results, sw->done, sizeof(*sw->results), by_plan_order);

	e = pb_outfile_commit(&raw);
	pb_test_kill_point("raw-committed"); /* before summary.csv exists */
	/* Where the workers ran, known only now (cells of an earlier job
	 * with their nodes as raw.csv recorded them). */
	if (!e)
		e = pb_nodes_add_to_provenance(sw->dir, provenance, sw->results, sw->done);
	if (e)
		return pb_fail(err, errlen, -EIO, "cannot write results to '%s': %s", sw->dir,
			    strerror(-e));
	return 0;
}

void pb_sweep_free(struct pb_sweep *sw)
{
	for (size_t i = 0; i < sw->done; i++)
		pb_cell_result_free(&sw->results[i]);
	free(sw->results);
	sw->results = NULL;
	pb_plan_free(&sw->plan);
	if (sw->expected)
		pb_expected_free(sw->expected);
	free(sw->expected);
	sw->expected = NULL;
	for (size_t i = 0; i < sw->retried_count; i++)
		free(sw->retried[i]);
	free(sw->retried);
	sw->retried = NULL;
	sw->retried_count = 0;
	pb_rundir_unlock(sw->lock);
	sw->lock = -1;
}
