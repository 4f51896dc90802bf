#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cell.h"
#include "../base/clock.h"
#include "../base/rounds_ci.h"
#include "../base/run_level.h"
#include "../store/csv.h"
#include "../placement/peer.h"
#include "expected.h"
#include "interference.h"
#include "queued.h"
#include "sandbox.h"
#include "stop.h"

void pb_cell_result_free(struct pb_cell_result *r)
{
	free(r->reps);
	free(r->cpus);
	free(r->seen);
	free(r->task_ns);
	free(r->nodes);
	r->nodes = NULL;
	r->reps = NULL;
	r->cpus = r->seen = NULL;
	r->task_ns = NULL;
	r->task_count = 0;
}

unsigned pb_nodes_count(const char *nodes)
{
	unsigned count = 0;
	for (const char *p = nodes; p && *p; p += strcspn(p, ";"), p += *p == ';') {
		size_t len = strcspn(p, ";");
		int seen = 0;
		for (const char *q = nodes; q < p && !seen; q += strcspn(q, ";") + 1)
			seen = strcspn(q, ";") == len && strncmp(q, p, len) == 0;
		count += !seen;
	}
	return count;
}

/* Where the pool's workers run: the runner's nodes, else this machine's
 * name for each. */
static void note_nodes(struct pb_cell_result *r, const struct pb_runner *runner,
		       struct pb_pool *pool)
{
	char here[256] = "", *list = malloc(PB_NODES_MAX);
	size_t used = 0;

	if (!list)
		return; /* the nodes stay unknown */
	if (gethostname(here, sizeof(here) - 1) != 0 || !here[0])
		snprintf(here, sizeof(here), "unknown");
	list[0] = '\0';
	for (unsigned w = 0; w < r->cell.workers; w++) {
		const char *node = runner->node ? runner->node(pool, w) : NULL;
		int n = snprintf(list + used, PB_NODES_MAX - used, "%s%s", w ? ";" : "",
				 node ? node : here);
		if (n < 0 || (size_t)n >= PB_NODES_MAX - used) {
			list[used] = '\0'; /* whole names only */
			break;
		}
		used += (size_t)n;
	}
	free(r->nodes);
	r->nodes = list;
}

/* In a sandboxed round, where the child says which of the kernel's
 * members it is in (shared with the harness), so that a crash or a hang
 * is named after it; NULL elsewhere. */
static const char **member_slot;

static void in_member(const char *member)
{
	if (member_slot)
		*member_slot = member;
}

/* Scratch arrays the runner fills with where each worker ran. */
struct where {
	int *bound, *start, *end;
	struct pb_queued queued; /* the round's tasks' run-queue wait */
};

static void set_failed(struct pb_cell_result *r, const char *fmt, const char *detail)
{
	if (r->failed)
		return; /* keep the first reason */
	r->failed = 1;
	snprintf(r->status, sizeof(r->status), fmt, detail);
	pb_token_sanitize(r->status);
}

/* A sandboxed round ended by a signal or a timeout in a member:
 * "run-crashed:SIGSEGV", "init-failed:timeout". */
static void failed_in(struct pb_cell_result *r, const char *member, const char *why)
{
	char status[64];
	snprintf(status, sizeof(status), "%s-%s:%s", member,
		 strncmp(why, "SIG", 3) == 0 ? "crashed" : "failed", why);
	set_failed(r, "%s", status);
}

/* Keeps where the workers of timed repetition i ran, and checks it against
 * their binding. */
static void record_where(struct pb_cell_result *r, unsigned i, struct where *w)
{
	for (unsigned k = 0; k < r->cell.workers; k++) {
		int *seen = pb_cell_seen(r, i, k);
		seen[0] = w->bound[k];
		seen[1] = w->start[k];
		seen[2] = w->end[k];
		if (r->cpus[k] < 0)
			continue;
		r->binding_checked++;
		r->binding_ok += seen[0] == r->cpus[k] && seen[1] == r->cpus[k] &&
				 seen[2] == r->cpus[k];
	}
}

/* Whether a wrong result of a kernel whose results are doubles is no
 * number at all.  The partials of a NaN add up to anything (two of them
 * wrap to 0), so where the sum looks like a number the whole range is run
 * once more in one call, here, as seq would: the first failure only, and
 * only where the kernel's memory is in this process. */
static int not_a_number(const struct pb_cell_result *r, const struct pb_job *job,
			uint64_t result)
{
	const struct pb_kernel *k = r->cell.kernel;
	if (!(k->tolerance > 0) || r->failed)
		return 0;
	if (pb_result_is_not_a_number(result))
		return 1;
	if (r->cell.runner->distributed || k->waits)
		return 0;
	return pb_result_is_not_a_number(k->run(job->mem, job->n, 0, job->items));
}

