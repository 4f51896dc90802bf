#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "expected.h"
#include "sandbox.h"

/* One sequential run, as seq makes it: all items initialised, then run
 * in one call; the result goes to memory shared with the harness. */
struct reference_run {
	const struct pb_kernel *kernel;
	uint64_t n;
	uint64_t *result;
};

static int reference(void *ctx)
{
	struct reference_run *r = ctx;
	const struct pb_kernel *k = r->kernel;
	uint64_t items = k->items(r->n);
	size_t bytes = pb_kernel_bytes(k, r->n);
	void *mem = NULL;
	if (bytes) {
		mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (mem == MAP_FAILED)
			return -ENOMEM;
	}
	if (k->init)
		k->init(mem, r->n, 0, items);
	*r->result = k->run(mem, r->n, 0, items);
	if (mem)
		munmap(mem, bytes);
	return 0;
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
	uint64_t *shared = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!t->item || shared == MAP_FAILED) {
		free(t->item);
		t->item = NULL;
		if (shared != MAP_FAILED)
			munmap(shared, sizeof(uint64_t));
		return -ENOMEM;
	}
	for (size_t i = 0; i < plan->count; i++) {
		const struct pb_cell *c = &plan->cells[i];
		if (c->kernel->expect || known(t, c))
			continue;
		struct pb_expected *e = &t->item[t->count++];
		struct reference_run run = {c->kernel, c->n, shared};
		e->kernel = c->kernel;
		e->n = c->n;
		char why[48] = "";
		if (pb_sandbox_run(reference, &run, timeout_s, why, sizeof(why)))
			snprintf(e->why, sizeof(e->why), "reference-run-%s", why);
		else
			e->value = *shared;
	}
	munmap(shared, sizeof(uint64_t));
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
		*value = c->kernel->expect(c->n);
		return 0;
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
