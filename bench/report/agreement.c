#include <errno.h>
#include <math.h>
#include <string.h>

#include "../analyse/findings.h"
#include "agreement.h"

/* The row of f's run with the same cell as row i of g's, or -1. */
static long same_cell(const struct pb_findings *f, const struct pb_findings *g, size_t i)
{
	return pb_rows_find_cell(f->run->summary.rows, f->run->summary.row_count, f->key,
				 g->run->summary.rows[i], g->key);
}

static void count_medians(const struct pb_findings *fa, const struct pb_findings *fb,
			  struct pb_agreement *ag)
{
	for (size_t i = 0; i < fa->run->summary.row_count; i++) {
		long j = same_cell(fb, fa, i);
		if (j < 0 || !pb_findings_usable(fa, i) || !pb_findings_usable(fb, (size_t)j))
			continue;
		double x = pb_field_num(&fa->run->summary, i, fa->median),
		       y = pb_field_num(&fb->run->summary, (size_t)j, fb->median);
		ag->cells++;
		ag->medians_within += fabs(y / x - 1) <= PB_AGREE_MEDIAN;
	}
}

static const char *field(const struct pb_findings *f, long row, int key)
{
	return pb_field(&f->run->summary, (size_t)row, f->key[key]);
}

/* B's group with the kernel and n of A's group g, or NULL. */
static const struct pb_group *same_group(const struct pb_findings *fb,
					 const struct pb_findings *fa, const struct pb_group *g)
{
	for (size_t k = 0; k < fb->group_count; k++) {
		const struct pb_group *h = &fb->groups[k];
		if (!strcmp(field(fb, (long)h->first, PB_KEY_KERNEL),
			    field(fa, (long)g->first, PB_KEY_KERNEL)) &&
		    !strcmp(field(fb, (long)h->first, PB_KEY_N), field(fa, (long)g->first, PB_KEY_N)))
			return h;
	}
	return NULL;
}

static void count_winners(const struct pb_findings *fa, const struct pb_findings *fb,
			  struct pb_agreement *ag)
{
	for (size_t k = 0; k < fa->group_count; k++) {
		const struct pb_group *g = &fa->groups[k], *h = same_group(fb, fa, g);
		if (!h || g->best < 0 || h->best < 0)
			continue;
		ag->groups++;
		const char *wa = field(fa, g->best, PB_KEY_RUNNER), *wb = field(fb, h->best, PB_KEY_RUNNER);
		int tied = g->verdict == PB_WIN_TIE && h->verdict == PB_WIN_TIE;
		if (!strcmp(wa, wb) || tied) {
			ag->winners_agree++;
			continue;
		}
		if (ag->differ_count < sizeof(ag->differ) / sizeof(ag->differ[0]))
			snprintf(ag->differ[ag->differ_count++], sizeof(ag->differ[0]),
				 "%s n=%s: %s%s in A, %s%s in B", field(fa, (long)g->first, PB_KEY_KERNEL),
				 field(fa, (long)g->first, PB_KEY_N), wa,
				 g->verdict == PB_WIN_TIE ? " (tied)" : "", wb,
				 h->verdict == PB_WIN_TIE ? " (tied)" : "");
	}
}

int pb_agreement_print(FILE *out, const struct pb_run *a, const struct pb_run *b,
		       struct pb_agreement *ag)
{
	struct pb_findings fa, fb;
	memset(ag, 0, sizeof(*ag));
	int e = pb_findings_compute(a, &fa);
	if (e == -ENOMEM)
		return e;
	if (e) {
		fputs("agreement: A's cells cannot be grouped by kernel\n", out);
		return 0;
	}
	if ((e = pb_findings_compute(b, &fb))) {
		pb_findings_free(&fa);
		if (e == -ENOMEM)
			return e;
		fputs("agreement: B's cells cannot be grouped by kernel\n", out);
		return 0;
	}
	count_medians(&fa, &fb, ag);
	count_winners(&fa, &fb, ag);
	pb_findings_free(&fa);
	pb_findings_free(&fb);
	fprintf(out, "medians within %.0f%% of A's: %zu of %zu verified cells (%.1f%%)\n",
		100 * PB_AGREE_MEDIAN, ag->medians_within, ag->cells,
		ag->cells ? 100.0 * (double)ag->medians_within / (double)ag->cells : 0.0);
	fprintf(out, "winner per kernel and n the same runner, or a tie in both: %zu of %zu",
		ag->winners_agree, ag->groups);
	for (size_t i = 0; i < ag->differ_count; i++)
		fprintf(out, "%s %s", i ? ";" : "; differ:", ag->differ[i]);
	fputc('\n', out);
	return 0;
}
