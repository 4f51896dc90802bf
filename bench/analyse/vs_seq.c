#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vs_seq.h"

static enum pb_vs_seq_verdict judge(double ratio, double low, double high)
{
	if (!isfinite(low) || !isfinite(high))
		return PB_VS_SEQ_NO_INTERVAL;
	if (low <= 1 && high >= 1)
		return PB_VS_SEQ_TIE;
	if (fabs(ratio - 1) <= PB_VS_SEQ_TOLERANCE)
		return PB_VS_SEQ_WITHIN;
	return ratio > 1 ? PB_VS_SEQ_SLOWER : PB_VS_SEQ_FASTER;
}

/* Whether the row is a one-worker cell the comparison means something for. */
static int one_worker(const struct pb_findings *f, size_t row)
{
	const struct pb_table *t = &f->run->summary;
	const char *sched = pb_field(t, row, f->key[PB_KEY_SCHEDULE]);
	unsigned long workers = strtoul(pb_field(t, row, f->key[PB_KEY_WORKERS]), NULL, 10);
	unsigned long inflight = f->key[PB_KEY_INFLIGHT] >= 0
		? strtoul(pb_field(t, row, f->key[PB_KEY_INFLIGHT]), NULL, 10) : 1;
	return workers == 1 && inflight <= 1 && strcmp(sched, "none") != 0 &&
	       pb_findings_usable(f, row);
}

size_t pb_vs_seq_find(const struct pb_findings *f, struct pb_vs_seq *out, size_t max)
{
	const struct pb_table *t = &f->run->summary;
	int sp = pb_table_column(t, "speedup"), lo = pb_table_column(t, "speedup_ci_low"),
	    hi = pb_table_column(t, "speedup_ci_high");
	size_t n = 0;
	if (sp < 0)
		return 0;
	for (size_t i = 0; i < t->row_count && n < max; i++) {
		double s = pb_field_num(t, i, sp);
		if (!one_worker(f, i) || !(s > 0))
			continue;
		/* Time over seq's is the speedup's inverse, its CI too. */
		double l = lo >= 0 ? pb_field_num(t, i, lo) : NAN;
		double h = hi >= 0 ? pb_field_num(t, i, hi) : NAN;
		struct pb_vs_seq *v = &out[n++];
		v->row = i;
		v->ratio = 1 / s;
		v->low = h > 0 ? 1 / h : NAN;
		v->high = l > 0 ? 1 / l : NAN;
		v->verdict = judge(v->ratio, v->low, v->high);
	}
	return n;
}

const char *pb_vs_seq_words(enum pb_vs_seq_verdict v)
{
	switch (v) {
	case PB_VS_SEQ_TIE:
		return "a tie with seq";
	case PB_VS_SEQ_WITHIN:
		return "within 3%";
	case PB_VS_SEQ_SLOWER:
		return "slower, outside 3%";
	case PB_VS_SEQ_FASTER:
		return "faster, outside 3%";
	case PB_VS_SEQ_NO_INTERVAL:
		break;
	}
	return "no interval (one round)";
}
