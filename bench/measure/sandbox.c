#include "../../kernels/guard.h"
#include "sandbox.h"
#include "stop.h"

int pb_sandbox_run(int (*fn)(void *ctx), void *ctx, double timeout_s, char *why, size_t len)
{
	return pb_guard_run(fn, ctx, timeout_s, pb_stop_requested, why, len);
}
