/*
 * Placement policies give the expected CPUs on hwloc synthetic machines
 * (SMT, two packages, NUMA nodes, Linux-style sibling numbering, restricted
 * allowed sets, one PU, more workers than PUs), explicit lists are parsed
 * strictly, and on this machine binding to what a policy gives sticks and
 * a taskset-style restriction of the process is honoured.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <hwloc.h>

#include "../bench/placement/placement.h"
#include "../bench/placement/resolved.h"
#include "../runners/affinity.h"

#define MAX_CPUS 64

/* Two packages of 8 cores of 2 PUs: PUs 2k and 2k+1 share core k;
 * package 0 holds PUs 0-15, package 1 PUs 16-31. */
#define TWO_PACKAGES "pack:2 numa:1 core:8 pu:2"

static hwloc_topology_t load(const char *synthetic)
{
	hwloc_topology_t topo;
	int err = pb_placement_topology_load(&topo, synthetic);
	cr_assert_eq(err, 0, "load %s: %d", synthetic ? synthetic : "this machine", err);
	return topo;
}

static struct pb_placement policy(const char *text)
{
	struct pb_placement p;
	char why[PB_PLACEMENT_WHY] = "";
	int err = pb_placement_parse(text, &p, why);
	cr_assert_eq(err, 0, "parse '%s': %d (%s)", text, err, why);
	return p;
}

/* Places `workers` and compares with the expected CPUs. */
static void expect_cpus(hwloc_topology_t topo, const char *text, unsigned workers,
			const int *expected, int expect_over)
{
	struct pb_placement p = policy(text);
	int cpus[MAX_CPUS], over = -1;
	char why[PB_PLACEMENT_WHY] = "";
	char got[256], want[256];

	cr_assert_leq(workers, MAX_CPUS);
	int err = pb_placement_cpus(topo, &p, workers, cpus, &over, why);
	cr_assert_eq(err, 0, "%s, %u workers: %d (%s)", text, workers, err, why);
	pb_cpulist_format(cpus, workers, got, sizeof(got));
	pb_cpulist_format(expected, workers, want, sizeof(want));
	cr_expect_eq(memcmp(cpus, expected, workers * sizeof(int)), 0,
		     "%s, %u workers: got %s, expected %s", text, workers, got, want);
	cr_expect_eq(over, expect_over, "%s, %u workers: oversubscribed %d", text,
		     workers, over);
}

/* ---- Parsing ------------------------------------------------------------ */

struct parse_case {
	char text[48];
	int err;        /* expected return */
	char name[48];  /* expected name on success */
};

