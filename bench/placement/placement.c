#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "placement.h"

#define LIST_PREFIX "list:"

static const char *const kind_names[PB_PLACE_COUNT] = {
	[PB_PLACE_NONE] = "none",
	[PB_PLACE_COMPACT] = "compact",
	[PB_PLACE_SCATTER] = "scatter",
	[PB_PLACE_LIST] = NULL, /* named by its list */
};

/* Reasons go to a caller's buffer only: library code never prints. */
__attribute__((format(printf, 2, 3)))
static void say(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, PB_PLACEMENT_WHY, fmt, ap);
	va_end(ap);
}

/* ---- CPU lists ---------------------------------------------------------- */

struct range {
	unsigned lo, hi;
};

/* A CPU number: decimal digits only, at most PB_PLACEMENT_CPU_MAX. */
static int parse_cpu(const char **s, unsigned *value, char *why)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p < '0' || *p > '9') {
		if (*p == '\0' || *p == ',' || *p == ';' || *p == '-')
			say(why, "empty item in CPU list");
		else
			say(why, "'%c' in a CPU list: expected digits, '-', ',' or ';'", *p);
		return -EINVAL;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > PB_PLACEMENT_CPU_MAX) {
			say(why, "CPU number above %d", PB_PLACEMENT_CPU_MAX);
			return -EINVAL;
		}
	}
	*value = (unsigned)v;
	*s = p;
	return 0;
}

/*
 * Splits a list ("0-3,8" or "0-3;8") into its ranges, in the order written.
 * r has room for strlen(text) / 2 + 1 ranges, which no valid list exceeds
 * (each range takes a digit and a separator).  Repeats are refused here so
 * that a list can never put two workers on one CPU by accident: sharing is
 * what more workers than CPUs is for.  Returns the count or -EINVAL.
 */
static int parse_ranges(const char *text, struct range *r, char *why)
{
	const char *p = text;
	int count = 0;

	if (*p == '\0') {
		say(why, "empty CPU list");
		return -EINVAL;
	}
	for (;;) {
		struct range cur;
		if (parse_cpu(&p, &cur.lo, why))
			return -EINVAL;
		cur.hi = cur.lo;
		if (*p == '-') {
			p++;
			if (parse_cpu(&p, &cur.hi, why))
				return -EINVAL;
			if (cur.hi < cur.lo) {
				say(why, "range %u-%u is descending", cur.lo, cur.hi);
				return -EINVAL;
			}
		}
		for (int i = 0; i < count; i++)
			if (cur.lo <= r[i].hi && r[i].lo <= cur.hi) {
				unsigned twice = cur.lo > r[i].lo ? cur.lo : r[i].lo;
				say(why, "CPU %u is listed twice", twice);
				return -EINVAL;
			}
		r[count++] = cur;
		if (*p == '\0')
			return count;
		if (*p != ',' && *p != ';') {
			say(why, "'%c' in a CPU list: expected digits, '-', ',' or ';'", *p);
			return -EINVAL;
		}
		p++;
		if (*p == '\0') {
			say(why, "empty item in CPU list");
			return -EINVAL;
		}
	}
}

/* Appends to a snprintf-style buffer, counting what did not fit. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	size_t room = *len < size ? size - *len : 0;

	va_start(ap, fmt);
	int n = vsnprintf(room ? buf + *len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

int pb_cpulist_format(const int *cpus, unsigned count, char *buf, size_t size)
{
	size_t len = 0;

	if ((!cpus && count) || (!buf && size))
		return -EINVAL;
	if (size)
		buf[0] = '\0';
	for (unsigned i = 0; i < count;) {
		const char *sep = i ? ";" : "";
		if (cpus[i] < 0) {
			append(buf, size, &len, "%s?", sep);
			i++;
			continue;
		}
		unsigned j = i;
		while (j + 1 < count && cpus[j] >= 0 && cpus[j] < INT_MAX &&
		       cpus[j + 1] == cpus[j] + 1)
			j++;
		if (j == i)
			append(buf, size, &len, "%s%d", sep, cpus[i]);
		else
			append(buf, size, &len, "%s%d-%d", sep, cpus[i], cpus[j]);
		i = j + 1;
	}
	return len > INT_MAX ? -EINVAL : (int)len;
}

/* ---- Policies ----------------------------------------------------------- */

