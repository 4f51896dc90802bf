/*
 * Kernels from shared libraries a user built against <parbench/kernel.h>
 * (PB_KERNEL_EXPORT): loaded, checked, normalised and registered, so that
 * they are chosen and run like the built-in ones.  The driver and every
 * MPI rank load the same paths.
 */
#ifndef PB_LIBRARY_H
#define PB_LIBRARY_H

#include <stddef.h>

/*
 * Loads the library at path and registers its kernels.  Returns 0, or
 * -EINVAL with a one-line reason in why: no such file, not a shared
 * library, no PB_KERNEL_EXPORT, another ABI version, a kernel without a
 * required member (name, default_n, items, run), with items(default_n)
 * == 0, or whose name is already taken.  Nothing is registered on failure.
 */
int pb_kernel_lib_load(const char *path, char *why, size_t len);

/* Unloads every library (their kernels must no longer be used). */
void pb_kernel_libs_close(void);

#endif