ParameterizedTestParameters(placement, parse)
{
	static struct parse_case cases[] = {
		{"none", 0, "none"},
		{"compact", 0, "compact"},
		{"scatter", 0, "scatter"},
		{"0-3,8", 0, "list:0-3;8"},
		{"0-3;8", 0, "list:0-3;8"},
		{"list:0-3;8", 0, "list:0-3;8"},
		{"0,1,2-3", 0, "list:0-3"},  /* touching ranges fold */
		{"8,0-3", 0, "list:8;0-3"},  /* order is kept: worker 0 on 8 */
		{"5", 0, "list:5"},
		{"007", 0, "list:7"},
		{"99999", 0, "list:99999"},  /* well formed; not usable here */
		{"3-1", -EINVAL, ""},
		{"x", -EINVAL, ""},
		{"", -EINVAL, ""},
		{"list:", -EINVAL, ""},
		{"list:x", -EINVAL, ""},
		{"0,", -EINVAL, ""},
		{",0", -EINVAL, ""},
		{"0,,1", -EINVAL, ""},
		{"1-", -EINVAL, ""},
		{"-1", -EINVAL, ""},
		{"1--2", -EINVAL, ""},
		{"0 1", -EINVAL, ""},
		{"0x1", -EINVAL, ""},
		{"0-3,2", -EINVAL, ""},       /* CPU 2 twice */
		{"4,4", -EINVAL, ""},
		{"Compact", -EINVAL, ""},
		{"compact ", -EINVAL, ""},
		{"99999999", -EINVAL, ""},    /* above PB_PLACEMENT_CPU_MAX */
	};
	return cr_make_param_array(struct parse_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct parse_case *c, placement, parse)
{
	struct pb_placement p;
	char why[PB_PLACEMENT_WHY] = "";
	int err = pb_placement_parse(c->text, &p, why);

	cr_assert_eq(err, c->err, "'%s': got %d (%s), expected %d", c->text, err, why,
		     c->err);
	if (err) {
		cr_expect_neq(why[0], '\0', "'%s': no reason given", c->text);
		cr_expect_str_eq(pb_placement_name(&p), "none");
		cr_expect_not(pb_placement_binds(&p));
		return;
	}
	cr_expect_str_eq(pb_placement_name(&p), c->name, "'%s'", c->text);
	cr_expect_eq(pb_placement_binds(&p), strcmp(c->name, "none") != 0);
	cr_expect_null(strchr(pb_placement_name(&p), ','), "name not CSV-safe");
	/* A name read back from a CSV gives the same placement. */
	struct pb_placement again = policy(pb_placement_name(&p));
	cr_expect_eq(again.kind, p.kind);
	cr_expect_str_eq(pb_placement_name(&again), pb_placement_name(&p));
}

Test(placement, parse_reasons)
{
	struct pb_placement p;
	char why[PB_PLACEMENT_WHY];

	cr_assert_eq(pb_placement_parse("3-1", &p, why), -EINVAL);
	cr_expect_not_null(strstr(why, "3-1"), "%s", why);
	cr_assert_eq(pb_placement_parse("0-3,2", &p, why), -EINVAL);
	cr_expect_not_null(strstr(why, "CPU 2"), "%s", why);
	cr_expect_eq(pb_placement_parse("x", &p, NULL), -EINVAL); /* why optional */
	cr_expect_eq(pb_placement_parse(NULL, &p, why), -EINVAL);
	cr_expect_eq(pb_placement_parse("none", NULL, why), -EINVAL);
}

/* A list whose canonical name cannot fit is refused, not cut. */
Test(placement, parse_too_long)
{
	char text[1024];
	size_t len = 0;
	struct pb_placement p;

	for (int c = 0; c < 200; c += 2)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%d", c ? "," : "", c);
	cr_expect_eq(pb_placement_parse(text, &p, NULL), -E2BIG);
	/* Long to type, short once folded: accepted. */
	len = 0;
	for (int c = 0; c < 200; c++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%d", c ? "," : "", c);
	cr_expect_eq(pb_placement_parse(text, &p, NULL), 0);
	cr_expect_str_eq(pb_placement_name(&p), "list:0-199");
}

/* ---- Policies on synthetic machines ---------------------------------------- */

Test(placement, compact_fills_cores_before_second_pus)
{
	hwloc_topology_t topo = load(TWO_PACKAGES);
	int want[32];
	for (int i = 0; i < 16; i++) {
		want[i] = 2 * i;          /* first PU of core i */
		want[16 + i] = 2 * i + 1; /* then second PUs */
	}
	expect_cpus(topo, "compact", 32, want, 0);
	expect_cpus(topo, "compact", 5, want, 0);
	expect_cpus(topo, "compact", 1, want, 0);
	pb_placement_topology_free(topo);
}

Test(placement, scatter_alternates_packages)
{
	hwloc_topology_t topo = load(TWO_PACKAGES);
	int want[32];
	for (int i = 0; i < 8; i++) {
		want[2 * i] = 2 * i;            /* core i of package 0 */
		want[2 * i + 1] = 16 + 2 * i;   /* core i of package 1 */
		want[16 + 2 * i] = 2 * i + 1;   /* second PUs, same pattern */
		want[16 + 2 * i + 1] = 17 + 2 * i;
	}
	expect_cpus(topo, "scatter", 32, want, 0);
	expect_cpus(topo, "scatter", 3, want, 0);
	pb_placement_topology_free(topo);
}

/* Linux numbers siblings far apart (PU 0 and 4 share a core): the policies
 * follow hwloc's logical order and hand out OS indexes. */
Test(placement, os_indexes_differ_from_logical)
{
	hwloc_topology_t topo = load("pack:2 core:2 pu:2(indexes=0,4,2,6,1,5,3,7)");
	expect_cpus(topo, "compact", 8, (int[]){0, 2, 1, 3, 4, 6, 5, 7}, 0);
	expect_cpus(topo, "scatter", 8, (int[]){0, 1, 2, 3, 4, 5, 6, 7}, 0);
	pb_placement_topology_free(topo);
}

/* One package, two NUMA nodes: scatter spreads over the nodes. */
Test(placement, scatter_over_numa_nodes)
{
	hwloc_topology_t topo = load("pack:1 numa:2 core:4 pu:1");
	expect_cpus(topo, "scatter", 8, (int[]){0, 4, 1, 5, 2, 6, 3, 7}, 0);
	expect_cpus(topo, "compact", 8, (int[]){0, 1, 2, 3, 4, 5, 6, 7}, 0);
	pb_placement_topology_free(topo);
}

/* Nothing to spread over: scatter is compact. */
Test(placement, scatter_on_one_domain_is_compact)
{
	hwloc_topology_t topo = load("core:4 pu:2");
	int want[] = {0, 2, 4, 6, 1, 3, 5, 7};
	expect_cpus(topo, "compact", 8, want, 0);
	expect_cpus(topo, "scatter", 8, want, 0);
	pb_placement_topology_free(topo);
}

Test(placement, single_pu)
{
	const char *machines[] = {"pu:1", "core:1 pu:1"};
	for (size_t m = 0; m < 2; m++) {
		hwloc_topology_t topo = load(machines[m]);
		for (int k = 0; k < 3; k++) {
			const char *text = (const char *[]){"compact", "scatter", "0"}[k];
			expect_cpus(topo, text, 1, (int[]){0}, 0);
			expect_cpus(topo, text, 3, (int[]){0, 0, 0}, 1);
		}
		pb_placement_topology_free(topo);
	}
}

Test(placement, more_workers_than_pus_wrap_round_robin)
{
	hwloc_topology_t topo = load("pack:2 core:2 pu:1");
	expect_cpus(topo, "compact", 4, (int[]){0, 1, 2, 3}, 0);
	expect_cpus(topo, "compact", 6, (int[]){0, 1, 2, 3, 0, 1}, 1);
	expect_cpus(topo, "scatter", 6, (int[]){0, 2, 1, 3, 0, 2}, 1);
	pb_placement_topology_free(topo);
}

Test(placement, explicit_lists)
{
	hwloc_topology_t topo = load(TWO_PACKAGES);
	expect_cpus(topo, "0-3,8", 5, (int[]){0, 1, 2, 3, 8}, 0);
	expect_cpus(topo, "0-3,8", 3, (int[]){0, 1, 2}, 0);
	expect_cpus(topo, "0-3,8", 7, (int[]){0, 1, 2, 3, 8, 0, 1}, 1);
	expect_cpus(topo, "8,0-3", 5, (int[]){8, 0, 1, 2, 3}, 0);
	expect_cpus(topo, "31", 1, (int[]){31}, 0);

	struct pb_placement p = policy("99999");
	int cpus[4];
	char why[PB_PLACEMENT_WHY] = "";
	cr_expect_eq(pb_placement_cpus(topo, &p, 1, cpus, NULL, why), -EINVAL);
	cr_expect_not_null(strstr(why, "99999"), "%s", why);
	p = policy("30-32");
	cr_expect_eq(pb_placement_cpus(topo, &p, 4, cpus, NULL, why), -EINVAL);
	cr_expect_not_null(strstr(why, "CPU 32"), "%s", why);
	pb_placement_topology_free(topo);
}

Test(placement, none_binds_nothing)
{
	hwloc_topology_t topo = load("core:2 pu:1");
	expect_cpus(topo, "none", 2, (int[]){-1, -1}, 0);
	expect_cpus(topo, "none", 3, (int[]){-1, -1, -1}, 1);
	pb_placement_topology_free(topo);
}

Test(placement, bad_arguments)
{
	hwloc_topology_t topo = load("core:2 pu:1");
	struct pb_placement p = policy("compact");
	int cpus[2];
	cr_expect_eq(pb_placement_cpus(NULL, &p, 2, cpus, NULL, NULL), -EINVAL);
	cr_expect_eq(pb_placement_cpus(topo, NULL, 2, cpus, NULL, NULL), -EINVAL);
	cr_expect_eq(pb_placement_cpus(topo, &p, 2, NULL, NULL, NULL), -EINVAL);
	cr_expect_eq(pb_placement_cpus(topo, &p, 0, NULL, NULL, NULL), 0);
	pb_placement_topology_free(topo);

	hwloc_topology_t bad;
	cr_expect_lt(pb_placement_topology_load(&bad, "no-such-level:3"), 0);
	cr_expect_null(bad);
	pb_placement_topology_free(NULL);
}

/*
 * A restricted allowed set, as cgroups or Slurm give: the topology keeps
 * the disallowed PUs (INCLUDE_DISALLOWED) and the policies must skip them.
 * Allowed: PU 1 (core 0's second), PUs 2-3 (core 1), 16-19 (cores 8-9),
 * 30 (core 15).  A PU whose sibling is disallowed is its core's first.
 */
static hwloc_topology_t load_restricted(const char *allowed)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set = hwloc_bitmap_alloc();

	cr_assert_not_null(set);
	cr_assert_eq(hwloc_bitmap_list_sscanf(set, allowed), 0);
	cr_assert_eq(hwloc_topology_init(&topo), 0);
	cr_assert_eq(hwloc_topology_set_synthetic(topo, TWO_PACKAGES), 0);
	cr_assert_eq(hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED), 0);
	cr_assert_eq(hwloc_topology_load(topo), 0);
	cr_assert_eq(hwloc_topology_allow(topo, set, NULL, HWLOC_ALLOW_FLAG_CUSTOM), 0);
	cr_assert(hwloc_bitmap_isequal(hwloc_topology_get_allowed_cpuset(topo), set));
	cr_assert_eq(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU), 32);
	hwloc_bitmap_free(set);
	return topo;
}

