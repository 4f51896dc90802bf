#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/fail.h"
#include "../base/paths.h"
#include "drawn.h"

int pb_drawn_add(struct pb_drawn *drawn, const char *dir, const char *base, const char *type,
		 size_t row, char *err, size_t errlen)
{
	static const char *const formats[] = {"png", "svg"};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char path[PB_PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s.%s", dir, base, formats[i]);
		/* gnuplot says nothing when it could not finish a file (a full
		 * disk): a chart is drawn only when both files have content. */
		if (stat(path, &st) != 0 || st.st_size == 0)
			return pb_fail(err, errlen, -EIO, "gnuplot wrote no %s", path);
	}
	if (drawn->count == PB_DRAWN_MAX)
		return pb_fail(err, errlen, -EIO, "more than %d charts", PB_DRAWN_MAX);
	struct pb_drawn_chart *c = &drawn->chart[drawn->count++];
	snprintf(c->base, sizeof(c->base), "%s", base);
	snprintf(c->type, sizeof(c->type), "%s", type);
	c->row = row;
	return 0;
}

const struct pb_drawn_chart *pb_drawn_find(const struct pb_drawn *drawn, const char *type,
					   size_t row)
{
	for (size_t i = 0; i < drawn->count; i++)
		if (!strcmp(drawn->chart[i].type, type) &&
		    (drawn->chart[i].row == row || !strcmp(type, "overview")))
			return &drawn->chart[i];
	return NULL;
}
