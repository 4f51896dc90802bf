#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "expected.h"
#include "sandbox.h"

/* One sequential run, as seq makes it: all items initialised, then run
 * in one call; the result, and the member the child is in (for a crash's
 * reason), go to memory shared with the harness. */
struct reference_shared {
	uint64_t result;
	const char *member; /* a static string: the same address in the child */
};

struct reference_run {
	const struct pb_kernel *kernel;
	uint64_t n;
	struct reference_shared *out;
};

static int reference(void *ctx)
{
	struct reference_run *r = ctx;
	const struct pb_kernel *k = r->kernel;
	uint64_t items = pb_kernel_items(k, r->n);
	size_t bytes = pb_kernel_bytes(k, r->n);
	void *mem = NULL;
	if (bytes) {
		mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (mem == MAP_FAILED)
			return -ENOMEM;
	}
	r->out->member = "init";
	if (k->init)
		k->init(mem, r->n, 0, items);
	r->out->member = "run";
	r->out->result = k->run(mem, r->n, 0, items);
	if (mem)
		munmap(mem, bytes);
	return 0;
}

/* The reference value of one kernel and size, into e. */
static void reference_of(struct pb_expected *e, double timeout_s, struct reference_shared *shared)
{
	/* Asked here first (guarded, remembered): a crash in items or bytes
	 * is named as theirs, not as the reference run's. */
	pb_kernel_items(e->kernel, e->n);
	pb_kernel_bytes(e->kernel, e->n);
	const char *broken = pb_kernel_broken(e->kernel);
	if (broken) {
		snprintf(e->why, sizeof(e->why), "%s", broken);
		return;
	}
	struct reference_run run = {e->kernel, e->n, shared};
	char why[48] = "";
	shared->member = "reference-run";
	int err = pb_sandbox_run(reference, &run, timeout_s, why, sizeof(why));
	if (err)
		snprintf(e->why, sizeof(e->why), "%s-%s:%s", shared->member,
			 strncmp(why, "SIG", 3) == 0 ? "crashed" : "failed", why);
	else
		e->value = shared->result;
}

static int known(const struct pb_expected_table *t, const struct pb_cell *c)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->item[i].kernel == c->kernel && t->item[i].n == c->n)
			return 1;
	return 0;
}

int pb_expected_prepare(const struct pb_plan *plan, double timeout_s,
			struct pb_expected_table *t)
{
	memset(t, 0, sizeof(*t));
	t->item = calloc(plan->count + 1, sizeof(*t->item));
	struct reference_shared *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
					       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!t->item || shared == MAP_FAILED) {
		free(t->item);
		t->item = NULL;
		if (shared != MAP_FAILED)
			munmap(shared, sizeof(*shared));
		return -ENOMEM;
	}
	for (size_t i = 0; i < plan->count; i++) {
		const struct pb_cell *c = &plan->cells[i];
		if (c->kernel->expect || known(t, c))
			continue;
		struct pb_expected *e = &t->item[t->count++];
		e->kernel = c->kernel;
		e->n = c->n;
		reference_of(e, timeout_s, shared);
	}
	munmap(shared, sizeof(*shared));
	return 0;
}

void pb_expected_free(struct pb_expected_table *t)
{
	free(t->item);
	memset(t, 0, sizeof(*t));
}

int pb_expected_of(const struct pb_expected_table *t, const struct pb_cell *c,
		   uint64_t *value, const char **why)
{
	if (c->kernel->expect) {
		int err = pb_kernel_expect(c->kernel, c->n, value);
		*why = err ? pb_kernel_broken(c->kernel) : "";
		if (err && !*why)
			*why = "expect-failed:no-memory";
		return err;
	}
	for (size_t i = 0; t && i < t->count; i++)
		if (t->item[i].kernel == c->kernel && t->item[i].n == c->n) {
			*value = t->item[i].value;
			*why = t->item[i].why;
			return t->item[i].why[0] ? -ENOENT : 0;
		}
	*why = "no-reference-run";
	return -ENOENT;
}
