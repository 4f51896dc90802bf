#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel.h"
#include "library.h"

#define MAX_LIBS 16
#define MAX_LIB_KERNELS 64

struct lib {
	char *path;
	void *handle;
	struct pb_kernel *kernels; /* normalised copies, registered */
	size_t count;
};

static struct lib libs[MAX_LIBS];
static size_t lib_count;

static int fail(char *why, size_t len, const char *fmt, const char *a, const char *b)
{
	snprintf(why, len, fmt, a, b);
	return -EINVAL;
}

/* The member a kernel lacks, or NULL. */
static const char *missing(const struct pb_kernel *k)
{
	return !k->name || !*k->name ? "name" : !k->default_n ? "default_n"
	       : !k->items ? "items" : !k->run ? "run" : NULL;
}

/* Fills what the user left out: no memory, no init, no bound on n but
 * what items allows, work proportional to items (pb_kernel_work). */
static void normalise(struct pb_kernel *k)
{
	if (!k->quick_n)
		k->quick_n = k->default_n;
	if (!k->max_n)
		k->max_n = UINT64_MAX;
	if (!k->n_means)
		k->n_means = "n";
	if (!k->shape)
		k->shape = "a user kernel";
}

static int check_names(const struct pb_kernel *const *exports, size_t count, const char *path,
		       char *why, size_t len)
{
	for (size_t i = 0; i < count; i++) {
		const struct pb_kernel *k = exports[i];
		const char *m = missing(k);
		if (m)
			return fail(why, len, "%s: a kernel has no %s (required: name, default_n, "
				    "items, run)", path, m);
		if (strlen(k->name) >= 32 || strpbrk(k->name, ", =\"\n\t"))
			return fail(why, len, "%s: kernel name '%s' is not a plain word of at "
				    "most 31 characters", path, k->name);
		if (pb_kernel_lookup(k->name))
			return fail(why, len, "%s: kernel '%s' is already known (a built-in or "
				    "another library's)", path, k->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(exports[j]->name, k->name))
				return fail(why, len, "%s: kernel '%s' is exported twice", path,
					    k->name);
		if (k->items(k->default_n) == 0)
			return fail(why, len, "%s: kernel '%s' has no items at its default_n",
				    path, k->name);
		if (k->max_n && k->default_n > k->max_n)
			return fail(why, len, "%s: kernel '%s' has default_n above max_n", path,
				    k->name);
	}
	return 0;
}

int pb_kernel_lib_load(const char *path, char *why, size_t len)
{
	struct stat st;
	if (lib_count == MAX_LIBS)
		return fail(why, len, "%s: at most 16 kernel libraries%s", path, "");
	if (stat(path, &st) != 0)
		return fail(why, len, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(why, len, "%s: not a file%s", path, "");
	/* A name without a slash would be searched for along the library
	 * path: the file the user named is the one loaded. */
	char *real = realpath(path, NULL);
	if (!real)
		return fail(why, len, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < lib_count; i++)
		if (!strcmp(libs[i].path, real)) { /* named twice: loaded once */
			free(real);
			return 0;
		}
	void *h = dlopen(real, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		free(real);
		return fail(why, len, "%s: not a loadable shared library (%s)", path, dlerror());
	}
	const unsigned *abi = dlsym(h, "pb_kernel_abi_version");
	const struct pb_kernel *const *exports = dlsym(h, "pb_kernel_exports");
	int err = 0;
	size_t count = 0;
	if (!abi || !exports) {
		err = fail(why, len, "%s: no PB_KERNEL_EXPORT(...) in this library%s", path, "");
	} else if (*abi != PB_KERNEL_ABI_VERSION) {
		char versions[64];
		snprintf(versions, sizeof(versions), "%u, this parbench has %u", *abi,
			 PB_KERNEL_ABI_VERSION);
		err = fail(why, len, "%s: built against kernel ABI version %s (rebuild it "
			   "against this parbench's <parbench/kernel.h>)", path, versions);
	} else {
		while (count < MAX_LIB_KERNELS && exports[count])
			count++;
		if (count == 0)
			err = fail(why, len, "%s: PB_KERNEL_EXPORT names no kernel%s", path, "");
		else
			err = check_names(exports, count, path, why, len);
	}
	struct lib *l = &libs[lib_count];
	if (!err) {
		l->kernels = calloc(count, sizeof(*l->kernels));
		l->path = real;
		real = NULL;
		if (!l->kernels)
			err = fail(why, len, "%s: out of memory%s", path, "");
	}
	for (size_t i = 0; !err && i < count; i++) {
		l->kernels[i] = *exports[i];
		normalise(&l->kernels[i]);
		if (pb_kernel_register(&l->kernels[i]))
			err = fail(why, len, "%s: cannot register kernel '%s'", path,
				   exports[i]->name);
	}
	if (err) { /* checked before any registration: only memory can fail here */
		free(real);
		free(l->kernels);
		free(l->path);
		memset(l, 0, sizeof(*l));
		dlclose(h);
		return err;
	}
	l->handle = h;
	l->count = count;
	lib_count++;
	return 0;
}

size_t pb_kernel_lib_count(void)
{
	return lib_count;
}

const char *pb_kernel_lib_path(size_t i)
{
	return i < lib_count ? libs[i].path : NULL;
}

void pb_kernel_libs_close(void)
{
	for (size_t i = 0; i < lib_count; i++) {
		dlclose(libs[i].handle);
		free(libs[i].kernels);
		free(libs[i].path);
	}
	memset(libs, 0, sizeof(libs));
	lib_count = 0;
}
