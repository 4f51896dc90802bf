/*
 * The CPU-to-CPU latency sensor: a plausible figure between two CPUs this
 * process may use, and an error, not a hang, for a CPU it may not.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>

#include "../bench/placement/peer.h"

Test(peer, latency_between_two_allowed_cpus)
{
	int cpus[2];
	pb_peer_cpus(cpus);
	if (cpus[0] < 0)
		cr_skip_test("one CPU: no pair to probe");
	cr_expect_neq(cpus[0], cpus[1]);
	double ns = -1;
	cr_assert_eq(pb_peer_latency(cpus[0], cpus[1], &ns), 0);
	/* A cache line takes tens to hundreds of ns between cores; a bound
	 * pair that had to share one CPU would take milliseconds. */
	cr_expect(ns > 1 && ns < 100000, "%g ns", ns);
}

Test(peer, a_cpu_outside_the_affinity_is_an_error)
{
	int cpus[2];
	double ns = -1;
	pb_peer_cpus(cpus);
	int outside = CPU_SETSIZE - 1; /* no machine here has 1024 CPUs */
	cr_expect_lt(pb_peer_latency(cpus[0] < 0 ? 0 : cpus[0], outside, &ns), 0);
	cr_expect_lt(pb_peer_latency(outside, cpus[0] < 0 ? 0 : cpus[0], &ns), 0);
	cr_expect_eq(ns, -1, "not set on failure");
	/* A zeroed pair, or none, means no probe. */
	cr_expect_eq(pb_peer_latency(0, 0, &ns), -EINVAL);
	cr_expect_eq(pb_peer_latency(-1, -1, &ns), -EINVAL);
	cr_expect_eq(ns, -1);
}
