/*
 * Where the sweep's workers ran, added to the provenance when the cells
 * are done: only then is it known (a launcher places MPI ranks as each
 * cell's job starts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodes.h"
#include "../store/rundir.h"

/* Whether the name (len bytes) is among the ';'- or ','-separated list. */
static int listed(const char *list, const char *name, size_t len)
{
	for (const char *p = list; *p; p += strcspn(p, ";,"), p += *p != '\0') {
		size_t n = strcspn(p, ";,");
		if (n == len && strncmp(p, name, len) == 0)
			return 1;
	}
	return 0;
}

/* Every node of every cell, in the order they first appear, ','-separated. */
static void all_nodes(const struct pb_cell_result *results, size_t count, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		const char *p = results[i].nodes;
		for (; p && *p; p += strcspn(p, ";"), p += *p == ';') {
			size_t n = strcspn(p, ";");
			if (listed(out, p, n) || used + n + 2 > len)
				continue;
			used += (size_t)snprintf(out + used, len - used, "%s%.*s", used ? "," : "",
						 (int)n, p);
		}
	}
}

/* "n1:2,n2:1": how many workers of one cell ran on each of its nodes. */
static void per_node(const char *nodes, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (const char *p = nodes; *p; p += strcspn(p, ";"), p += *p == ';') {
		size_t n = strcspn(p, ";");
		int first = 1, ranks = 0;
		for (const char *q = nodes; q < p && first; q += strcspn(q, ";") + 1)
			first = !(strcspn(q, ";") == n && strncmp(q, p, n) == 0);
		if (!first)
			continue;
		for (const char *q = p; *q; q += strcspn(q, ";"), q += *q == ';')
			ranks += strcspn(q, ";") == n && strncmp(q, p, n) == 0;
		int w = snprintf(out + used, len - used, "%s%.*s:%d", used ? "," : "", (int)n, p,
				 ranks);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

int pb_nodes_add_to_provenance(const char *dir, const char *name,
			       const struct pb_cell_result *results, size_t count)
{
	char path[PB_PATH_MAX];
	int err = 0;

	/* The widest cell: the most nodes, then the most workers. */
	const struct pb_cell_result *widest = NULL;
	for (size_t i = 0; i < count; i++) {
		unsigned nodes = pb_nodes_count(results[i].nodes);
		if (nodes && (!widest || nodes > pb_nodes_count(widest->nodes) ||
			      (nodes == pb_nodes_count(widest->nodes) &&
			       results[i].cell.workers > widest->cell.workers)))
			widest = &results[i];
	}
	if (!widest)
		return 0; /* no cell opened: nothing known */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = pb_file_read(path, &err);
	if (!text)
		return err;
	char *list = malloc(PB_NODES_MAX), *ranks = malloc(PB_NODES_MAX);
	struct pb_outfile out;
	if (!list || !ranks)
		err = -ENOMEM;
	else if (!(err = pb_outfile_open(&out, dir, name))) {
		all_nodes(results, count, list, PB_NODES_MAX);
		per_node(widest->nodes, ranks, PB_NODES_MAX);
		const struct pb_cell *c = &widest->cell;
		fputs(text, out.f);
		unsigned listed_count = list[0] != '\0';
		for (const char *p = list; *p; p++)
			listed_count += *p == ',';
		fprintf(out.f, "nodes=%s\nnodes.count=%u\n", list, listed_count);
		fprintf(out.f, "nodes.widest_cell=%s %s w=%u (%s n=%llu)\n", c->runner->name,
			pb_cell_schedule_name(c), c->workers, c->kernel->name,
			(unsigned long long)c->n);
		fprintf(out.f, "nodes.workers_per_node=%s\n", ranks);
		err = pb_outfile_commit(&out);
	}
	free(list);
	free(ranks);
	free(text);
	return err;
}
