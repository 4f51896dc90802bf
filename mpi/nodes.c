/*
 * Where the ranks are: each rank's node (its hostname) for the driver,
 * and its index among the ranks that share its CPUs, for binding.
 *
 * Ranks that share CPUs are those on the same running kernel, told by its
 * boot id, not those MPI puts on one node: MPI knows nodes from the
 * launcher (one daemon per hostfile entry, Slurm's per-node lists), and
 * nodes that are containers or namespaces of one machine share its
 * physical cores.  Binding by MPI's local rank would put the first rank
 * of every such node on the same core; binding by the index among ranks
 * of one kernel spreads them.  On real nodes the two are the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rank.h"

#define BOOT_ID_MAX 40

/* The running kernel's boot id, or the hostname where it cannot be read
 * (then each node counts as a machine of its own, as MPI would). */
static void machine_id(char *id, size_t len, const char *host)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	id[0] = '\0';
	if (f) {
		if (!fgets(id, (int)len, f))
			id[0] = '\0';
		fclose(f);
	}
	id[strcspn(id, "\n")] = '\0';
	if (!id[0])
		snprintf(id, len, "host:%s", host);
}

int pb_rank_locate(struct pb_rank *st)
{
	char host[PB_MPI_NODE_MAX] = "", id[BOOT_ID_MAX];

	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		snprintf(host, sizeof(host), "unknown");
	/* One token per rank on the ready line. */
	for (char *p = host; *p; p++)
		if (*p == ' ' || *p == ';' || *p == ',')
			*p = '_';
	machine_id(id, sizeof(id), host);

	char (*ids)[BOOT_ID_MAX] = calloc((size_t)st->size, sizeof(*ids));
	st->nodes = calloc((size_t)st->size, sizeof(*st->nodes));
	if (!ids || !st->nodes) {
		free(ids);
		return -1;
	}
	MPI_Allgather(host, PB_MPI_NODE_MAX, MPI_CHAR, st->nodes, PB_MPI_NODE_MAX, MPI_CHAR,
		      MPI_COMM_WORLD);
	MPI_Allgather(id, BOOT_ID_MAX, MPI_CHAR, ids, BOOT_ID_MAX, MPI_CHAR, MPI_COMM_WORLD);
	st->machine_rank = 0;
	for (int r = 0; r < st->rank; r++)
		st->machine_rank += strcmp(ids[r], id) == 0;
	free(ids);
	return 0;
}