int pb_placement_parse(const char *text, struct pb_placement *p, char *why)
{
	if (!p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->kind = PB_PLACE_NONE;
	snprintf(p->name, sizeof(p->name), "%s", kind_names[PB_PLACE_NONE]);
	if (!text) {
		say(why, "no placement given");
		return -EINVAL;
	}
	for (int k = 0; k < PB_PLACE_COUNT; k++)
		if (kind_names[k] && strcmp(text, kind_names[k]) == 0) {
			p->kind = (enum pb_placement_kind)k;
			snprintf(p->name, sizeof(p->name), "%s", kind_names[k]);
			return 0;
		}

	if (*text == '\0') {
		say(why, "empty placement: expected none, compact, scatter or a CPU "
		    "list like 0-3,8");
		return -EINVAL;
	}
	const char *list = text;
	if (strncmp(list, LIST_PREFIX, strlen(LIST_PREFIX)) == 0)
		list += strlen(LIST_PREFIX);
	else if (*list < '0' || *list > '9') {
		/* Neither a keyword nor a list: say both, not "bad digit". */
		say(why, "'%s' is not a placement: expected none, compact, scatter "
		    "or a CPU list like 0-3,8", text);
		return -EINVAL;
	}
	struct range *r = malloc((strlen(list) / 2 + 1) * sizeof(*r));
	if (!r) {
		say(why, "out of memory");
		return -ENOMEM;
	}
	int count = parse_ranges(list, r, why);
	if (count < 0) {
		free(r);
		return count;
	}

	/* The canonical form folds touching ranges ("0,1,2-3" is "0-3"), so one
	 * placement has one name in every CSV whatever way it was typed. */
	char name[PB_PLACEMENT_NAME_MAX];
	size_t len = 0;
	append(name, sizeof(name), &len, "%s", LIST_PREFIX);
	for (int i = 0; i < count;) {
		int j = i;
		while (j + 1 < count && r[j + 1].lo == r[j].hi + 1)
			j++;
		const char *sep = i ? ";" : "";
		if (r[i].lo == r[j].hi)
			append(name, sizeof(name), &len, "%s%u", sep, r[i].lo);
		else
			append(name, sizeof(name), &len, "%s%u-%u", sep, r[i].lo, r[j].hi);
		i = j + 1;
	}
	free(r);
	if (len >= sizeof(name)) {
		say(why, "CPU list longer than %d characters", PB_PLACEMENT_NAME_MAX - 1);
		return -E2BIG;
	}
	p->kind = PB_PLACE_LIST;
	memcpy(p->name, name, len + 1);
	return 0;
}

const char *pb_placement_name(const struct pb_placement *p)
{
	return p ? p->name : kind_names[PB_PLACE_NONE];
}

int pb_placement_binds(const struct pb_placement *p)
{
	return p && p->kind != PB_PLACE_NONE;
}

int pb_placement_topology_load(hwloc_topology_t *topo, const char *synthetic)
{
	hwloc_topology_t t;
	int err;

	if (!topo)
		return -EINVAL;
	*topo = NULL;
	if (hwloc_topology_init(&t) != 0)
		return errno ? -errno : -ENOMEM;
	if (synthetic && hwloc_topology_set_synthetic(t, synthetic) != 0) {
		err = -EINVAL;
		goto fail;
	}
	if (hwloc_topology_load(t) != 0) {
		err = errno ? -errno : -EIO;
		goto fail;
	}
	*topo = t;
	return 0;
fail:
	hwloc_topology_destroy(t);
	return err;
}

void pb_placement_topology_free(hwloc_topology_t topo)
{
	if (topo)
		hwloc_topology_destroy(topo);
}

/*
 * The PUs workers may be placed on.  hwloc's allowed cpuset already
 * reflects cgroups (containers, Slurm's task/cgroup); a narrower binding of
 * the process itself (taskset, mpirun or srun binding us) is only visible
 * through get_cpubind.  That query only means something when the topology
 * is this machine's, not a synthetic one in a test.
 */
static int usable_set(hwloc_topology_t topo, hwloc_bitmap_t set, char *why)
{
	if (hwloc_bitmap_and(set, hwloc_topology_get_allowed_cpuset(topo),
			     hwloc_topology_get_topology_cpuset(topo)) != 0)
		goto nomem;
	if (hwloc_topology_is_thissystem(topo)) {
		hwloc_bitmap_t bound = hwloc_bitmap_alloc();
		if (!bound)
			goto nomem;
		/* The calling thread's binding, not the process's: hwloc reads
		 * the process binding as the union over all its threads, and a
		 * helper thread that kept the full mask (a test framework's, a
		 * library's) would hide a narrowed one.  taskset and launchers
		 * bind before exec, so every thread carries their mask anyway.
		 * It is also what pb_allowed_cpus (sched_getaffinity) counts. */
		if (hwloc_get_cpubind(topo, bound, HWLOC_CPUBIND_THREAD) == 0) {
			if (hwloc_bitmap_and(set, set, bound) != 0) {
				hwloc_bitmap_free(bound);
				goto nomem;
			}
		}
		hwloc_bitmap_free(bound);
	}
	if (hwloc_bitmap_iszero(set)) {
		say(why, "no CPU is both allowed and in this process's binding");
		return -ENODEV;
	}
	return 0;
nomem:
	say(why, "out of memory");
	return -ENOMEM;
}

/* One usable PU and its sort keys. */
struct slot {
	int os;          /* OS index: what the runners bind to */
	unsigned rank;   /* 0 for the first usable PU of its core, 1 next... */
	unsigned domain; /* package or NUMA node it spreads over (scatter) */
	unsigned pos;    /* place among PUs of the same rank and domain */
	unsigned logical;
	hwloc_obj_t pu;
};

static int cmp_rank_domain_logical(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	return x->logical < y->logical ? -1 : x->logical > y->logical;
}

static int cmp_rank_pos_domain(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->domain < y->domain ? -1 : x->domain > y->domain;
}

static int all_same_domain(const struct slot *s, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		if (s[i].domain != s[0].domain)
			return 0;
	return 1;
}

/* The first NUMA node (logical order) holding the PU: nodes may overlap,
 * as DDR and MCDRAM do on KNL, and a PU must spread over one of them. */
static unsigned numa_domain(hwloc_topology_t topo, hwloc_obj_t pu)
{
	int nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);

	for (int i = 0; i < nodes; i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
		if (node && node->cpuset && hwloc_bitmap_isset(node->cpuset, pu->os_index))
			return (unsigned)i;
	}
	return 0;
}

