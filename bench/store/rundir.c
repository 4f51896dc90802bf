#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rundir.h"

int pb_mkdirs(const char *path)
{
	char buf[PB_PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, 0777) != 0 && errno != EEXIST)
				return -errno;
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	struct stat st;
	if (stat(buf, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return access(buf, W_OK | X_OK) == 0 ? 0 : -errno;
}

static void base_id(char *id, size_t len)
{
	char host[64] = "host";
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", localtime_r(&now, &tm));
	const char *job = getenv("SLURM_JOB_ID");
	const char *array = getenv("SLURM_ARRAY_JOB_ID"), *task = getenv("SLURM_ARRAY_TASK_ID");
	/* Tasks of a job array as Slurm names them (%A_%a): one folder each. */
	if (array && *array && task && *task)
		snprintf(id, len, "%s-%s-job%s_%s", stamp, host, array, task);
	else if (job && *job)
		snprintf(id, len, "%s-%s-job%s", stamp, host, job);
	else
		snprintf(id, len, "%s-%s", stamp, host);
	for (char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			*p = '_';
}

int pb_rundir_create(const char *root, char *id, size_t idlen, char *path,
		     size_t pathlen)
{
	char base[PB_RUN_ID_MAX];
	int err = pb_mkdirs(root);

	if (err)
		return err;
	base_id(base, sizeof(base));
	for (int attempt = 1; attempt < 1000; attempt++) {
		if (attempt == 1)
			snprintf(id, idlen, "%s", base);
		else
			snprintf(id, idlen, "%s-%d", base, attempt);
		if (snprintf(path, pathlen, "%s/%s", root, id) >= (int)pathlen)
			return -ENAMETOOLONG;
		if (mkdir(path, 0777) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int pb_rundir_lock(const char *dir, int *lock)
{
	char path[PB_PATH_MAX];
	*lock = -1;
	if (snprintf(path, sizeof(path), "%s/.lock", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* A file open for writing (NFS emulates flock with byte-range locks,
	 * which want one), close-on-exec (an MPI launcher must not keep the
	 * folder locked after this process is gone). */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		close(fd);
		if (err == EWOULDBLOCK)
			return -EBUSY;
		/* A filesystem without locks (Lustre mounted without flock):
		 * one writer is then the user's to keep. */
		if (err == ENOSYS || err == ENOLCK || err == EOPNOTSUPP || err == EINVAL ||
		    err == EBADF)
			return 0;
		return -err;
	}
	*lock = fd;
	return 0;
}

void pb_rundir_unlock(int lock)
{
	if (lock >= 0)
		close(lock);
}

int pb_latest_link(const char *root, const char *id)
{
	char tmp[PB_PATH_MAX], link[PB_PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s/.latest.%ld", root, (long)getpid());
	snprintf(link, sizeof(link), "%s/latest", root);
	unlink(tmp);
	if (symlink(id, tmp) != 0)
		return -errno;
	if (rename(tmp, link) != 0) {
		int err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

int pb_outfile_open(struct pb_outfile *o, const char *dir, const char *name)
{
	if (snprintf(o->path, sizeof(o->path), "%s/%s", dir, name) >= (int)sizeof(o->path) ||
	    snprintf(o->partial, sizeof(o->partial), "%s.partial", o->path) >=
		    (int)sizeof(o->partial))
		return -ENAMETOOLONG;
	o->f = fopen(o->partial, "w");
	return o->f ? 0 : -errno;
}

/* Makes a rename in dir survive a power loss: the folder's entry is
 * synced too, not only the file's data. */
static int sync_folder_of(const char *path)
{
	char dir[PB_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int fd = open(slash ? (dir[0] ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int e = fsync(fd) == 0 ? 0 : -errno;
	close(fd);
	return e;
}

int pb_outfile_commit(struct pb_outfile *o)
{
	int err = 0;

	if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
		err = errno ? -errno : -EIO;
	if (fclose(o->f) != 0 && !err)
		err = -errno;
	o->f = NULL;
	if (!err && rename(o->partial, o->path) != 0)
		err = -errno;
	/* On failure the partial stays: never a result by its name, and for
	 * raw.csv what --resume can still read. */
	if (!err)
		err = sync_folder_of(o->path);
	return err;
}

void pb_outfile_keep(struct pb_outfile *o)
{
	if (o->f) {
		fflush(o->f);
		fsync(fileno(o->f));
		fclose(o->f);
	}
	o->f = NULL;
}

int pb_outfile_retract(const char *dir, const char *name)
{
	char path[PB_PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (unlink(path) != 0 && errno != ENOENT)
		return -errno;
	return sync_folder_of(path);
}

void pb_outfile_abandon(struct pb_outfile *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	unlink(o->partial);
}

int pb_outfile_salvage(const char *dir, const char *name)
{
	char partial[PB_PATH_MAX], path[PB_PATH_MAX], tmp[PB_PATH_MAX];
	int e = 0;

	if (snprintf(partial, sizeof(partial), "%s/%s.partial", dir, name) >= (int)sizeof(partial) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/%s.salvage", dir, name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	char *text = pb_file_read(partial, &e);
	if (!text)
		return e;
	char *last = strrchr(text, '\n');
	size_t whole = last ? (size_t)(last - text) + 1 : 0;
	/* Not even a header: nothing to keep, and no empty file that would
	 * look like a table. */
	if (whole == 0) {
		free(text);
		return -ENODATA;
	}
	/* Never fewer rows than a committed file already holds (a partial
	 * caught before its writer had copied them). */
	char *kept = pb_file_read(path, &e);
	if (kept) {
		size_t kept_lines = 0, lines = 0;
		for (const char *c = kept; *c; c++)
			kept_lines += *c == '\n';
		for (size_t i = 0; i < whole; i++)
			lines += text[i] == '\n';
		free(kept);
		if (lines < kept_lines) {
			free(text);
			return -ENODATA;
		}
	}
	e = 0;
	/* A file of its own, synced, then renamed: the partial stays as it
	 * is for a writer that may still hold it open. */
	FILE *f = fopen(tmp, "w");
	if (!f)
		e = -errno;
	else if (fwrite(text, 1, whole, f) != whole || fflush(f) != 0 || fsync(fileno(f)) != 0)
		e = errno ? -errno : -EIO;
	if (f && fclose(f) != 0 && !e)
		e = -errno;
	if (!e && rename(tmp, path) != 0)
		e = -errno;
	if (e)
		unlink(tmp);
	else if (!(e = sync_folder_of(path)))
		unlink(partial);
	free(text);
	return e;
}

/* Whether the line starts with one of the prefixes. */
static int starts_with_any(const char *line, const char *const *prefixes, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strncmp(line, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

int pb_file_append_except(FILE *out, const char *dir, const char *name, int skip_header,
			  const char *const *skip, size_t skip_count)
{
	char path[PB_PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int e = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "r")))
		return -errno;
	for (int first = 1; (n = getline(&line, &cap, f)) > 0; first = 0) {
		if ((first && skip_header) || starts_with_any(line, skip, skip_count))
			continue;
		if (fwrite(line, 1, (size_t)n, out) != (size_t)n) {
			e = -EIO;
			break;
		}
		if (line[n - 1] != '\n')
			fputc('\n', out);
	}
	if (!e && ferror(f))
		e = -EIO;
	free(line);
	fclose(f);
	return e;
}

int pb_file_append(FILE *out, const char *dir, const char *name, int skip_header)
{
	return pb_file_append_except(out, dir, name, skip_header, NULL, 0);
}

char *pb_file_read(const char *path, int *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		*err = -errno;
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			char *grown = realloc(text, cap + 1);
			if (!grown) {
				*err = -ENOMEM;
				free(text);
				fclose(f);
				return NULL;
			}
			text = grown;
		}
		size_t got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	*err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (*err) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}
