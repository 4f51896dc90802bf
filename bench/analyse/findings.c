#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/runner.h"
#include "../base/ratio_ci.h"
#include "../base/rounds_ci.h"
#include "../base/stats.h"
#include "analysis.h"
#include "../store/table.h"
#include "findings.h"
#include "../base/run_level.h"

static const char *field(const struct pb_findings *f, size_t row, enum pb_key k)
{
	return pb_field(&f->run->summary, row, f->key[k]);
}

static double median_of(const struct pb_findings *f, size_t row)
{
	return pb_field_num(&f->run->summary, row, f->median);
}

int pb_findings_usable(const struct pb_findings *f, size_t row)
{
	const char *status = pb_field(&f->run->summary, row, f->status);
	double m = median_of(f, row);
	return (*status == '\0' || strcmp(status, "ok") == 0) && isfinite(m) && m > 0;
}

enum pb_peer_placement pb_findings_probe(const struct pb_findings *f, double ns)
{
	return pb_peer_placement(ns, ns, f->lowest);
}

static int same_group(const struct pb_findings *f, size_t a, size_t b)
{
	return !strcmp(field(f, a, PB_KEY_KERNEL), field(f, b, PB_KEY_KERNEL)) &&
	       !strcmp(field(f, a, PB_KEY_N), field(f, b, PB_KEY_N)) &&
	       !strcmp(field(f, a, PB_KEY_LATENCY), field(f, b, PB_KEY_LATENCY));
}

/* The usable row of row first's group with the lowest median: of the
 * baseline runner only, or of a runner other than row other's; -1: none. */
static long fastest(const struct pb_findings *f, size_t first, long other, int baseline_only)
{
	long best = -1;
	for (size_t i = 0; i < f->run->summary.row_count; i++) {
		if (!same_group(f, first, i) || !pb_findings_usable(f, i))
			continue;
		const char *runner = field(f, i, PB_KEY_RUNNER);
		if (baseline_only && !pb_runner_is_baseline(runner))
			continue;
		if (other >= 0 && !strcmp(runner, field(f, (size_t)other, PB_KEY_RUNNER)))
			continue;
		if (best < 0 || median_of(f, i) < median_of(f, (size_t)best))
			best = (long)i;
	}
	return best;
}

static int find_groups(struct pb_findings *f)
{
	size_t rows = f->run->summary.row_count;
	f->groups = calloc(rows + 1, sizeof(*f->groups));
	if (!f->groups)
		return -ENOMEM;
	for (size_t i = 0; i < rows; i++) {
		int seen = 0;
		for (size_t g = 0; g < f->group_count && !seen; g++)
			seen = same_group(f, f->groups[g].first, i);
		if (seen)
			continue;
		struct pb_group *g = &f->groups[f->group_count++];
		g->first = i;
		g->best = fastest(f, i, -1, 0);
		g->baseline = fastest(f, i, -1, 1);
		g->runner_up = g->best >= 0 ? fastest(f, i, g->best, 0) : -1;
	}
	return 0;
}

static void sensor(struct pb_findings *f)
{
	const struct pb_table *t = &f->run->summary;
	int lo = pb_table_column(t, "peer_ns_min"), hi = pb_table_column(t, "peer_ns_max");
	double low = pb_column_lowest(t, lo);

	f->lowest = f->highest = NAN;
	if (!isfinite(low))
		return;
	f->lowest = low;
	f->highest = 0;
	for (size_t i = 0; i < t->row_count; i++) {
		double a = pb_field_num(t, i, lo), b = pb_field_num(t, i, hi);
		enum pb_peer_placement p = pb_peer_placement(a, b, low);
		f->cells_at[p]++;
		if (p != PB_PEER_UNKNOWN)
			f->highest = fmax(f->highest, b);
	}
	size_t both = f->cells_at[PB_PEER_BOTH];
	f->two_placements = pb_peer_two_placements(f->cells_at[PB_PEER_ACROSS] + both,
						   f->cells_at[PB_PEER_SHARED] + both);
}

static void binding(struct pb_findings *f)
{
	const struct pb_table *t = &f->run->summary;
	int checked = pb_table_column(t, "binding_checked"), ok = pb_table_column(t, "binding_ok");
	for (size_t i = 0; i < t->row_count; i++) {
		double c = pb_field_num(t, i, checked), k = pb_field_num(t, i, ok);
		if (!(c > 0))
			continue;
		f->bind_checked += (unsigned long)c;
		f->bind_ok += isfinite(k) ? (unsigned long)k : 0;
		f->bind_cells++;
	}
}

/* raw.csv's columns. */
struct raw_columns {
	int key[PB_KEY_COUNT], round, peer, seconds, ok;
};

static int raw_columns(const struct pb_table *raw, struct raw_columns *c)
{
	if (pb_table_key_columns_known(raw, c->key))
		return -EINVAL;
	c->round = pb_table_column(raw, "round");
	c->peer = pb_table_column(raw, "peer_ns");
	c->seconds = pb_table_column(raw, "seconds");
	c->ok = pb_raw_counted_column(raw);
	return c->peer < 0 || c->seconds < 0 ? -EINVAL : 0;
}

