#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../base/fail.h"
#include "../base/paths.h"
#include "drawn.h"

/* What the last bytes of a complete file of each format hold: a PNG's
 * IEND chunk (length, type and CRC), an SVG's closing tag (gnuplot adds
 * newlines after it). */
#define TAIL 32
static const struct {
	const char *ext, *mark;
	size_t len;
} formats[] = {
	{"png", "\0\0\0\0IEND\xae\x42\x60\x82", 12},
	{"svg", "</svg>", 6},
};

/* Whether path ends as a complete file of format f does. */
static int complete(const char *path, size_t f)
{
	char tail[TAIL];
	size_t got = 0;
	FILE *in = fopen(path, "rb");
	if (!in)
		return 0;
	if (fseek(in, -TAIL, SEEK_END) != 0)
		rewind(in); /* a file shorter than TAIL */
	got = fread(tail, 1, sizeof(tail), in);
	fclose(in);
	return memmem(tail, got, formats[f].mark, formats[f].len) != NULL;
}

int pb_drawn_add(struct pb_drawn *drawn, const char *dir, const char *base, const char *type,
		 size_t row, char *err, size_t errlen)
{
	char path[2][PB_PATH_MAX];
	int whole = 1;

	for (size_t f = 0; f < 2; f++) {
		snprintf(path[f], sizeof(path[f]), "%s/%s.%s", dir, base, formats[f].ext);
		whole &= complete(path[f], f);
	}
	/* gnuplot says nothing when it could not finish a file (a full disk):
	 * a chart counts only when both files are whole, and a part of one is
	 * not left to look like a chart. */
	if (!whole) {
		unlink(path[0]);
		unlink(path[1]);
		return pb_fail(err, errlen, -EIO, "gnuplot could not finish %s/%s (.png, .svg): "
			       "is the disk full?", dir, base);
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
