/*
 * Run folders: results/<run-id>/ and plots/<run-id>/, a `latest` link to
 * the newest, and files that appear under their final name only once they
 * are complete (written as NAME.partial, then renamed).
 */
#ifndef PB_RUNDIR_H
#define PB_RUNDIR_H

#include <stddef.h>
#include <stdio.h>

#include "../base/paths.h"

/* Creates root (and parents) if needed, then a new root/<run-id> that no
 * other run has: date, time and host (and -job<ID>, or -job<ARRAY>_<TASK>
 * for a task of a Slurm job array), with -2, -3... on a clash.
 * Returns 0 or a negative errno; fills id and path. */
int pb_rundir_create(const char *root, char *id, size_t idlen, char *path,
		     size_t pathlen);

/* mkdir -p.  Returns 0 or a negative errno. */
int pb_mkdirs(const char *path);

/* Points root/latest at id (a relative symlink, replaced atomically). */
int pb_latest_link(const char *root, const char *id);

/* Takes the run folder dir for this process alone: one writer at a time.
 * The lock (flock on dir/.lock) goes with the process however it ends,
 * SIGKILL included.  Returns 0 and the lock in *lock (-1 on a filesystem
 * that has no locks), -EBUSY when another process holds it, or another
 * negative errno. */
int pb_rundir_lock(const char *dir, int *lock);
void pb_rundir_unlock(int lock);

/* A file being written: opened as PATH.partial, renamed to PATH when
 * committed, removed when abandoned. */
struct pb_outfile {
	FILE *f;
	char path[PB_PATH_MAX];
	char partial[PB_PATH_MAX];
};

int pb_outfile_open(struct pb_outfile *o, const char *dir, const char *name);

/* The whole file at path as one NUL-terminated string (caller frees), or
 * NULL with a negative errno in *err. */
char *pb_file_read(const char *path, int *err);

/* Appends the lines of dir/name to out (without its first line when
 * skip_header), each ending in a newline.  Returns 0 or a negative errno. */
int pb_file_append(FILE *out, const char *dir, const char *name, int skip_header);
/* The same, leaving out the lines that start with one of skip[]. */
int pb_file_append_except(FILE *out, const char *dir, const char *name, int skip_header,
			  const char *const *skip, size_t skip_count);
/* Closes and renames; returns 0 or a negative errno (then the partial is
 * removed). */
int pb_outfile_commit(struct pb_outfile *o);
void pb_outfile_abandon(struct pb_outfile *o);

/* Closes the file, synced, keeping NAME.partial as it is (its writer
 * cannot go on, but what it wrote is worth salvaging). */
void pb_outfile_keep(struct pb_outfile *o);

/* Removes dir/name (a file that no longer describes the folder), synced;
 * 0 also when it was not there. */
int pb_outfile_retract(const char *dir, const char *name);

/* Commits the whole lines of dir/name.partial, a file whose writer was
 * killed or is stuck (its last line may be torn), as dir/name.  Safe
 * while the writer lives: what it adds later is not taken.  Returns 0,
 * -ENOENT when there is no such partial, -ENODATA when it holds no whole
 * line or fewer lines than dir/name already has (then nothing changes),
 * or another negative errno. */
int pb_outfile_salvage(const char *dir, const char *name);

#endif
