#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "futex.h"

void pb_futex_wait(_Atomic uint32_t *word, uint32_t expected, int shared)
{
	syscall(SYS_futex, (uint32_t *)word,
		shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void pb_futex_wake_all(_Atomic uint32_t *word, int shared)
{
	syscall(SYS_futex, (uint32_t *)word,
		shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