/* One repetition; returns 0, or -EIO when the pool is unusable afterwards. */
static int one_rep(const struct pb_runner *runner, struct pb_pool *pool,
		   const struct pb_job *job, struct pb_cell_result *r,
		   struct pb_rep *rep, struct where *where)
{
	struct pb_outcome out = {0};

	for (unsigned k = 0; k < r->cell.workers; k++)
		where->bound[k] = where->start[k] = where->end[k] = -1;
	out.cpu_bound = where->bound;
	out.cpu_start = where->start;
	out.cpu_end = where->end;
	pb_outcome_reset(&out);
	pb_queued_start(&where->queued);
	double t0 = pb_now();
	int err = runner->run(pool, job, &out);
	double t1 = pb_now();
	rep->queued_s = pb_queued_stop(&where->queued);

	rep->seconds = out.seconds >= 0 ? out.seconds : t1 - t0;
	rep->comm_seconds = out.comm_seconds;
	rep->result = out.result;
	rep->ok = !err && pb_result_matches(r->cell.kernel, out.result, r->expected);
	rep->queued = pb_rep_waited(rep->queued_s, rep->seconds);
	if (err) {
		set_failed(r, "failed:%s", out.why[0] ? out.why : strerror(-err));
		return -EIO;
	}
	if (!rep->ok)
		set_failed(r, "%s", not_a_number(r, job, out.result) ? "not-a-number" : "wrong-result");
	return 0;
}

double *pb_cell_ok_seconds(const struct pb_cell_result *r, size_t *count)
{
	double *ok = calloc(r->rep_count ? r->rep_count : 1, sizeof(*ok));

	*count = 0;
	for (unsigned i = 0; ok && i < r->rep_count; i++)
		if (pb_rep_counts(r, i))
			ok[(*count)++] = r->reps[i].seconds;
	return ok;
}

/* Below this many values no pair of order statistics covers the median
 * with 95% probability: [min, max] of 5 covers it with 93.75%. */
#define CI_MIN_REPS 6
/* Resamples of the two-level bootstrap: its interval's ends move by
 * well under a percent between seeds at this many. */
#define ROUNDS_RESAMPLES 1000

int pb_cell_ok_rounds(const struct pb_cell_result *r, struct pb_rounds *s)
{
	double *x = malloc((r->rep_count ? r->rep_count : 1) * sizeof(*x));
	unsigned *round = malloc((r->rep_count ? r->rep_count : 1) * sizeof(*round));
	size_t n = 0;
	int err = x && round ? 0 : -ENOMEM;
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; !err && i < r->rep_count; i++)
		if (pb_rep_counts(r, i)) {
			x[n] = r->reps[i].seconds;
			round[n++] = r->reps[i].round;
		}
	if (!err && n)
		err = pb_rounds_make(x, round, n, s);
	free(x);
	free(round);
	return err;
}

/*
 * The 95% CI of the cell's median: over one round, the order statistics
 * of its repetitions (distribution-free); over several, Student's t over
 * the rounds' medians (base/rounds_ci.h), which takes in how much rounds
 * differ, as a rerun's would; and that spread (spread non-NULL).  NaN
 * where it cannot be had.
 */
static void median_ci(const struct pb_cell_result *r, double *lo, double *hi, double *spread)
{
	struct pb_rounds s;
	*lo = *hi = NAN;
	if (spread)
		*spread = NAN;
	if (pb_cell_ok_rounds(r, &s) || !s.n)
		return;
	if (spread)
		*spread = pb_rounds_spread(&s);
	if (s.count >= 2) {
		uint64_t seed = UINT64_C(0x9e3779b97f4a7c15) ^ r->cell.n ^ r->cell.workers;
		if (pb_rounds_median_ci(&s, ROUNDS_RESAMPLES, 0.95, seed, lo, hi))
			*lo = *hi = NAN;
	} else {
		pb_sort_doubles(s.x, s.n);
		pb_median_ci(s.x, s.n, lo, hi);
	}
	pb_rounds_free(&s);
}

/* Relative half-width of the median's 95% CI (the wider side), the run
 * level included, or +inf. */
static double ci_width(const struct pb_cell_result *r)
{
	size_t count;
	double *ok = pb_cell_ok_seconds(r, &count), lo, hi, width = INFINITY;

	if (ok && count >= CI_MIN_REPS) {
		double median = pb_median_inplace(ok, count);
		median_ci(r, &lo, &hi, NULL);
		pb_run_level_widen(median, r->cell.run_sd, &lo, &hi);
		if (median > 0 && isfinite(lo) && isfinite(hi))
			width = pb_relative_half_width(median, lo, hi);
	}
	free(ok);
	return width;
}

/* Whether the machine's run level alone makes the interval wider than the
 * target: then no round of this run can bring it there. */
static int target_below_run_level(const struct pb_measure *m, const struct pb_cell_result *r)
{
	return r->cell.run_sd > 0 && pb_run_level_floor(r->cell.run_sd) >= m->target_ci;
}