/*
 * Sets domains for scatter: packages if the usable PUs lie in more than
 * one, else NUMA nodes if in more than one, else one domain.  Domains
 * without usable PUs are not domains at all, so a restricted set
 * (cgroups) spreads over what it actually spans.
 */
static void scatter_domains(hwloc_topology_t topo, struct slot *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, s[i].pu);
		s[i].domain = pkg ? pkg->logical_index : 0;
	}
	if (!all_same_domain(s, n))
		return;
	for (unsigned i = 0; i < n; i++)
		s[i].domain = numa_domain(topo, s[i].pu);
	if (!all_same_domain(s, n))
		return;
	for (unsigned i = 0; i < n; i++)
		s[i].domain = 0;
}

/*
 * The policy's order of usable PUs (compact or scatter) into order, which
 * has room for every PU of the topology.  Sorting by (rank within core,
 * place within domain, domain) gives round-robin over domains, cores in
 * logical order, and every core's first PU before any core's second.
 * Returns the count or a negative errno.
 */
static int policy_order(hwloc_topology_t topo, enum pb_placement_kind kind,
			hwloc_const_bitmap_t usable, int *order, char *why)
{
	int npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	int ncore = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	if (npu <= 0) {
		say(why, "the topology has no PU");
		return -ENODEV;
	}
	struct slot *s = calloc((size_t)npu, sizeof(*s));
	unsigned *per_core = calloc(ncore > 0 ? (size_t)ncore : 1, sizeof(*per_core));
	if (!s || !per_core) {
		free(s);
		free(per_core);
		say(why, "out of memory");
		return -ENOMEM;
	}

	unsigned n = 0;
	for (int i = 0; i < npu; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)i);
		if (!pu || !hwloc_bitmap_isset(usable, pu->os_index))
			continue;
		/* Some machines show no cores (hwloc then has PUs only): every
		 * PU is a core of its own. */
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
		s[n].os = (int)pu->os_index;
		s[n].logical = pu->logical_index;
		s[n].pu = pu;
		s[n].rank = core && core->logical_index < (unsigned)ncore ?
			per_core[core->logical_index]++ : 0;
		n++;
	}
	free(per_core);
	if (kind == PB_PLACE_SCATTER)
		scatter_domains(topo, s, n);

	qsort(s, n, sizeof(*s), cmp_rank_domain_logical);
	for (unsigned i = 0; i < n; i++)
		s[i].pos = i && s[i - 1].rank == s[i].rank && s[i - 1].domain == s[i].domain ?
			s[i - 1].pos + 1 : 0;
	qsort(s, n, sizeof(*s), cmp_rank_pos_domain);
	for (unsigned i = 0; i < n; i++)
		order[i] = s[i].os;
	free(s);
	if (n == 0) {
		say(why, "no usable CPU in the topology");
		return -ENODEV;
	}
	return (int)n;
}

