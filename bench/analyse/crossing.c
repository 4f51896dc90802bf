#include <math.h>
#include <string.h>

#include "crossing.h"

static int significantly_faster(const struct pb_size_point *p)
{
	return isfinite(p->low) && p->low > 1;
}

void pb_crossing_find(const struct pb_size_point *pts, size_t count, struct pb_crossing *out)
{
	memset(out, 0, sizeof(*out));
	out->cross = NAN;
	if (count < 2) {
		out->kind = PB_CROSSING_ONE_SIZE;
		return;
	}
	/* The run of significant wins that reaches the largest size: a win
	 * at a small size followed by a loss says nothing about break-even. */
	size_t from = count;
	while (from > 0 && significantly_faster(&pts[from - 1]))
		from--;
	if (from == count) {
		out->kind = PB_CROSSING_NOT_FASTER;
		return;
	}
	out->significant_from = pts[from].n;
	/* The last size at or below speedup 1 before that run: the crossing
	 * lies between it and the next size.  Sizes between that are faster
	 * but not significantly so are part of the climb. */
	size_t at = from;
	while (at > 0 && !(pts[at - 1].speedup <= 1))
		at--;
	if (at == 0) {
		out->kind = PB_CROSSING_BELOW;
		out->below = out->above = pts[0].n;
		out->cross = (double)pts[0].n;
		return;
	}
	const struct pb_size_point *a = &pts[at - 1], *b = &pts[at];
	out->kind = PB_CROSSING_BETWEEN;
	out->below = a->n;
	out->above = b->n;
	double la = log(a->speedup), lb = log(b->speedup);
	/* a->speedup <= 1 < b->speedup, so lb > la; a speedup of 0 (never
	 * measured so) would give -inf: the crossing is then at b. */
	double t = isfinite(la) && lb > la ? -la / (lb - la) : 1;
	out->cross = exp(log((double)a->n) + t * (log((double)b->n) - log((double)a->n)));
}

const char *pb_crossing_name(enum pb_crossing_kind kind)
{
	switch (kind) {
	case PB_CROSSING_NOT_FASTER: return "not-faster";
	case PB_CROSSING_BELOW: return "below-smallest";
	case PB_CROSSING_BETWEEN: return "crossed";
	default: return "one-size";
	}
}