/* Rounds measured so far, the planned and the extra ones. */
static unsigned rounds_measured(const struct pb_cell_result *r)
{
	return r->rounds + r->extra_rounds;
}

double pb_cell_round_need(const struct pb_measure *m, const struct pb_cell_result *r)
{
	unsigned rounds = m->rounds ? m->rounds : 1;
	if (r->failed || r->rounds < rounds || rounds_measured(r) >= m->max_rounds ||
	    r->rep_count >= m->max_reps)
		return 0;
	double width = ci_width(r), target = m->target_ci > 0 ? m->target_ci : 1e-9;
	/* A disturbed round earns another, up to --repeat-disturbed, first. */
	unsigned owed = r->disturbed_rounds < m->extra_rounds_max ? r->disturbed_rounds
								  : m->extra_rounds_max;
	if (r->extra_rounds < owed)
		return PB_NEED_DISTURBED + fmin(width / target, PB_NEED_DISTURBED / 2);
	if (target_below_run_level(m, r))
		return 0;
	return width > m->target_ci ? fmin(width / target, PB_NEED_DISTURBED / 2) : 0;
}

void pb_cell_settle(const struct pb_measure *m, struct pb_cell_result *r)
{
	unsigned rounds = m->rounds ? m->rounds : 1;
	if (r->failed || !r->ok_count)
		return;
	if (ci_width(r) <= m->target_ci)
		r->stop = "ci";
	else if (target_below_run_level(m, r))
		r->stop = "run-level"; /* the machine's runs differ by more */
	else if (m->max_rounds <= rounds)
		return; /* no extra round could run: as its last round said */
	else if (rounds_measured(r) >= m->max_rounds)
		r->stop = "rounds";
	else if (r->rep_count >= m->max_reps)
		r->stop = "max";
	else
		r->stop = "extras"; /* the sweep's extra cell-rounds were spent */
}

/* What a latency-bound cell adds: the makespan its concurrency allows,
 * the throughput, and the tasks' latency percentiles (nearest rank). */
static void waits_summarise(struct pb_cell_result *r, uint64_t items)
{
	const struct pb_cell *c = &r->cell;
	r->ideal_s = r->tasks_per_s = NAN;
	r->task_s[0] = r->task_s[1] = r->task_s[2] = NAN;
	if (!c->kernel->waits)
		return;
	unsigned concurrency = c->workers * (c->inflight ? c->inflight : 1);
	/* Whole rounds of concurrent waits: 1,000 tasks 100 at a time wait
	 * ten times, 1,001 eleven times. */
	uint64_t waves = (items + concurrency - 1) / concurrency;
	r->ideal_s = (double)waves * c->latency_us * 1e-6;
	if (r->stats.count)
		r->tasks_per_s = (double)items / r->stats.median;
	if (!r->task_count)
		return;
	pb_sort_u64(r->task_ns, r->task_count);
	static const double q[3] = {0.5, 0.99, 0.999};
	for (int i = 0; i < 3; i++)
		r->task_s[i] = (double)pb_nearest_rank(r->task_ns, r->task_count, q[i]) * 1e-9;
}

/* Keeps a verified repetition's task latencies, up to a bound that a
 * sweep of large latency-bound cells cannot turn into gigabytes. */
