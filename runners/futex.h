/*
 * Waiting on a 32-bit word: spin a while (cheap when every waiter has a CPU
 * of its own), then sleep in the kernel with futex(2).  Works for threads
 * and, on MAP_SHARED memory, for processes (shared futexes).
 */
#ifndef PB_FUTEX_H
#define PB_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>

/* Spins before sleeping: about 100 us of pause instructions. */
#define PB_SPIN_ITERATIONS 20000

static inline void pb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Sleeps while *word == expected (returns at once otherwise, or on a
 * signal or a spurious wake-up: callers re-check). */
void pb_futex_wait(_Atomic uint32_t *word, uint32_t expected, int shared);
void pb_futex_wake_all(_Atomic uint32_t *word, int shared);

/*
 * Waits until *word != old.  `sleepers` counts threads asleep on word, so
 * that the waker makes a system call only when someone sleeps.  Both sides
 * use sequentially consistent operations: either the waker sees the
 * sleeper's increment, or the sleeper's futex sees the new value.
 */
static inline uint32_t pb_wait_change(_Atomic uint32_t *word, uint32_t old,
				      _Atomic uint32_t *sleepers, int spin,
				      int shared)
{
	uint32_t now;

	for (int i = spin ? PB_SPIN_ITERATIONS : 0; i > 0; i--) {
		now = atomic_load_explicit(word, memory_order_acquire);
		if (now != old)
			return now;
		pb_cpu_relax();
	}
	atomic_fetch_add(sleepers, 1);
	while ((now = atomic_load(word)) == old)
		pb_futex_wait(word, old, shared);
	atomic_fetch_sub(sleepers, 1);
	return now;
}

static inline void pb_wake_if_sleeping(_Atomic uint32_t *word,
				       _Atomic uint32_t *sleepers, int shared)
{
	if (atomic_load(sleepers) > 0)
		pb_futex_wake_all(word, shared);
}

#endif
