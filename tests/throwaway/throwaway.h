/*
 * A test build's throwaway kernel and runner: each is one file here plus
 * one line in its registry (PB_EXTRA_KERNELS, PB_EXTRA_RUNNERS, which the
 * registries list when this header is force-included into them).  They
 * prove that the harness knows kernels and runners by their traits, not
 * by their names.
 */
#ifndef PB_THROWAWAY_H
#define PB_THROWAWAY_H

struct pb_kernel;
struct pb_runner;
extern const struct pb_kernel pb_kernel_throwaway_squares;
extern const struct pb_runner pb_runner_throwaway_inline;

#define PB_EXTRA_KERNELS &pb_kernel_throwaway_squares,
#define PB_EXTRA_RUNNERS &pb_runner_throwaway_inline,

#endif