/* The summary row of raw row i, or -1. */
static long cell_of(const struct pb_findings *f, const struct raw_columns *c, size_t i)
{
	char *const *r = f->run->raw.rows[i];
	for (size_t j = 0; j < f->run->summary.row_count; j++)
		if (pb_rows_same_cell(r, c->key, f->run->summary.rows[j], f->key))
			return (long)j;
	return -1;
}

/* The probes: a cell-round's repetitions are written together and all
 * carry the probe made before the round, so a probe is a row whose cell
 * or round differs from the row before. */
static int probes(struct pb_findings *f, const struct raw_columns *c, const long *cell)
{
	const struct pb_table *raw = &f->run->raw;
	double *ns = malloc((raw->row_count + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < raw->row_count; i++) {
		double v = pb_field_num(raw, i, c->peer);
		if (!isfinite(v) || (i > 0 && cell[i] == cell[i - 1] &&
				     !strcmp(pb_field(raw, i, c->round), pb_field(raw, i - 1, c->round))))
			continue;
		ns[f->probes++] = v;
		f->probes_far += pb_findings_probe(f, v) == PB_PEER_ACROSS;
	}
	if (f->probes) {
		pb_sort_doubles(ns, f->probes);
		f->probe_median = ns[f->probes / 2];
		f->probe_p5 = ns[f->probes / 20];
		f->probe_p95 = ns[f->probes - 1 - f->probes / 20];
	}
	free(ns);
	return 0;
}

/* Each cell's placement medians, from its verified repetitions. */
static int cell_where(struct pb_findings *f, const struct raw_columns *c, const long *cell)
{
	const struct pb_table *raw = &f->run->raw;
	size_t rows = f->run->summary.row_count;
	double *x[2] = {malloc((raw->row_count + 1) * sizeof(double)),
			malloc((raw->row_count + 1) * sizeof(double))};
	int err = x[0] && x[1] ? 0 : -ENOMEM;

	for (size_t j = 0; !err && j < rows; j++) {
		struct pb_cell_where *w = &f->where[j];
		size_t probed[2] = {0, 0};
		w->reps[0] = w->reps[1] = 0;
		for (size_t i = 0; i < raw->row_count; i++) {
			if (cell[i] != (long)j)
				continue;
			enum pb_peer_placement p = pb_findings_probe(f, pb_field_num(raw, i, c->peer));
			if (p != PB_PEER_SHARED && p != PB_PEER_ACROSS)
				continue;
			int side = p == PB_PEER_ACROSS;
			probed[side]++;
			if (c->ok < 0 || strcmp(pb_field(raw, i, c->ok), "1") == 0)
				x[side][w->reps[side]++] = pb_field_num(raw, i, c->seconds);
		}
		w->mostly = !probed[0] && !probed[1] ? PB_PEER_UNKNOWN
			    : probed[0] >= probed[1] ? PB_PEER_SHARED : PB_PEER_ACROSS;
		for (int side = 0; side < 2; side++)
			w->median[side] = w->reps[side] >= PB_PLACEMENT_MIN_REPS
						  ? pb_median_inplace(x[side], w->reps[side])
						  : NAN;
	}
	free(x[0]);
	free(x[1]);
	return err;
}

/* Whether row i is another runner's fastest cell in the group. */
static int is_rival(const struct pb_findings *f, const struct pb_group *grp, size_t i)
{
	if (grp->best < 0 || (long)i == grp->best || !same_group(f, grp->first, i) ||
	    !pb_findings_usable(f, i))
		return 0;
	const char *runner = field(f, i, PB_KEY_RUNNER);
	if (!strcmp(runner, field(f, (size_t)grp->best, PB_KEY_RUNNER)))
		return 0;
	for (size_t j = 0; j < f->run->summary.row_count; j++)
		if (j != i && same_group(f, grp->first, j) && pb_findings_usable(f, j) &&
		    !strcmp(field(f, j, PB_KEY_RUNNER), runner) &&
		    (median_of(f, j) < median_of(f, i) || (median_of(f, j) == median_of(f, i) && j < i)))
			return 0; /* not its runner's fastest */
	return 1;
}

/* The verified seconds of summary row `row` by round (rounds_ci.h), the
 * round 0 for all where raw.csv has no round column; x and round are
 * scratch of raw's size.  0 or a negative errno; s->n == 0: none. */
static int samples_of(const struct pb_findings *f, const struct raw_columns *c,
		      const long *cell, long row, double *x, unsigned *round, struct pb_rounds *s)
{
	const struct pb_table *raw = &f->run->raw;
	size_t n = 0;
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < raw->row_count; i++)
		if (cell[i] == row && (c->ok < 0 || strcmp(pb_field(raw, i, c->ok), "1") == 0)) {
			round[n] = c->round >= 0 ? (unsigned)strtoul(pb_field(raw, i, c->round), NULL, 10)
						 : 0;
			x[n++] = pb_field_num(raw, i, c->seconds);
		}
	return n ? pb_rounds_make(x, round, n, s) : 0;
}

