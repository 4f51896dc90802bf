/* The report as Markdown (CommonMark with GitHub tables). */
#include <string.h>

#include "doc.h"

/* Backslash before any punctuation Markdown could read as markup; line
 * breaks become spaces so that a value never breaks a table row. */
static void escape(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\n' || *p == '\r')
			fputc(' ', f);
		else if (strchr("\\`*_{}[]<>()#+!|&~", *p))
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
	}
}

/* Markdown has no document head: the title is the first heading. */
static void begin(FILE *f, const char *title)
{
	(void)f;
	(void)title;
}

static void end(FILE *f)
{
	(void)f;
}

static void heading(FILE *f, int level, const char *text)
{
	for (int i = 0; i < level; i++)
		fputc('#', f);
	fputc(' ', f);
	escape(f, text);
	fputs("\n\n", f);
}

static void para(FILE *f, const char *text)
{
	escape(f, text);
	fputs("\n\n", f);
}

static void row(FILE *f, const char *const *cells, size_t n)
{
	fputc('|', f);
	for (size_t i = 0; i < n; i++) {
		fputc(' ', f);
		escape(f, cells[i]);
		fputs(" |", f);
	}
	fputc('\n', f);
}

static void table_begin(FILE *f, const char *const *head, size_t n)
{
	row(f, head, n);
	fputc('|', f);
	for (size_t i = 0; i < n; i++)
		fputs("---|", f);
	fputc('\n', f);
}

static void table_end(FILE *f)
{
	fputc('\n', f);
}

/* Relative paths are made of plain characters (see pb_chart_basename);
 * <...> keeps them one link destination whatever they hold. */
static void image(FILE *f, const char *src, const char *alt, const char *link, int wide)
{
	(void)wide;
	if (link)
		fputc('[', f);
	fputs("![", f);
	escape(f, alt);
	fprintf(f, "](<%s>)", src);
	if (link)
		fprintf(f, "](<%s>)", link);
	fputs("\n\n", f);
}

const struct pb_doc_ops pb_doc_md = {
	.file_name = "index.md",
	.begin = begin,
	.end = end,
	.heading = heading,
	.para = para,
	.table_begin = table_begin,
	.table_row = row,
	.table_end = table_end,
	.image = image,
};