/* An explicit list's CPUs in the order written, each checked to be usable. */
static int list_order(const char *list, hwloc_const_bitmap_t usable, int *order,
		      unsigned room, char *why)
{
	struct range *r = malloc((strlen(list) / 2 + 1) * sizeof(*r));
	if (!r) {
		say(why, "out of memory");
		return -ENOMEM;
	}
	int count = parse_ranges(list, r, why);
	unsigned n = 0;

	for (int i = 0; i < count; i++)
		for (unsigned c = r[i].lo; c <= r[i].hi; c++) {
			/* Distinct usable CPUs never outnumber room, so checking
			 * first keeps the fill below inside order. */
			if (!hwloc_bitmap_isset(usable, c) || n >= room) {
				char set[64];
				hwloc_bitmap_list_snprintf(set, sizeof(set), usable);
				say(why, "CPU %u is not one this process may use (%s)", c, set);
				free(r);
				return -EINVAL;
			}
			order[n++] = (int)c;
		}
	free(r);
	return count < 0 ? count : (int)n;
}

int pb_placement_cpus(hwloc_topology_t topo, const struct pb_placement *p,
		      unsigned workers, int *cpus, int *oversubscribed, char *why)
{
	if (oversubscribed)
		*oversubscribed = 0;
	if (!topo || !p || (!cpus && workers) || p->kind < 0 || p->kind >= PB_PLACE_COUNT) {
		say(why, "bad argument");
		return -EINVAL;
	}
	hwloc_bitmap_t usable = hwloc_bitmap_alloc();
	if (!usable) {
		say(why, "out of memory");
		return -ENOMEM;
	}
	int err = usable_set(topo, usable, why);
	if (err) {
		hwloc_bitmap_free(usable);
		return err;
	}
	int weight = hwloc_bitmap_weight(usable);
	int npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	unsigned room = (unsigned)(npu > weight ? npu : weight);
	int *order = malloc(room * sizeof(*order));
	if (!order) {
		hwloc_bitmap_free(usable);
		say(why, "out of memory");
		return -ENOMEM;
	}

	int n;
	switch (p->kind) {
	case PB_PLACE_NONE:
		n = weight; /* only to tell whether workers will share CPUs */
		break;
	case PB_PLACE_LIST:
		if (strncmp(p->name, LIST_PREFIX, strlen(LIST_PREFIX)) != 0) {
			say(why, "list placement without a list");
			n = -EINVAL;
			break;
		}
		n = list_order(p->name + strlen(LIST_PREFIX), usable, order, room, why);
		break;
	default:
		n = policy_order(topo, p->kind, usable, order, why);
		break;
	}
	hwloc_bitmap_free(usable);
	if (n <= 0) {
		free(order);
		return n < 0 ? n : -ENODEV;
	}
	for (unsigned w = 0; w < workers; w++)
		cpus[w] = p->kind == PB_PLACE_NONE ? -1 : order[w % (unsigned)n];
	if (oversubscribed)
		*oversubscribed = workers > (unsigned)n;
	free(order);
	return 0;
}

/* ---- Reading back ------------------------------------------------------- */

int pb_placement_self(int *cpus, unsigned cap)
{
	if (!cpus && cap)
		return -EINVAL;
	/* cpu_set_t covers 1024 CPUs; larger machines need a larger mask, and
	 * the kernel says EINVAL until it is large enough. */
	for (size_t ncpu = CPU_SETSIZE; ncpu <= 4 * (size_t)PB_PLACEMENT_CPU_MAX; ncpu *= 2) {
		cpu_set_t *set = CPU_ALLOC(ncpu);
		size_t size = CPU_ALLOC_SIZE(ncpu);
		if (!set)
			return -ENOMEM;
		if (sched_getaffinity(0, size, set) == 0) {
			int count = 0;
			for (size_t c = 0; c < ncpu && c <= INT_MAX; c++)
				if (CPU_ISSET_S(c, size, set)) {
					if ((unsigned)count < cap)
						cpus[count] = (int)c;
					count++;
				}
			CPU_FREE(set);
			return count;
		}
		int err = errno;
		CPU_FREE(set);
		if (err != EINVAL)
			return -err;
	}
	return -EINVAL;
}

int pb_placement_verify(const int *want, const int *seen, unsigned workers)
{
	int elsewhere = 0;

	if (workers && (!want || !seen))
		return -EINVAL;
	for (unsigned w = 0; w < workers; w++)
		if (want[w] >= 0 && seen[w] >= 0 && want[w] != seen[w])
			elsewhere++;
	return elsewhere;
}
