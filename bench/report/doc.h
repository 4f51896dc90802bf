/*
 * A document written twice, as HTML and as Markdown, by the same code:
 * the report calls these operations and each format escapes its own text.
 * Every text argument is plain text, never markup.
 */
#ifndef PB_DOC_H
#define PB_DOC_H

#include <stddef.h>
#include <stdio.h>

struct pb_doc_ops {
	const char *file_name; /* index.html, index.md */
	void (*begin)(FILE *f, const char *title);
	void (*end)(FILE *f);
	void (*heading)(FILE *f, int level, const char *text);
	void (*para)(FILE *f, const char *text);
	void (*table_begin)(FILE *f, const char *const *head, size_t n);
	void (*table_row)(FILE *f, const char *const *cells, size_t n);
	void (*table_end)(FILE *f);
	/* src: a relative path; link: the image at full size, or NULL; wide:
	 * the page's width rather than half of it. */
	void (*image)(FILE *f, const char *src, const char *alt, const char *link, int wide);
};

extern const struct pb_doc_ops pb_doc_html, pb_doc_md;

/* Escapes text for HTML element content and attribute values. */
void pb_html_escape(FILE *f, const char *text);

#endif
