/* The report as one self-contained HTML page: inline style, no scripts,
 * no fonts or files from elsewhere, images by relative path. */
#include "doc.h"

void pb_html_escape(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++)
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f); break;
		}
}

static void begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>", f);
	pb_html_escape(f, title);
	fputs("</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:1000px;margin:1em auto;padding:0 1em;"
	      "color:#222;line-height:1.4}\n"
	      "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}\n"
	      "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\n"
	      "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
	      "vertical-align:top}\n"
	      "th{background:#f2f2f2}tr:nth-child(even) td{background:#fafafa}\n"
	      "td{font-variant-numeric:tabular-nums}\n"
	      "img{max-width:100%;height:auto;border:1px solid #eee}\n"
	      "p.chart{display:inline-block;width:49%;margin:.2em 0;vertical-align:top}\n"
	      "p.note{color:#555;font-size:.9em}\n"
	      "</style>\n</head>\n<body>\n", f);
}

static void end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

static void heading(FILE *f, int level, const char *text)
{
	fprintf(f, "<h%d>", level);
	pb_html_escape(f, text);
	fprintf(f, "</h%d>\n", level);
}

static void para(FILE *f, const char *text)
{
	fputs("<p class=\"note\">", f);
	pb_html_escape(f, text);
	fputs("</p>\n", f);
}

/* One table row of escaped cells, each in <tag>. */
static void cells_row(FILE *f, const char *tag, const char *const *cells, size_t n)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<%s>", tag);
		pb_html_escape(f, cells[i]);
		fprintf(f, "</%s>", tag);
	}
	fputs("</tr>", f);
}

static void table_begin(FILE *f, const char *const *head, size_t n)
{
	fputs("<table>\n<thead>", f);
	cells_row(f, "th", head, n);
	fputs("</thead>\n<tbody>\n", f);
}

static void table_row(FILE *f, const char *const *cells, size_t n)
{
	cells_row(f, "td", cells, n);
	fputc('\n', f);
}

static void table_end(FILE *f)
{
	fputs("</tbody>\n</table>\n", f);
}

static void image(FILE *f, const char *src, const char *alt, const char *link, int wide)
{
	fputs(wide ? "<p class=\"wide\">" : "<p class=\"chart\">", f);
	if (link) {
		fputs("<a href=\"", f);
		pb_html_escape(f, link);
		fputs("\">", f);
	}
	fputs("<img src=\"", f);
	pb_html_escape(f, src);
	fputs("\" alt=\"", f);
	pb_html_escape(f, alt);
	fputs("\">", f);
	if (link)
		fputs("</a>", f);
	fputs("</p>\n", f);
}

const struct pb_doc_ops pb_doc_html = {
	.file_name = "index.html",
	.begin = begin,
	.end = end,
	.heading = heading,
	.para = para,
	.table_begin = table_begin,
	.table_row = table_row,
	.table_end = table_end,
	.image = image,
};