Test(placement, restricted_allowed_set)
{
	hwloc_topology_t topo = load_restricted("1-3,16-19,30");
	expect_cpus(topo, "compact", 8, (int[]){1, 2, 16, 18, 30, 3, 17, 19}, 0);
	expect_cpus(topo, "scatter", 8, (int[]){1, 16, 2, 18, 30, 3, 17, 19}, 0);
	expect_cpus(topo, "compact", 10, (int[]){1, 2, 16, 18, 30, 3, 17, 19, 1, 2}, 1);
	expect_cpus(topo, "16-19", 4, (int[]){16, 17, 18, 19}, 0);

	struct pb_placement p = policy("0-3");
	int cpus[4];
	char why[PB_PLACEMENT_WHY] = "";
	cr_expect_eq(pb_placement_cpus(topo, &p, 4, cpus, NULL, why), -EINVAL);
	cr_expect_not_null(strstr(why, "CPU 0"), "%s", why);
	pb_placement_topology_free(topo);
}

/* Allowed PUs all in one package: scatter has nothing to alternate. */
Test(placement, restricted_to_one_package)
{
	hwloc_topology_t topo = load_restricted("16-31");
	int want[16];
	for (int i = 0; i < 8; i++) {
		want[i] = 16 + 2 * i;
		want[8 + i] = 17 + 2 * i;
	}
	expect_cpus(topo, "compact", 16, want, 0);
	expect_cpus(topo, "scatter", 16, want, 0);
	pb_placement_topology_free(topo);
}