#define MAX_TASKS_KEPT (1u << 22)
static int keep_tasks(struct pb_cell_result *r, const struct pb_job *job)
{
	if (!job->task_ns || r->task_count + job->items > MAX_TASKS_KEPT)
		return 0;
	uint64_t *grown = realloc(r->task_ns, (r->task_count + job->items) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	memcpy(grown + r->task_count, job->task_ns, job->items * sizeof(*grown));
	r->task_ns = grown;
	r->task_count += job->items;
	return 0;
}

/* The fastest speed probe of this process's sweep: the machine undisturbed,
 * as near as this run can tell. */
static double best_probe_ns = INFINITY;

/* What the machine did to the round just measured, on each of its
 * repetitions; a round is disturbed by steal or a slow probe. */
static void note_interference(struct pb_cell_result *r, unsigned first, double probe,
			      double steal, long invol)
{
	int disturbed = (isfinite(steal) && steal > PB_STEAL_DISTURBED_PCT) ||
			(isfinite(probe) && isfinite(best_probe_ns) &&
			 probe > PB_PROBE_DISTURBED * best_probe_ns);
	if (isfinite(probe) && probe < best_probe_ns)
		best_probe_ns = probe;
	for (unsigned i = first; i < r->rep_count; i++) {
		r->reps[i].steal_pct = steal;
		r->reps[i].probe_ns = probe;
		r->reps[i].invol = invol;
		r->reps[i].disturbed = disturbed;
	}
}

int pb_cell_last_round_disturbed(const struct pb_cell_result *r)
{
	return r->rep_count && r->reps[r->rep_count - 1].disturbed;
}

/* Disturbed rounds, the median without them and the worst readings. */
static void interference_summarise(struct pb_cell_result *r)
{
	double *x = malloc((r->rep_count ? r->rep_count : 1) * sizeof(*x));
	size_t n = 0;
	unsigned last_round = UINT32_MAX;
	r->disturbed_rounds = 0;
	r->median_undisturbed_s = r->steal_pct_max = r->probe_slowdown_max = NAN;
	for (unsigned i = 0; i < r->rep_count; i++) {
		const struct pb_rep *p = &r->reps[i];
		if (p->disturbed && p->round != last_round)
			r->disturbed_rounds++;
		last_round = p->round;
		if (isfinite(p->steal_pct) && !(p->steal_pct <= r->steal_pct_max))
			r->steal_pct_max = p->steal_pct;
		/* No probe yet finite (none ran): no slowdown, not 0. */
		double slow = isfinite(best_probe_ns) ? p->probe_ns / best_probe_ns : NAN;
		if (isfinite(slow) && !(slow <= r->probe_slowdown_max))
			r->probe_slowdown_max = slow;
		if (x && pb_rep_counts(r, i) && !p->disturbed)
			x[n++] = p->seconds;
	}
	if (n)
		r->median_undisturbed_s = pb_median_inplace(x, n);
	free(x);
}

/* The median communication time of the verified repetitions, where the
 * runner measures one (mpi-scatter); NaN otherwise. */
static void comm_summarise(struct pb_cell_result *r)
{
	double *comm = malloc((r->rep_count ? r->rep_count : 1) * sizeof(*comm));
	size_t count = 0;
	r->comm_median_s = NAN;
	for (unsigned i = 0; comm && i < r->rep_count; i++)
		if (r->reps[i].ok && r->reps[i].comm_seconds >= 0)
			comm[count++] = r->reps[i].comm_seconds;
	if (count)
		r->comm_median_s = pb_median_inplace(comm, count);
	free(comm);
}

/* How many verified repetitions waited for the CPU, and the median with
 * them, which the estimate leaves out. */
static void queued_summarise(struct pb_cell_result *r)
{
	double *x = malloc((r->rep_count ? r->rep_count : 1) * sizeof(*x));
	size_t n = 0;
	r->queued_reps = 0;
	r->median_with_queued_s = NAN;
	for (unsigned i = 0; i < r->rep_count; i++) {
		r->queued_reps += r->reps[i].ok && r->reps[i].queued;
		if (x && r->reps[i].ok)
			x[n++] = r->reps[i].seconds;
	}
	if (n && r->queued_reps)
		r->median_with_queued_s = pb_median_inplace(x, n);
	free(x);
}

void pb_cell_summarise(struct pb_cell_result *r)
{
	size_t count;
	queued_summarise(r);
	double *ok = pb_cell_ok_seconds(r, &count);

	pb_stats_compute(ok, ok ? count : 0, &r->stats);
	r->round_spread = NAN;
	if (ok && count) {
		pb_median_inplace(ok, count); /* sorts */
		median_ci(r, &r->own_ci_low, &r->own_ci_high, &r->round_spread);
		r->ci_low = r->own_ci_low;
		r->ci_high = r->own_ci_high;
		pb_run_level_widen(r->stats.median, r->cell.run_sd, &r->ci_low, &r->ci_high);
		r->outliers = (unsigned)pb_outliers_tukey(ok, count);
	}
	free(ok);
	comm_summarise(r);
	interference_summarise(r);
	r->peer_ns_min = r->peer_ns_max = NAN;
	for (unsigned i = 0; i < r->rep_count; i++) {
		double p = r->reps[i].peer_ns;
		if (!isfinite(p))
			continue;
		r->peer_ns_min = isfinite(r->peer_ns_min) ? fmin(r->peer_ns_min, p) : p;
		r->peer_ns_max = isfinite(r->peer_ns_max) ? fmax(r->peer_ns_max, p) : p;
	}
	uint64_t items = pb_kernel_items(r->cell.kernel, r->cell.n);
	if (r->cell.kernel->bytes_per_item && r->stats.count)
		r->gbps = (double)items * r->cell.kernel->bytes_per_item / r->stats.median / 1e9;
	waits_summarise(r, items);
}

/* Makes room for repetition i; returns 0 or -ENOMEM. */
static int reserve(struct pb_cell_result *r, unsigned *cap, unsigned i)
{
	if (i < *cap)
		return 0;
	unsigned grown = *cap ? *cap * 2 : 16;
	while (grown <= i)
		grown *= 2;
	struct pb_rep *p = realloc(r->reps, grown * sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->reps = p;
	size_t per_rep = (size_t)r->cell.workers * 3;
	/* -1, "not seen", also for the repetitions a --resume read back */
	size_t known = r->seen ? *cap : 0;
	int *s = realloc(r->seen, grown * per_rep * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + known * per_rep, 0xff, (grown - known) * per_rep * sizeof(*s));
	r->seen = s;
	*cap = grown;
	return 0;
}

/* Decides where each worker goes: r->cpus, r->pin, and opts->cpus. */
static int place(const struct pb_measure *m, struct pb_cell_result *r,
		 struct pb_pool_opts *opts)
{
	const struct pb_runner *runner = r->cell.runner;
	unsigned workers = r->cell.workers;
	char why[PB_PLACEMENT_WHY] = "";
	int over = 0;

	for (unsigned k = 0; k < workers; k++)
		r->cpus[k] = -1;
	snprintf(r->pin, sizeof(r->pin), "none");
	if (runner->own_placement && runner->own_placement()) {
		snprintf(r->pin, sizeof(r->pin), "%s", pb_cell_pin_name(&r->cell));
		return 0;
	}
	const struct pb_placement *pin = r->cell.pin;
	if (!pin || !m->topology)
		return 0;
	int err = pb_resolved_cpus(m->resolved, m->topology, pin, workers, r->cpus, &over, why);
	if (err) {
		set_failed(r, "placement-failed:%s", why[0] ? why : strerror(-err));
		return err;
	}
	snprintf(r->pin, sizeof(r->pin), "%s", pb_cell_pin_name(&r->cell));
	if (pb_placement_binds(pin))
		opts->cpus = r->cpus;
	if (over) {
		r->cell.oversubscribed = 1;
		opts->spin = 0;
	}
	return 0;
}

/* The part of `total` due by the end of round `round` (from 0): the parts
 * of the rounds differ by one at most and add up to total. */
static unsigned share(unsigned total, unsigned round, unsigned rounds)
{
	return (unsigned)((uint64_t)total * (round + 1) / rounds);
}

/* Takes a round back: r as it was before (a copy of it), but for the
 * arrays, which the round may have moved; what is past rep_count in them is
 * ignored. */
static void round_take_back(struct pb_cell_result *r, struct pb_cell_result before)
{
	before.reps = r->reps;
	before.seen = r->seen;
	before.cpus = r->cpus;
	before.task_ns = r->task_ns;
	before.nodes = r->nodes;
	*r = before;
}

/* Times repetitions until this round's share is done; returns 0 or an
 * error that leaves the pool unusable. */
static int timed_reps(const struct pb_runner *runner, struct pb_pool *pool,
		      const struct pb_job *job, const struct pb_measure *m, unsigned round,
		      double peer_ns, struct pb_cell_result *r, unsigned *cap,
		      struct where *where)
{
	unsigned rounds = m->rounds ? m->rounds : 1, first = r->rep_count;
	/* A planned round times its share of min_reps and of the planned
	 * rounds' part of max_reps (max_reps x rounds / max_rounds), an extra
	 * one (past --rounds) a planned round's share of min_reps and its
	 * part of max_reps; the cell never more than max_reps. */
	unsigned planned = round < rounds ? round : rounds - 1;
	unsigned own_min = share(m->min_reps, planned, rounds) -
			   (planned ? share(m->min_reps, planned - 1, rounds) : 0);
	unsigned most = m->max_rounds > rounds ? m->max_rounds : rounds, max_reps;
	if (round < rounds) {
		unsigned planned_max = (unsigned)((uint64_t)m->max_reps * rounds / most);
		unsigned by_max = share(planned_max, round, rounds);
		unsigned by_min = share(m->min_reps, round, rounds);
		max_reps = by_max > by_min ? by_max : by_min;
	} else {
		unsigned own_max = (m->max_reps + most - 1) / most;
		max_reps = first + (own_max > own_min ? own_max : own_min);
	}
	if (max_reps > m->max_reps)
		max_reps = m->max_reps;
	double budget = m->budget_s / rounds, timed = 0;
	/* Over several rounds the interval is over their medians: repetitions
	 * cannot narrow it, and rounds cut short would weigh less in the
	 * pooled median, so every round goes on to its budget and the
	 * interval decides whether another round runs (pb_cell_round_need).
	 * One round's interval is over its repetitions: it may stop them. */
	int judged = rounds == 1 && round == 0;
	/* The interval is recomputed when the repetitions have grown by a
	 * thirty-second since the last look (Hoefler and Belli: every k
	 * runs), so a cell costs O(n log n) of it, not O(n^2 log n), for at
	 * most 3% more repetitions than it needed. */
	unsigned next_look = 0, waited = 0;
	int err = 0;

	/* Never past the round's share of max_reps; below that every round
	 * times its share of min_reps, so each moment of the sweep weighs
	 * about alike; then on until the round's share of the budget is
	 * spent (or, in a sweep of one round, the median is known well
	 * enough). */
	for (unsigned i = first; !err && !pb_stop_requested(); i++) {
		if (i >= max_reps) {
			r->stop = "max";
			break;
		}
		if (i - first - waited >= own_min) {
			if (judged && i >= next_look) {
				if (ci_width(r) <= m->target_ci) {
					r->stop = "ci";
					break;
				}
				next_look = i + 1 + i / 32;
			}
			if (timed >= budget) {
				r->stop = "budget";
				break;
			}
		}
		if (reserve(r, cap, i))
			return -ENOMEM;
		err = one_rep(runner, pool, job, r, &r->reps[i], where);
		if (!err && r->reps[i].ok && keep_tasks(r, job))
			return -ENOMEM;
		r->reps[i].round = round;
		r->reps[i].peer_ns = peer_ns;
		record_where(r, i, where);
		timed += r->reps[i].seconds;
		r->rep_count = i + 1;
		r->ok_count += r->reps[i].ok;
		/* One that waited for the CPU is repeated: it does not count
		 * toward the round's share (max_reps and the budget still cap). */
		waited += r->reps[i].ok && r->reps[i].queued;
		r->queued_reps += r->reps[i].ok && r->reps[i].queued;
	}
	return err;
}

/* Opens the pool, allocates and initialises the job's memory, warms up
 * and times.  Returns 0, or a negative errno when the harness cannot go
 * on; a failure of the runner is recorded in r. */
static int measure(const struct pb_measure *m, unsigned round, double peer_ns,
		   struct pb_cell_result *r, struct where *where)
{
	const struct pb_cell *cell = &r->cell;
	const struct pb_runner *runner = cell->runner;
	const struct pb_kernel *kernel = cell->kernel;
	char why[96] = "";
	struct pb_pool_opts opts = {
		.workers = cell->workers,
		.cpus = NULL,
		.spin = cell->workers <= m->allowed_cpus,
		.why = why,
		.why_len = sizeof(why),
	};
	struct pb_pool *pool = NULL;
	unsigned cap = r->rep_count; /* reserve() grows from what is there */
	unsigned first = r->rep_count;

	if (place(m, r, &opts))
		return 0;
	/* On the workers' CPUs, before the pool exists. */
	struct pb_machine_sample before, after;
	double probe = pb_probe_speed(r->cpus, cell->workers);
	pb_machine_sample(&before);
	double t0 = pb_now();
	int err = runner->open(&pool, &opts);
	if (round == 0)
		r->startup_s = pb_now() - t0;
	if (err) {
		set_failed(r, "open-failed:%s", why[0] ? why : strerror(-err));
		return 0;
	}
	note_nodes(r, runner, pool);

	size_t bytes = pb_kernel_bytes(kernel, cell->n);
	struct pb_job job = {
		.kernel = kernel,
		.n = cell->n,
		.items = pb_kernel_items(kernel, cell->n),
		.phase = PB_PHASE_INIT,
		.sched = cell->sched,
		.wait_ns = (uint64_t)cell->latency_us * 1000,
		.inflight = cell->inflight,
	};
	/* Task latencies go where every worker can write them: after the
	 * kernel's memory in the one region a runner allocates (a fork pool
	 * shares one); a distributed runner's ranks keep theirs. */
	size_t task_bytes = kernel->waits && !runner->distributed ? job.items * sizeof(uint64_t) : 0;
	size_t at = (bytes + 63) / 64 * 64, region_bytes = task_bytes ? at + task_bytes : bytes;
	t0 = pb_now();
	char *region = runner->alloc(pool, region_bytes);
	if (region_bytes && !region) {
		set_failed(r, "%s", "out-of-memory");
		runner->close(pool);
		return 0;
	}
	job.mem = bytes ? region : NULL;
	job.task_ns = task_bytes ? (uint64_t *)(region + at) : NULL;
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	in_member("init");
	err = runner->run(pool, &job, &out);
	if (round == 0)
		r->init_s = pb_now() - t0;
	in_member("run");
	if (err)
		set_failed(r, "init-failed:%s", out.why[0] ? out.why : strerror(-err));

	job.phase = PB_PHASE_RUN;
	struct pb_rep scratch;
	/* Now the pool's threads and processes all exist (libgomp's team
	 * starts with its first region). */
	where->queued.count = 0;
	if (!runner->distributed && !m->no_queued)
		pb_queued_open(&where->queued);
	/* A stop request abandons the round within one repetition. */
	for (unsigned i = 0; !err && !pb_stop_requested() && i < m->warmup; i++)
		err = one_rep(runner, pool, &job, r, &scratch, where);
	if (!err)
		err = timed_reps(runner, pool, &job, m, round, peer_ns, r, &cap, where);
	pb_queued_close(&where->queued);
	runner->free(pool, region, region_bytes);
	runner->close(pool);
	pb_machine_sample(&after);
	note_interference(r, first, probe, pb_steal_pct(&before, &after),
			  pb_invol_switches(&before, &after));
	return err == -ENOMEM ? -ENOMEM : 0;
}

/*
 * A round of a user's kernel, in a child process (sandbox.h): a crash or
 * a hang past --cell-timeout fails the cell, named, and the sweep goes
 * on.  The child measures as measure() does and leaves the cell's new
 * state in shared memory: the counters, then its repetitions, where the
 * workers ran, their CPUs and the tasks' latencies.
 */
struct shared_cell {
	int err, failed;
	char status[96];
	char pin[PB_PLACEMENT_NAME_MAX];
	const char *stop; /* a static string: the same address in the child */
	double startup_s, init_s;
	unsigned rep_count, ok_count, binding_checked, binding_ok;
	size_t task_count;
	char nodes[PB_NODES_MAX];
	const char *member;  /* the kernel's member the child is in, or NULL */
	double best_probe_ns; /* the child's fastest probe, the sweep's sensor */
};

struct sandboxed {
	const struct pb_measure *m;
	unsigned round;
	double peer_ns;
	struct pb_cell_result *r;
	struct where *where;
	struct shared_cell *out;
	struct pb_rep *reps;
	int *seen, *cpus;
	uint64_t *task_ns;
	size_t max_reps, max_tasks;
};

static int measure_child(void *ctx)
{
	struct sandboxed *s = ctx;
	struct pb_cell_result *r = s->r;
	struct shared_cell *o = s->out;
	unsigned w = r->cell.workers;

	member_slot = &o->member;
	o->err = measure(s->m, s->round, s->peer_ns, r, s->where);
	member_slot = NULL;
	o->best_probe_ns = best_probe_ns;
	o->failed = r->failed;
	memcpy(o->status, r->status, sizeof(o->status));
	memcpy(o->pin, r->pin, sizeof(o->pin));
	o->stop = r->stop;
	o->startup_s = r->startup_s;
	o->init_s = r->init_s;
	o->rep_count = r->rep_count < s->max_reps ? r->rep_count : (unsigned)s->max_reps;
	o->ok_count = r->ok_count;
	o->binding_checked = r->binding_checked;
	o->binding_ok = r->binding_ok;
	o->task_count = r->task_count < s->max_tasks ? r->task_count : s->max_tasks;
	snprintf(o->nodes, sizeof(o->nodes), "%s", r->nodes ? r->nodes : "");
	if (o->rep_count) /* none where the pool did not open: reps is NULL */
		memcpy(s->reps, r->reps, o->rep_count * sizeof(*r->reps));
	if (r->seen && o->rep_count)
		memcpy(s->seen, r->seen, (size_t)o->rep_count * w * 3 * sizeof(int));
	memcpy(s->cpus, r->cpus, w * sizeof(int));
	if (o->task_count)
		memcpy(s->task_ns, r->task_ns, o->task_count * sizeof(uint64_t));
	return 0;
}

/* Takes the child's state into r. */
static int adopt(struct pb_cell_result *r, const struct sandboxed *s)
{
	const struct shared_cell *o = s->out;
	unsigned w = r->cell.workers, n = o->rep_count;
	struct pb_rep *reps = realloc(r->reps, (n ? n : 1) * sizeof(*reps));
	if (reps)
		r->reps = reps;
	int *seen = realloc(r->seen, (size_t)(n ? n : 1) * w * 3 * sizeof(int));
	if (seen)
		r->seen = seen;
	uint64_t *tasks = o->task_count ? realloc(r->task_ns, o->task_count * sizeof(*tasks))
					: r->task_ns;
	if (!reps || !seen || (o->task_count && !tasks))
		return -ENOMEM;
	r->task_ns = tasks;
	memcpy(r->reps, s->reps, n * sizeof(*reps));
	memcpy(r->seen, s->seen, (size_t)n * w * 3 * sizeof(int));
	memcpy(r->cpus, s->cpus, w * sizeof(int));
	if (o->task_count)
		memcpy(r->task_ns, s->task_ns, o->task_count * sizeof(uint64_t));
	r->task_count = o->task_count;
	r->rep_count = n;
	r->ok_count = o->ok_count;
	r->binding_checked = o->binding_checked;
	r->binding_ok = o->binding_ok;
	r->failed = o->failed;
	memcpy(r->status, o->status, sizeof(r->status));
	memcpy(r->pin, o->pin, sizeof(r->pin));
	r->stop = o->stop;
	r->startup_s = o->startup_s;
	r->init_s = o->init_s;
	if (o->best_probe_ns < best_probe_ns)
		best_probe_ns = o->best_probe_ns;
	if (o->nodes[0]) {
		char *nodes = strdup(o->nodes);
		if (!nodes)
			return -ENOMEM;
		free(r->nodes);
		r->nodes = nodes;
	}
	return o->err;
}

static int measure_sandboxed(const struct pb_measure *m, unsigned round, double peer_ns,
			     struct pb_cell_result *r, struct where *where)
{
	unsigned w = r->cell.workers;
	/* Extra rounds (for disturbed ones) add at most as much again. */
	size_t max_reps = m->max_reps ? 2 * (size_t)m->max_reps : 1;
	size_t max_tasks = r->cell.kernel->waits ? MAX_TASKS_KEPT : 0;
	size_t bytes = sizeof(struct shared_cell) + max_reps * sizeof(struct pb_rep) +
		       max_reps * w * 3 * sizeof(int) + w * sizeof(int) + max_tasks * 8 + 64;
	/* Untouched pages of the mapping cost nothing. */
	char *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	struct sandboxed s = {.m = m, .round = round, .peer_ns = peer_ns, .r = r,
			      .where = where, .out = (struct shared_cell *)map};
	s.out->best_probe_ns = INFINITY;
	char *at = map + (sizeof(struct shared_cell) + 15) / 16 * 16;
	s.task_ns = (uint64_t *)at;
	at += max_tasks * 8;
	s.reps = (struct pb_rep *)at;
	at += max_reps * sizeof(struct pb_rep);
	s.seen = (int *)at;
	at += max_reps * w * 3 * sizeof(int);
	s.cpus = (int *)at;
	s.max_reps = max_reps;
	s.max_tasks = max_tasks;

	char why[48];
	int err = pb_sandbox_run(measure_child, &s,
				 m->cell_timeout > 0 ? m->cell_timeout : 300, why, sizeof(why));
	if (err == 0) {
		err = adopt(r, &s);
	} else { /* the round's repetitions are lost */
		if (s.out->member)
			failed_in(r, s.out->member, why);
		else
			set_failed(r, "failed:%s", why);
		if (!r->pin[0])
			snprintf(r->pin, sizeof(r->pin), "%s", pb_cell_pin_name(&r->cell));
		err = 0;
	}
	munmap(map, bytes);
	return err == -ENOMEM ? -ENOMEM : 0;
}

/* One round of the cell; returns 0, -EINTR (taken back) or -ENOMEM. */
static int run_round(const struct pb_measure *m, unsigned round, struct pb_cell_result *r)
{
	unsigned workers = r->cell.workers;
	struct pb_cell_result before = *r;
	struct where where = {
		.bound = calloc(workers, sizeof(int)), .start = calloc(workers, sizeof(int)),
		.end = calloc(workers, sizeof(int)),
	};
	int err = -ENOMEM;

	/* A round past the planned ones is an extra (pb_cell_round_need). */
	if (round < (m->rounds ? m->rounds : 1))
		r->rounds = round + 1;
	else
		r->extra_rounds++;
	if (!r->cpus) /* a cell read back by --resume */
		r->cpus = calloc(workers, sizeof(*r->cpus));
	if (r->cpus && where.bound && where.start && where.end) {
		/* Before the pool exists, so nothing else runs on those CPUs. */
		double peer_ns = NAN;
		if (pb_peer_latency(m->peer_cpus[0], m->peer_cpus[1], &peer_ns))
			peer_ns = NAN;
		int sandboxed = pb_kernel_is_user(r->cell.kernel) ||
				(m->sandbox_fork_unsafe && r->cell.runner->fork_unsafe);
		err = sandboxed ? measure_sandboxed(m, round, peer_ns, r, &where)
				: measure(m, round, peer_ns, r, &where);
	}
	free(where.bound), free(where.start), free(where.end);
	if (r->failed)
		r->stop = "failed";
	/* Read once: a round is either kept whole or taken back whole. */
	if (!err && pb_stop_requested()) {
		round_take_back(r, before);
		return -EINTR;
	}
	return err;
}

int pb_cell_run(const struct pb_cell *cell, const struct pb_measure *m,
		struct pb_cell_result *r)
{
	memset(r, 0, sizeof(*r));
	r->cell = *cell;
	r->cpus = calloc(cell->workers, sizeof(*r->cpus));
	if (!r->cpus)
		return -ENOMEM;
	r->speedup = r->speedup_ci_low = r->speedup_ci_high = NAN;
	r->efficiency = r->karp_flatt = r->weak_efficiency = NAN;
	r->gbps = r->gbps_reference = r->gbps_ratio = NAN;
	r->startup_s = r->init_s = r->ci_low = r->ci_high = r->comm_median_s = NAN;
	r->own_ci_low = r->own_ci_high = NAN;
	r->stop = "failed";
	snprintf(r->status, sizeof(r->status), "ok");
	const char *why = pb_kernel_broken(cell->kernel);
	if (why || pb_expected_of(m->expected, cell, &r->expected, &why)) {
		/* Nothing to check the cell against: it does not run. */
		set_failed(r, "%s", why);
		r->rounds = 1;
		pb_cell_summarise(r);
		return 0;
	}

	int err = run_round(m, 0, r);
	pb_cell_summarise(r);
	return err;
}

int pb_cell_run_extra(const struct pb_measure *m, struct pb_cell_result *r)
{
	unsigned rounds = m->rounds ? m->rounds : 1;
	int err = run_round(m, rounds + r->extra_rounds, r);
	pb_cell_summarise(r);
	return err;
}

int pb_cell_run_round(const struct pb_measure *m, unsigned round, struct pb_cell_result *r)
{
	int err = run_round(m, round, r);
	pb_cell_summarise(r);
	return err;
}
