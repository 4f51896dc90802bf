/* One library per bad case, chosen with -DBAD_...: what --kernel-lib must
 * refuse with one line and exit 2. */
#include <parbench/kernel.h>

static uint64_t items(uint64_t n) { return n > 5 ? n - 5 : 0; }
static uint64_t run(void *mem, uint64_t n, uint64_t b, uint64_t e)
{
	(void)mem, (void)n;
	return e - b;
}

#if defined(BAD_ABI)
static const struct pb_kernel k = {.name = "oldabi", .default_n = 100, .items = items, .run = run};
__attribute__((visibility("default"))) const unsigned pb_kernel_abi_version = 999;
__attribute__((visibility("default"))) const struct pb_kernel *const pb_kernel_exports[] = {&k,
											   NULL};
#elif defined(BAD_NO_RUN)
static const struct pb_kernel k = {.name = "norun", .default_n = 100, .items = items};
PB_KERNEL_EXPORT(&k);
#elif defined(BAD_BUILTIN_NAME)
static const struct pb_kernel k = {.name = "sum", .default_n = 100, .items = items, .run = run};
PB_KERNEL_EXPORT(&k);
#elif defined(BAD_NO_EXPORT)
uint64_t not_a_kernel(void) { return 42; }
#else /* a good one: sizes 1..5 have no items, above 1000 is too large */
static const struct pb_kernel k = {
	.name = "fewitems", .default_n = 100, .max_n = 1000, .items = items, .run = run,
};
PB_KERNEL_EXPORT(&k);
#endif
