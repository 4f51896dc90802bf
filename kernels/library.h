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
 * Loads the library at path and registers its kernels.  It is loaded in a
 * child process first (guard.h), so that its constructors, and each
 * kernel's items(default_n), run where a crash or a hang takes only the
 * child.  Returns 0, or a one-line reason in why and:
 *   -EINVAL  no such file, not a shared library, no PB_KERNEL_EXPORT,
 *            another ABI version, a kernel without a required member
 *            (name, default_n, items, run), with items(default_n) == 0,
 *            or whose name is already taken;
 *   -ECHILD  loading it crashed or hung (a constructor, a library it
 *            needs): the sweep may go on without it, and the kernels the
 *            user names that no library brings stand in for its kernels,
 *            failing with that reason (pb_kernel_lib_stand_in).
 * A kernel whose items(default_n) crashed or hung is registered broken
 * (pb_kernel_broken): its cells fail, named.  Nothing is registered on
 * failure.
 */
int pb_kernel_lib_load(const char *path, char *why, size_t len);

/* The status of the first library whose loading crashed or hung
 * ("library-load-crashed:SIGSEGV"), or NULL. */
const char *pb_kernel_libs_failed(void);

/* Where a library's loading crashed: registers a kernel of that name,
 * broken with that status, so that the cells the user asked of it fail
 * named and the rest of the sweep runs.  NULL where no library crashed,
 * or the name is taken or too long. */
const struct pb_kernel *pb_kernel_lib_stand_in(const char *name);

/* Unloads every library (their kernels must no longer be used). */
void pb_kernel_libs_close(void);

#endif
