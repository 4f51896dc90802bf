#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fail.h"
#include "../base/stats.h"
#include "../model/identity.h"
#include "../store/runfiles.h"
#include "noise.h"

/* Sizes of the runs of consecutive repetitions whose medians are compared. */
#define LARGEST_BLOCK 12
static const size_t block_sizes[] = {3, 6, LARGEST_BLOCK};
#define BLOCKS (sizeof(block_sizes) / sizeof(block_sizes[0]))
#define LAGS 3

/* Sums over a cell's rounds, each taken about its own round's mean. */
struct structure {
	size_t reps, rounds;
	double sq;                  /* squared deviations of the logs */
	double lag[LAGS];           /* lag[l]: products of deviations l + 1 apart */
	size_t pairs[LAGS];
	double block_sq[BLOCKS];    /* squared deviations of block medians' logs */
	size_t blocks[BLOCKS], block_rounds[BLOCKS];
};

/* The median of the logs x[0..n); buf holds n. */
static double log_median(const double *x, size_t n, double *buf)
{
	memcpy(buf, x, n * sizeof(*buf));
	return pb_median_inplace(buf, n);
}

/* Adds one round's logs x[0..n), in the order they ran. */
static void add_round(struct structure *s, const double *x, size_t n)
{
	double mean = 0, buf[LARGEST_BLOCK];
	for (size_t i = 0; i < n; i++)
		mean += x[i] / (double)n;
	s->reps += n;
	s->rounds++;
	for (size_t i = 0; i < n; i++) {
		s->sq += (x[i] - mean) * (x[i] - mean);
		for (size_t l = 0; l < LAGS && i + l + 1 < n; l++) {
			s->lag[l] += (x[i] - mean) * (x[i + l + 1] - mean);
			s->pairs[l]++;
		}
	}
	for (size_t b = 0; b < BLOCKS; b++) {
		size_t size = block_sizes[b], count = n / size;
		double bmean = 0;
		if (count < 2)
			continue;
		/* Twice over the blocks rather than an array of their medians. */
		for (size_t k = 0; k < count; k++)
			bmean += log_median(x + k * size, size, buf) / (double)count;
		for (size_t k = 0; k < count; k++) {
			double d = log_median(x + k * size, size, buf) - bmean;
			s->block_sq[b] += d * d;
		}
		s->blocks[b] += count;
		s->block_rounds[b]++;
	}
}

struct raw_columns {
	int key[PB_KEY_COUNT], seconds, ok, round;
};

/* The structure of the cell of row `first`, from its verified repetitions
 * (logs into x, which holds the table's rows); rows of that cell are
 * marked in seen. */
static void cell_structure(const struct pb_table *t, const struct raw_columns *c, size_t first,
			   unsigned char *seen, double *x, struct structure *s)
{
	size_t n = 0;
	const char *round = NULL;
	memset(s, 0, sizeof(*s));
	for (size_t i = first; i <= t->row_count; i++) {
		int same = i < t->row_count && !seen[i] &&
			   pb_rows_same_cell(t->rows[first], c->key, t->rows[i], c->key);
		/* A round ends where another begins, and with the table. */
		if (n && (i == t->row_count ||
			  (same && strcmp(pb_field(t, i, c->round), round) != 0))) {
			if (n >= PB_NOISE_MIN_REPS)
				add_round(s, x, n);
			n = 0;
		}
		if (!same)
			continue;
		seen[i] = 1;
		double sec = pb_field_num(t, i, c->seconds);
		if (strcmp(pb_field(t, i, c->ok), "1") != 0 || !(sec > 0))
			continue;
		round = pb_field(t, i, c->round);
		x[n++] = log(sec);
	}
}

static void print_cell(FILE *out, const struct pb_table *t, const struct raw_columns *c,
		       size_t row, const struct structure *s)
{
	const double sd = sqrt(s->sq / (double)(s->reps - s->rounds));
	const double var = s->sq / (double)s->reps;
	fprintf(out, "%s n=%s %s %s w=%s: %zu repetitions in %zu round%s\n",
		pb_field(t, row, c->key[PB_KEY_KERNEL]), pb_field(t, row, c->key[PB_KEY_N]),
		pb_field(t, row, c->key[PB_KEY_RUNNER]), pb_field(t, row, c->key[PB_KEY_SCHEDULE]),
		pb_field(t, row, c->key[PB_KEY_WORKERS]), s->reps, s->rounds,
		s->rounds == 1 ? "" : "s");
	fprintf(out, "  one repetition varies by %.1f%%; neighbours agree:", 100 * sd);
	for (size_t l = 0; l < LAGS; l++)
		fprintf(out, " %.2f", s->pairs[l] && var > 0 ? s->lag[l] / (double)s->pairs[l] / var
							   : NAN);
	fputs(" at lags 1-3\n  medians of", out);
	for (size_t b = 0; b < BLOCKS; b++)
		fprintf(out, "%s %zu", b ? (b + 1 == BLOCKS ? " and" : ",") : "", block_sizes[b]);
	fputs(" consecutive ones vary by", out);
	for (size_t b = 0; b < BLOCKS; b++) {
		size_t df = s->blocks[b] - s->block_rounds[b];
		if (df)
			fprintf(out, "%s %.1f%%", b ? "," : "", 100 * sqrt(s->block_sq[b] / (double)df));
		else
			fprintf(out, "%s -", b ? "," : "");
	}
	fputc('\n', out);
}

int pb_noise_run(const char *path, FILE *out, char *err, size_t errlen)
{
	struct pb_run run;
	struct raw_columns c;
	int e = pb_run_open(path, PB_RUN_RAW, &run, err, errlen);
	const struct pb_table *t = &run.raw;
	unsigned char *seen = NULL;
	double *x = NULL;
	size_t shown = 0;

	if (!e && (pb_table_key_columns_known(t, c.key) ||
		   (c.seconds = pb_table_column(t, "seconds")) < 0 ||
		   (c.ok = pb_table_column(t, "ok")) < 0 || (c.round = pb_table_column(t, "round")) < 0))
		e = pb_fail(err, errlen, -EINVAL, "%s/raw.csv lacks the columns of a cell's "
			    "repetitions", run.dir);
	if (!e && (!(seen = calloc(t->row_count + 1, 1)) ||
		   !(x = malloc((t->row_count + 1) * sizeof(*x)))))
		e = pb_fail(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; !e && i < t->row_count; i++) {
		struct structure s;
		if (seen[i])
			continue;
		cell_structure(t, &c, i, seen, x, &s);
		if (!s.rounds)
			continue;
		if (!shown++)
			fprintf(out, "How the repetitions of %s vary over time, within each round in "
				     "the order they ran\n(standard deviations of the log, about each "
				     "round's mean; cells with rounds of %d or more):\n",
				run.id, PB_NOISE_MIN_REPS);
		print_cell(out, t, &c, i, &s);
	}
	if (!e && !shown)
		e = pb_fail(err, errlen, -EINVAL, "no cell of %s has %d verified repetitions in a "
			    "round (make bench-noise runs one)", run.dir, PB_NOISE_MIN_REPS);
	free(seen);
	free(x);
	pb_run_close(&run);
	return e;
}
