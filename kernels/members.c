/*
 * A user's kernel, asked by the harness itself: each answer comes from a
 * child process (guard.h) and is remembered, so that the plan, the sizes
 * and the cells can ask as often as they like for one fork per distinct
 * question, and a member that crashes or hangs breaks its kernel, not the
 * sweep.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "guard.h"
#include "kernel.h"

enum member { ITEMS, BYTES, WORK, EXPECT };
static const char *const member_names[] = {"items", "bytes", "work", "expect"};

struct answer {
	const struct pb_kernel *k;
	enum member member;
	uint64_t n;
	uint64_t u;
	double d;
};

struct broken {
	const struct pb_kernel *k;
	char why[64];
};

static struct answer *answers;
static size_t answer_count, answer_cap;
static struct broken *broken;
static size_t broken_count;
static double timeout_s = 60;

void pb_kernel_set_answer_timeout(double seconds)
{
	if (seconds > 0)
		timeout_s = seconds;
}

double pb_kernel_answer_timeout(void)
{
	return timeout_s;
}

const char *pb_kernel_broken(const struct pb_kernel *k)
{
	for (size_t i = 0; i < broken_count; i++)
		if (broken[i].k == k)
			return broken[i].why;
	return NULL;
}

void pb_kernel_set_broken(const struct pb_kernel *k, const char *why)
{
	if (pb_kernel_broken(k))
		return;
	struct broken *grown = realloc(broken, (broken_count + 1) * sizeof(*grown));
	if (!grown)
		return; /* it is asked again, and fails again, next time */
	broken = grown;
	broken[broken_count].k = k;
	snprintf(broken[broken_count].why, sizeof(broken[0].why), "%s", why);
	broken_count++;
}

/* The member called directly: in the child, or for a built-in kernel. */
static void call(const struct pb_kernel *k, enum member m, uint64_t n, struct answer *a)
{
	switch (m) {
	case ITEMS:
		a->u = k->items(n);
		break;
	case BYTES:
		a->u = k->bytes ? k->bytes(n) : 0;
		break;
	case WORK:
		a->d = k->work ? k->work(n) : (double)k->items(n);
		break;
	case EXPECT:
		a->u = k->expect(n);
		break;
	}
}

static int call_in_child(void *ctx)
{
	struct answer *a = ctx;
	call(a->k, a->member, a->n, a);
	return 0;
}

static const struct answer *remembered(const struct pb_kernel *k, enum member m, uint64_t n)
{
	for (size_t i = answer_count; i-- > 0;)
		if (answers[i].k == k && answers[i].member == m && answers[i].n == n)
			return &answers[i];
	return NULL;
}

static void remember(const struct answer *a)
{
	if (answer_count == answer_cap) {
		size_t cap = answer_cap ? 2 * answer_cap : 64;
		struct answer *grown = realloc(answers, cap * sizeof(*grown));
		if (!grown)
			return; /* asked again next time */
		answers = grown;
		answer_cap = cap;
	}
	answers[answer_count++] = *a;
}

/* Fills a with the answer; 0, or -ECHILD when the kernel is broken. */
static int ask(const struct pb_kernel *k, enum member m, uint64_t n, struct answer *a)
{
	*a = (struct answer){.k = k, .member = m, .n = n};
	if (!pb_kernel_is_user(k) || pb_guard_inside()) {
		call(k, m, n, a);
		return 0;
	}
	if (pb_kernel_broken(k))
		return -ECHILD;
	const struct answer *known = remembered(k, m, n);
	if (known) {
		*a = *known;
		return 0;
	}
	struct answer *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -ENOMEM;
	*shared = *a;
	char why[48] = "", reason[64];
	int err = pb_guard_run(call_in_child, shared, timeout_s, NULL, why, sizeof(why));
	if (!err) {
		*a = *shared;
		remember(a);
	} else if (err != -ENOMEM) {
		snprintf(reason, sizeof(reason), "%s-%s:%s", member_names[m],
			 strncmp(why, "SIG", 3) == 0 ? "crashed" : "failed", why);
		pb_kernel_set_broken(k, reason);
		err = -ECHILD;
	}
	munmap(shared, sizeof(*shared));
	return err;
}

uint64_t pb_kernel_items(const struct pb_kernel *k, uint64_t n)
{
	struct answer a;
	return ask(k, ITEMS, n, &a) ? 0 : a.u;
}

size_t pb_kernel_bytes(const struct pb_kernel *k, uint64_t n)
{
	struct answer a;
	if (!k->bytes)
		return 0;
	return ask(k, BYTES, n, &a) ? 0 : (size_t)a.u;
}

double pb_kernel_work(const struct pb_kernel *k, uint64_t n)
{
	struct answer a;
	return ask(k, WORK, n, &a) ? 0 : a.d;
}

int pb_kernel_expect(const struct pb_kernel *k, uint64_t n, uint64_t *value)
{
	struct answer a;
	if (!k->expect)
		return -ENOENT;
	int err = ask(k, EXPECT, n, &a);
	if (err)
		return err == -ENOMEM ? err : -ECHILD;
	*value = a.u;
	return 0;
}
