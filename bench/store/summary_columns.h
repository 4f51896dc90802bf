/*
 * summary.csv's columns after the key ones, in file order: the one list
 * that the header, each row and every reader's column name come from.
 * Each entry is KIND(name, value of the const struct pb_cell_result *r):
 * U an unsigned count, D a double (empty where not finite), S a token.
 * A reader names a column PB_SUMMARY(median_s), which fails to compile
 * where no such column is written.
 */
#ifndef PB_SUMMARY_COLUMNS_H
#define PB_SUMMARY_COLUMNS_H

#define PB_SUMMARY_COLUMNS(U, D, S)                                                        \
	U(reps, r->rep_count)                                                              \
	U(ok_reps, r->ok_count)                                                            \
	U(rounds, r->rounds)                                                               \
	S(stop, r->stop ? r->stop : "")                                                    \
	D(startup_s, r->startup_s)                                                         \
	D(init_s, r->init_s)                                                               \
	D(median_s, r->stats.median)                                                       \
	/* the 95% CI of the median, the machine profile's run level included */          \
	D(median_ci_low_s, r->ci_low)                                                      \
	D(median_ci_high_s, r->ci_high)                                                    \
	D(round_spread, r->round_spread)                                                   \
	/* the same CI over this run's rounds alone, and the run level added */           \
	D(rounds_ci_low_s, r->own_ci_low)                                                  \
	D(rounds_ci_high_s, r->own_ci_high)                                                \
	D(run_sd, r->cell.run_sd)                                                          \
	D(pair_sd, r->cell.pair_sd)                                                        \
	D(min_s, r->stats.min)                                                             \
	D(max_s, r->stats.max)                                                             \
	D(mean_s, r->stats.mean)                                                           \
	D(stddev_s, r->stats.stddev)                                                       \
	U(outliers, r->outliers)                                                           \
	D(speedup, r->speedup)                                                             \
	D(speedup_ci_low, r->speedup_ci_low)                                               \
	D(speedup_ci_high, r->speedup_ci_high)                                             \
	D(efficiency, r->efficiency)                                                       \
	D(karp_flatt, r->karp_flatt)                                                       \
	D(gbps, r->gbps)                                                                   \
	D(gbps_reference, r->gbps_reference)                                               \
	D(gbps_ratio, r->gbps_ratio)                                                       \
	U(binding_checked, r->binding_checked)                                             \
	U(binding_ok, r->binding_ok)                                                       \
	D(weak_efficiency, r->weak_efficiency)                                             \
	D(peer_ns_min, r->peer_ns_min)                                                     \
	D(peer_ns_max, r->peer_ns_max)                                                     \
	D(ideal_s, r->ideal_s)                                                             \
	D(tasks_per_s, r->tasks_per_s)                                                     \
	D(task_p50_s, r->task_s[0])                                                        \
	D(task_p99_s, r->task_s[1])                                                        \
	D(task_p999_s, r->task_s[2])                                                       \
	D(comm_median_s, r->comm_median_s)                                                 \
	U(disturbed_rounds, r->disturbed_rounds)                                           \
	U(extra_rounds, r->extra_rounds)                                                   \
	D(median_undisturbed_s, r->median_undisturbed_s)                                   \
	D(steal_pct_max, r->steal_pct_max)                                                 \
	D(probe_slowdown_max, r->probe_slowdown_max)                                       \
	U(queued_reps, r->queued_reps)                                                     \
	D(median_with_queued_s, r->median_with_queued_s)                                   \
	U(nodes, pb_nodes_count(r->nodes))                                                 \
	S(check, pb_kernel_check_name(r->cell.kernel))                                     \
	S(status, r->status)

#define PB_SUMMARY_ENUM_(name, value) PB_SUMMARY_COLUMN_##name,
enum pb_summary_column {
	PB_SUMMARY_COLUMNS(PB_SUMMARY_ENUM_, PB_SUMMARY_ENUM_, PB_SUMMARY_ENUM_)
	PB_SUMMARY_COLUMN_COUNT
};
#undef PB_SUMMARY_ENUM_

/* The name of a summary column, checked at compile time: "median_s". */
#define PB_SUMMARY(name) ((void)PB_SUMMARY_COLUMN_##name, #name)

#endif
