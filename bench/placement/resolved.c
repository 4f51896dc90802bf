#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolved.h"

struct entry {
	struct hwloc_topology *topo;
	char policy[PB_PLACEMENT_NAME_MAX];
	unsigned workers;
	int *cpus;            /* workers entries */
	int oversubscribed, err;
	char why[PB_PLACEMENT_WHY];
};

struct pb_resolved {
	struct entry *entries;
	size_t count, cap;
	unsigned lookups;
};

int pb_resolved_create(struct pb_resolved **r)
{
	*r = calloc(1, sizeof(**r));
	return *r ? 0 : -ENOMEM;
}

void pb_resolved_free(struct pb_resolved *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		free(r->entries[i].cpus);
	free(r->entries);
	free(r);
}

static struct entry *find(struct pb_resolved *r, struct hwloc_topology *topo,
			  const struct pb_placement *p, unsigned workers)
{
	for (size_t i = 0; i < r->count; i++) {
		struct entry *e = &r->entries[i];
		if (e->topo == topo && e->workers == workers &&
		    strcmp(e->policy, pb_placement_name(p)) == 0)
			return e;
	}
	return NULL;
}

/* A new entry, resolved; NULL when out of memory. */
static struct entry *add(struct pb_resolved *r, struct hwloc_topology *topo,
			 const struct pb_placement *p, unsigned workers)
{
	if (r->count == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct entry *grown = realloc(r->entries, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		r->entries = grown;
		r->cap = cap;
	}
	struct entry *e = &r->entries[r->count];
	memset(e, 0, sizeof(*e));
	if (!(e->cpus = malloc((workers ? workers : 1) * sizeof(*e->cpus))))
		return NULL;
	e->topo = topo;
	e->workers = workers;
	snprintf(e->policy, sizeof(e->policy), "%s", pb_placement_name(p));
	r->lookups++;
	e->err = pb_placement_cpus(topo, p, workers, e->cpus, &e->oversubscribed, e->why);
	r->count++;
	return e;
}

int pb_resolved_cpus(struct pb_resolved *r, struct hwloc_topology *topo,
		     const struct pb_placement *p, unsigned workers, int *cpus,
		     int *oversubscribed, char *why)
{
	if (!r)
		return pb_placement_cpus(topo, p, workers, cpus, oversubscribed, why);
	struct entry *e = find(r, topo, p, workers);
	if (!e && !(e = add(r, topo, p, workers)))
		return -ENOMEM;
	if (why && e->err)
		snprintf(why, PB_PLACEMENT_WHY, "%s", e->why);
	if (oversubscribed)
		*oversubscribed = e->oversubscribed;
	if (!e->err)
		memcpy(cpus, e->cpus, workers * sizeof(*cpus));
	return e->err;
}

unsigned pb_resolved_lookups(const struct pb_resolved *r)
{
	return r ? r->lookups : 0;
}
