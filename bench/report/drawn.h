/* The charts a run got: what the chart step hands the report. */
#ifndef PB_DRAWN_H
#define PB_DRAWN_H

#include <stddef.h>

#define PB_DRAWN_MAX 512

struct pb_drawn_chart {
	char base[256];  /* its file name without .png / .svg, in the plots folder */
	char type[16];   /* speedup, efficiency, time, bandwidth, overview, weak */
	size_t row;      /* the summary row that names its kernel and size */
};

/* What the chart step drew: every chart listed here has both files. */
struct pb_drawn {
	struct pb_drawn_chart chart[PB_DRAWN_MAX];
	size_t count;
};

/* Records a chart gnuplot just wrote as dir/base.png and .svg, once both
 * files are there and whole (a PNG ends with its IEND chunk, an SVG with
 * its closing tag); otherwise removes them and returns -EIO with a reason
 * in err. */
int pb_drawn_add(struct pb_drawn *drawn, const char *dir, const char *base, const char *type,
		 size_t row, char *err, size_t errlen);

/* The chart of that type for the kernel and size of summary row `row`
 * (any row for the overview), or NULL when none was drawn. */
const struct pb_drawn_chart *pb_drawn_find(const struct pb_drawn *drawn, const char *type,
					   size_t row);

#endif
