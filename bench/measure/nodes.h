/* The nodes a sweep ran on, for its provenance. */
#ifndef PB_NODES_H
#define PB_NODES_H

#include <stddef.h>

#include "../model/result.h"

/*
 * Adds to dir/name (the provenance this sweep wrote) every node its
 * workers ran on (nodes=, nodes.count=) and, for the cell that spanned the
 * most nodes, its workers per node (nodes.workers_per_node=n1:2,n2:1),
 * committed in one piece.  Returns 0 or a negative errno.
 */
int pb_nodes_add_to_provenance(const char *dir, const char *name,
			       const struct pb_cell_result *results, size_t count);

#endif