/* hwloc_topology_restrict removes the objects instead: same answer. */
Test(placement, restricted_topology)
{
	hwloc_topology_t topo = load(TWO_PACKAGES);
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	cr_assert_eq(hwloc_bitmap_list_sscanf(set, "4-7,20-21"), 0);
	cr_assert_eq(hwloc_topology_restrict(topo, set, 0), 0);
	hwloc_bitmap_free(set);
	expect_cpus(topo, "compact", 6, (int[]){4, 6, 20, 5, 7, 21}, 0);
	expect_cpus(topo, "scatter", 6, (int[]){4, 20, 6, 5, 21, 7}, 0);
	pb_placement_topology_free(topo);
}

/* ---- Formatting and verification ----------------------------------------- */

Test(placement, cpulist_format)
{
	char buf[64];

	cr_expect_eq(pb_cpulist_format((int[]){0, 1, 2, 3, 8}, 5, buf, sizeof(buf)), 5);
	cr_expect_str_eq(buf, "0-3;8");
	cr_expect_eq(pb_cpulist_format(NULL, 0, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "");
	pb_cpulist_format((int[]){1, 1}, 2, buf, sizeof(buf));
	cr_expect_str_eq(buf, "1;1");
	pb_cpulist_format((int[]){3, 2, 1}, 3, buf, sizeof(buf));
	cr_expect_str_eq(buf, "3;2;1");
	pb_cpulist_format((int[]){-1, 0, 1, -1}, 4, buf, sizeof(buf));
	cr_expect_str_eq(buf, "?;0-1;?");
	pb_cpulist_format((int[]){0, 2, 4, 6, 1, 3, 5, 7}, 8, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0;2;4;6;1;3;5;7");
	/* Cut to fit, full length returned, as snprintf. */
	char small[4];
	cr_expect_eq(pb_cpulist_format((int[]){10, 11, 12, 20}, 4, small, sizeof(small)), 8);
	cr_expect_str_eq(small, "10-");
	cr_expect_eq(pb_cpulist_format((int[]){10}, 1, NULL, 0), 2);
	cr_expect_eq(pb_cpulist_format(NULL, 1, buf, sizeof(buf)), -EINVAL);
}

Test(placement, verify_counts_workers_elsewhere)
{
	int want[] = {0, 1, 2, -1};
	cr_expect_eq(pb_placement_verify(want, (int[]){0, 1, 2, 3}, 4), 0);
	cr_expect_eq(pb_placement_verify(want, (int[]){1, 1, -1, 3}, 4), 1);
	cr_expect_eq(pb_placement_verify(want, (int[]){2, 0, 1, 0}, 4), 3);
	cr_expect_eq(pb_placement_verify(NULL, NULL, 0), 0);
	cr_expect_eq(pb_placement_verify(want, NULL, 4), -EINVAL);
}

/* ---- This machine ---------------------------------------------------------- */

Test(placement, real_machine_compact_worker0_binding_sticks)
{
	hwloc_topology_t topo = load(NULL);
	struct pb_placement p = policy("compact");
	int cpu = -1, over = -1;
	char why[PB_PLACEMENT_WHY] = "";

	cr_assert_eq(pb_placement_cpus(topo, &p, 1, &cpu, &over, why), 0, "%s", why);
	cr_assert_geq(cpu, 0);
	cr_expect_eq(over, 0);
	cr_assert_eq(pb_bind_self(cpu), 0);

	cpu_set_t set;
	cr_assert_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	cr_expect_eq(CPU_COUNT(&set), 1);
	cr_expect(CPU_ISSET(cpu, &set), "bound to %d, affinity says otherwise", cpu);
	int self[4];
	cr_expect_eq(pb_placement_self(self, 4), 1);
	cr_expect_eq(self[0], cpu);
	pb_placement_topology_free(topo);
}

/* As many workers as usable CPUs: every CPU the process may use, once. */
Test(placement, real_machine_policies_cover_usable_cpus)
{
	hwloc_topology_t topo = load(NULL);
	int self[MAX_CPUS];
	int n = pb_placement_self(self, MAX_CPUS);
	cr_assert_gt(n, 0);
	if (n > MAX_CPUS)
		cr_skip_test("more than %d CPUs", MAX_CPUS);
	for (int k = 0; k < 2; k++) {
		struct pb_placement p = policy(k ? "scatter" : "compact");
		int cpus[MAX_CPUS], over = -1;
		cr_assert_eq(pb_placement_cpus(topo, &p, (unsigned)n, cpus, &over, NULL), 0);
		cr_expect_eq(over, 0);
		for (int i = 0; i < n; i++) {
			int found = 0;
			for (int j = 0; j < n; j++)
				found += cpus[j] == self[i];
			cr_expect_eq(found, 1, "%s: CPU %d placed %d times", p.name, self[i], found);
		}
	}
	pb_placement_topology_free(topo);
}

/* `taskset -c 1 parbench`: the process may only use CPU 1, so every policy
 * puts every worker there.  Each test runs in its own process, so
 * narrowing the affinity here leaves the other tests alone. */
Test(placement, taskset_cpu1_places_everything_on_cpu1)
{
	hwloc_topology_t topo = load(NULL);
	if (!hwloc_get_pu_obj_by_os_index(topo, 1) ||
	    !hwloc_bitmap_isset(hwloc_topology_get_allowed_cpuset(topo), 1))
		cr_skip_test("no CPU 1 on this machine");
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(1, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		cr_skip_test("cannot bind to CPU 1");

	for (unsigned workers = 1; workers <= 3; workers++) {
		expect_cpus(topo, "compact", workers, (int[]){1, 1, 1}, workers > 1);
		expect_cpus(topo, "scatter", workers, (int[]){1, 1, 1}, workers > 1);
		expect_cpus(topo, "1", workers, (int[]){1, 1, 1}, workers > 1);
		expect_cpus(topo, "none", workers, (int[]){-1, -1, -1}, workers > 1);
	}
	struct pb_placement p = policy("0-1");
	int cpus[2];
	char why[PB_PLACEMENT_WHY] = "";
	cr_expect_eq(pb_placement_cpus(topo, &p, 2, cpus, NULL, why), -EINVAL);
	cr_expect_not_null(strstr(why, "CPU 0"), "%s", why);
	pb_placement_topology_free(topo);
}

/* A sweep resolves each (policy, worker count) once: the same CPUs, the
 * same failure and its reason, from one hwloc lookup. */
Test(placement, resolved_once_per_policy_and_worker_count)
{
	hwloc_topology_t topo = load(TWO_PACKAGES);
	struct pb_resolved *r;
	struct pb_placement compact, list;
	int direct[8], cpus[8], over = -1;
	char why[PB_PLACEMENT_WHY] = "";
	cr_assert_eq(pb_resolved_create(&r), 0);
	cr_assert_eq(pb_placement_parse("compact", &compact, NULL), 0);
	cr_assert_eq(pb_placement_cpus(topo, &compact, 8, direct, NULL, NULL), 0);
	for (int round = 0; round < 3; round++) {
		memset(cpus, -1, sizeof(cpus));
		cr_assert_eq(pb_resolved_cpus(r, topo, &compact, 8, cpus, &over, why), 0);
		cr_expect_eq(memcmp(cpus, direct, sizeof(cpus)), 0, "round %d", round);
		cr_expect_eq(over, 0);
	}
	cr_expect_eq(pb_resolved_lookups(r), 1, "one lookup for three rounds");
	cr_assert_eq(pb_resolved_cpus(r, topo, &compact, 2, cpus, NULL, NULL), 0);
	cr_expect_eq(pb_resolved_lookups(r), 2, "another worker count, another lookup");

	cr_assert_eq(pb_placement_parse("40", &list, NULL), 0); /* no CPU 40 there */
	for (int i = 0; i < 2; i++) {
		why[0] = '\0';
		cr_expect_eq(pb_resolved_cpus(r, topo, &list, 1, cpus, NULL, why), -EINVAL);
		cr_expect(strstr(why, "CPU 40"), "the reason, every time: %s", why);
	}
	cr_expect_eq(pb_resolved_lookups(r), 3);
	pb_resolved_free(r);
	pb_placement_topology_free(topo);
}