/* A cell's pair_sd (base/run_level.h): NaN where its run had no profile. */
static double pair_sd(const struct pb_findings *f, long row)
{
	return f->pair_sd >= 0 ? pb_field_num(&f->run->summary, (size_t)row, f->pair_sd) : NAN;
}

/* Each group's verdict: every other runner's fastest cell against the
 * best, by the interval of the ratio of their medians (base/rounds_ci.h). */
static int judge(struct pb_findings *f, const struct raw_columns *c, const long *cell)
{
	size_t n = f->run->raw.row_count + 1;
	double *best = malloc(n * sizeof(*best)), *other = malloc(n * sizeof(*other));
	unsigned *round = malloc(n * sizeof(*round));
	int err = best && other && round ? 0 : -ENOMEM;

	for (size_t g = 0; !err && g < f->group_count; g++) {
		struct pb_group *grp = &f->groups[g];
		struct pb_rounds sb = {0}, so;
		grp->up_ratio = grp->up_low = grp->up_high = NAN;
		if (grp->best >= 0 && (err = samples_of(f, c, cell, grp->best, best, round, &sb)))
			break;
		int tested = 0, tie = 0;
		for (size_t i = 0; sb.n && i < f->run->summary.row_count; i++) {
			long rival = (long)i;
			if (!is_rival(f, grp, i))
				continue;
			if ((err = samples_of(f, c, cell, rival, other, round, &so)))
				break;
			struct pb_ratio_ci ci;
			/* Rounds and repetitions drawn, and the run level the two
			 * cells do not share: a tie is a tie a rerun could show,
			 * not only this run's repetitions. */
			if (so.n && pb_rounds_ratio_ci(&sb, &so, PB_BOOTSTRAP_ITERATIONS, 0.95,
						       UINT64_C(0x5eed) ^ g, &ci) == 0) {
				tested = 1;
				pb_run_level_widen(ci.ratio,
						   pb_run_level_pair(pair_sd(f, grp->best), pair_sd(f, rival)),
						   &ci.low, &ci.high);
				if (rival == grp->runner_up) {
					grp->up_ratio = ci.ratio;
					grp->up_low = ci.low;
					grp->up_high = ci.high;
				}
				if (ci.low <= 1 && grp->tied_count < PB_MAX_TIED) {
					grp->tied[grp->tied_count++] = rival;
					tie = 1;
				}
			}
			pb_rounds_free(&so);
		}
		pb_rounds_free(&sb);
		grp->verdict = !tested ? PB_WIN_UNTESTED : tie ? PB_WIN_TIE : PB_WIN_CLEAR;
	}
	free(round);
	free(best);
	free(other);
	return err;
}

static int from_raw(struct pb_findings *f)
{
	struct raw_columns c;
	const struct pb_table *raw = &f->run->raw;

	if (!pb_table_present(raw) || raw_columns(raw, &c))
		return 0; /* an older or partial run: no per-repetition figures */
	long *cell = malloc((raw->row_count + 1) * sizeof(*cell));
	f->where = calloc(f->run->summary.row_count + 1, sizeof(*f->where));
	int err = cell && f->where ? 0 : -ENOMEM;
	for (size_t i = 0; !err && i < raw->row_count; i++)
		cell[i] = cell_of(f, &c, i);
	if (!err && isfinite(f->lowest))
		err = probes(f, &c, cell);
	if (!err)
		err = cell_where(f, &c, cell);
	if (!err)
		err = judge(f, &c, cell);
	free(cell);
	return err;
}

int pb_findings_compute(const struct pb_run *run, struct pb_findings *f)
{
	const struct pb_table *t = &run->summary;

	memset(f, 0, sizeof(*f));
	f->run = run;
	f->probe_median = f->probe_p5 = f->probe_p95 = NAN;
	if (pb_table_key_columns_known(t, f->key))
		return -EINVAL;
	f->median = pb_table_column(t, "median_s");
	f->status = pb_table_column(t, "status");
	f->pair_sd = pb_table_column(t, "pair_sd");
	f->several_pins = pb_rows_vary(t->rows, t->row_count, f->key[PB_KEY_PIN]);
	const char *cpus = pb_run_provenance(run, "allowed_cpus");
	f->allowed_cpus = cpus ? (unsigned)strtoul(cpus, NULL, 10) : 0;
	sensor(f);
	binding(f);
	int err = find_groups(f);
	if (!err)
		err = from_raw(f);
	if (err)
		pb_findings_free(f);
	return err;
}

void pb_findings_free(struct pb_findings *f)
{
	free(f->groups);
	free(f->where);
	f->groups = NULL;
	f->where = NULL;
	f->group_count = 0;
}
