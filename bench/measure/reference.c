#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "reference.h"

#define REFERENCE_REPS 5
#define QUICK_REFERENCE_REPS 3

static const struct pb_kernel *const tests[] = {
	&pb_kernel_stream_copy, &pb_kernel_stream_triad, &pb_kernel_stream_dot,
};
#define TEST_COUNT (sizeof(tests) / sizeof(tests[0]))

static int seen(const struct pb_reference *ref, size_t count,
		const struct pb_runner *runner, unsigned workers)
{
	for (size_t i = 0; i < count; i++)
		if (ref[i].runner == runner && ref[i].workers == workers)
			return 1;
	return 0;
}

int pb_reference_measure(const struct pb_cell_result *results, size_t count,
			 const struct pb_measure *m, int quick,
			 struct pb_reference **out)
{
	struct pb_reference *ref = calloc(count * TEST_COUNT + 1, sizeof(*ref));
	size_t used = 0;
	struct pb_measure fixed = *m;

	if (!ref)
		return -ENOMEM;
	/* A fixed number of repetitions: a reference, not a study. */
	fixed.min_reps = fixed.max_reps = quick ? QUICK_REFERENCE_REPS : REFERENCE_REPS;
	fixed.warmup = quick ? 0 : fixed.warmup;
	fixed.rounds = 1;
	for (size_t i = 0; i < count; i++) {
		const struct pb_cell *c = &results[i].cell;
		if (!c->kernel->bytes_per_item || seen(ref, used, c->runner, c->workers))
			continue;
		for (size_t t = 0; t < TEST_COUNT; t++) {
			struct pb_cell cell = *c;
			struct pb_cell_result r;
			cell.kernel = tests[t];
			cell.n = quick ? tests[t]->quick_n : tests[t]->default_n;
			cell.sched = (struct pb_schedule){PB_SCHED_STATIC, 0};
			int rc = pb_cell_run(&cell, &fixed, &r);
			if (rc == -EINTR) { /* a stop request: no more */
				pb_cell_result_free(&r);
				*out = ref;
				return (int)used;
			}
			if (rc < 0) {
				pb_cell_result_free(&r);
				free(ref);
				return -ENOMEM;
			}
			struct pb_reference *e = &ref[used++];
			e->runner = c->runner;
			e->workers = c->workers;
			e->test = tests[t];
			e->n = cell.n;
			e->median_s = r.stats.count ? r.stats.median : NAN;
			e->gbps = r.failed ? NAN : r.gbps;
			e->peer_ns = r.peer_ns_min; /* one round: one probe */
			snprintf(e->status, sizeof(e->status), "%s", r.status);
			pb_cell_result_free(&r);
		}
	}
	*out = ref;
	return (int)used;
}

const struct pb_reference *pb_reference_best_test(const struct pb_reference *ref,
						 size_t count, const struct pb_runner *runner,
						 unsigned workers)
{
	const struct pb_reference *best = NULL;
	for (size_t i = 0; i < count; i++)
		if (ref[i].runner == runner && ref[i].workers == workers &&
		    isfinite(ref[i].gbps) && (!best || ref[i].gbps > best->gbps))
			best = &ref[i];
	return best;
}

double pb_reference_best(const struct pb_reference *ref, size_t count,
			 const struct pb_runner *runner, unsigned workers)
{
	const struct pb_reference *best = pb_reference_best_test(ref, count, runner, workers);
	return best ? best->gbps : NAN;
}

int pb_reference_csv(FILE *f, const char *run_id, const struct pb_reference *ref,
		     size_t count)
{
	fputs("run_id,runner,workers,test,n,bytes,median_s,gbps,status,peer_ns\n", f);
	for (size_t i = 0; i < count; i++) {
		const struct pb_reference *e = &ref[i];
		fprintf(f, "%s,%s,%u,%s,%llu,%llu,", run_id, e->runner->name, e->workers,
			e->test->name + strlen("stream-"), (unsigned long long)e->n,
			(unsigned long long)e->n * e->test->bytes_per_item);
		if (isfinite(e->gbps))
			fprintf(f, "%.9g,%.6g,%s,", e->median_s, e->gbps, e->status);
		else
			fprintf(f, ",,%s,", e->status);
		if (isfinite(e->peer_ns))
			fprintf(f, "%.4g", e->peer_ns);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}
