#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "guard.h"
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
/* The status of the first library whose loading crashed or hung, "" none:
 * the kernels the user named and none brought fail with it. */
static char loading_failed[64];

/* A kernel the user named that a library which crashed while loading may
 * have brought: it stands in, broken, so that its cells fail, named. */
struct stand_in {
	struct pb_kernel kernel;
	char name[32];
};
static struct stand_in stand_ins[MAX_LIBS];
static size_t stand_in_count;

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

/* Checks what can be checked without calling the library's code. */
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
		if (k->max_n && k->default_n > k->max_n)
			return fail(why, len, "%s: kernel '%s' has default_n above max_n", path,
				    k->name);
	}
	return 0;
}

/* The exports of a loaded library, checked: 0, or -EINVAL with why. */
static int find_exports(void *h, const char *path, const struct pb_kernel *const **exports,
			size_t *count, char *why, size_t len)
{
	const unsigned *abi = dlsym(h, "pb_kernel_abi_version");
	*exports = dlsym(h, "pb_kernel_exports");
	*count = 0;
	if (!abi || !*exports)
		return fail(why, len, "%s: no PB_KERNEL_EXPORT(...) in this library%s", path, "");
	if (*abi != PB_KERNEL_ABI_VERSION) {
		char versions[64];
		snprintf(versions, sizeof(versions), "%u, this parbench has %u", *abi,
			 PB_KERNEL_ABI_VERSION);
		return fail(why, len, "%s: built against kernel ABI version %s (rebuild it "
			    "against this parbench's <parbench/kernel.h>)", path, versions);
	}
	while (*count < MAX_LIB_KERNELS && (*exports)[*count])
		(*count)++;
	if (*count == 0)
		return fail(why, len, "%s: PB_KERNEL_EXPORT names no kernel%s", path, "");
	return check_names(*exports, *count, path, why, len);
}

/*
 * What loading the library in a child found, in memory shared with the
 * harness.  One child runs the library's constructors (dlopen) and checks
 * its exports; then each kernel's items(default_n) runs in a child of its
 * own, so that a crash or a hang there is that kernel's, told apart from
 * the whole library's, each within its own time.
 */
struct trial {
	const char *path;
	int err;               /* 0, or -EINVAL with why */
	char why[256];
	size_t count;          /* the kernels it exports */
	size_t kernel;         /* the one whose items is asked */
	uint64_t items;        /* its answer */
	char broken[MAX_LIB_KERNELS][64]; /* why a kernel's items failed; "" */
};

/* In a child: the library opened, its exports found and checked. */
static const struct pb_kernel *const *opened(struct trial *t)
{
	const struct pb_kernel *const *exports;
	void *h = dlopen(t->path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		t->err = fail(t->why, sizeof(t->why), "%s: not a loadable shared library (%s)",
			      t->path, dlerror());
		return NULL;
	}
	t->err = find_exports(h, t->path, &exports, &t->count, t->why, sizeof(t->why));
	return t->err ? NULL : exports; /* open until the child ends */
}

static int try_load(void *ctx)
{
	opened(ctx);
	return 0;
}

static int items_at_default(void *ctx)
{
	struct trial *t = ctx;
	const struct pb_kernel *const *exports = opened(t);
	if (!exports)
		return 0;
	const struct pb_kernel *k = exports[t->kernel];
	t->items = k->items(k->default_n);
	if (t->items == 0)
		t->err = fail(t->why, sizeof(t->why), "%s: kernel '%s' has no items at its "
			      "default_n", t->path, k->name);
	return 0;
}

/* Each kernel's items(default_n), in a child each: broken where it
 * crashed or hung, a refused library where it is 0. */
static void try_items(struct trial *t)
{
	for (size_t i = 0; !t->err && i < t->count; i++) {
		char why[48];
		t->kernel = i;
		t->items = 0;
		if (pb_guard_run(items_at_default, t, pb_kernel_answer_timeout(), NULL, why,
				 sizeof(why)))
			snprintf(t->broken[i], sizeof(t->broken[i]), "items-%s:%s",
				 strncmp(why, "SIG", 3) == 0 ? "crashed" : "failed", why);
	}
}

/* Loads the library in children first: 0 with what they found in t,
 * -EINVAL, -ECHILD where loading it crashed or hung (why says how), or
 * -ENOMEM. */
static int trial_load(const char *path, struct trial *t, char *why, size_t len)
{
	char how[48];
	t->path = path;
	int err = pb_guard_run(try_load, t, pb_kernel_answer_timeout(), NULL, how, sizeof(how));
	if (err == -ENOMEM)
		return fail(why, len, "%s: out of memory%s", path, "");
	if (err) {
		snprintf(why, len, "%s: loading it %s (%s), in a constructor it runs or a "
			 "library it needs", path, strcmp(how, "timeout") == 0 ? "hung" : "crashed",
			 how);
		snprintf(loading_failed, sizeof(loading_failed), "library-load-%s:%s",
			 strncmp(how, "SIG", 3) == 0 ? "crashed" : "failed", how);
		return -ECHILD;
	}
	try_items(t);
	if (t->err)
		snprintf(why, len, "%s", t->why);
	return t->err;
}

/* Loads in this process what the child loaded safely, and registers its
 * kernels, each marked broken where its items failed in the child. */
static int load_here(const char *real, const struct trial *t, char *why, size_t len)
{
	void *h = dlopen(real, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return fail(why, len, "%s: not a loadable shared library (%s)", real, dlerror());
	const struct pb_kernel *const *exports;
	const struct pb_kernel *added[MAX_LIB_KERNELS];
	size_t count;
	struct lib *l = &libs[lib_count];
	int err = find_exports(h, real, &exports, &count, why, len);
	if (!err) {
		l->kernels = calloc(count, sizeof(*l->kernels));
		l->path = strdup(real);
		if (!l->kernels || !l->path)
			err = fail(why, len, "%s: out of memory%s", real, "");
	}
	for (size_t i = 0; !err && i < count; i++) {
		l->kernels[i] = *exports[i];
		normalise(&l->kernels[i]);
		added[i] = &l->kernels[i];
	}
	if (!err && pb_kernel_register(added, count))
		err = fail(why, len, "%s: cannot register its kernels (out of memory)%s", real, "");
	if (err) { /* nothing was registered */
		free(l->kernels);
		free(l->path);
		memset(l, 0, sizeof(*l));
		dlclose(h);
		return err;
	}
	for (size_t i = 0; i < count; i++)
		if (t->broken[i][0])
			pb_kernel_set_broken(&l->kernels[i], t->broken[i]);
	l->handle = h;
	l->count = count;
	lib_count++;
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
	struct trial *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED) {
		free(real);
		return fail(why, len, "%s: out of memory%s", path, "");
	}
	memset(t, 0, sizeof(*t));
	int err = trial_load(real, t, why, len);
	if (!err)
		err = load_here(real, t, why, len);
	munmap(t, sizeof(*t));
	free(real);
	return err;
}

size_t pb_kernel_lib_count(void)
{
	return lib_count;
}

const char *pb_kernel_lib_path(size_t i)
{
	return i < lib_count ? libs[i].path : NULL;
}

const char *pb_kernel_libs_failed(void)
{
	return loading_failed[0] ? loading_failed : NULL;
}

/* Never called: a stand-in is broken from the start. */
static uint64_t no_items(uint64_t n)
{
	(void)n;
	return 1;
}

static uint64_t no_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n, (void)begin, (void)end;
	return 0;
}

const struct pb_kernel *pb_kernel_lib_stand_in(const char *name)
{
	if (!loading_failed[0] || stand_in_count == MAX_LIBS || strlen(name) >= 32 ||
	    pb_kernel_lookup(name))
		return NULL;
	struct stand_in *s = &stand_ins[stand_in_count];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->kernel = (struct pb_kernel){.name = s->name, .default_n = 1, .items = no_items,
				       .run = no_run};
	normalise(&s->kernel);
	s->kernel.shape = "a kernel of a library that could not be loaded";
	const struct pb_kernel *k = &s->kernel;
	if (pb_kernel_register(&k, 1))
		return NULL;
	stand_in_count++;
	pb_kernel_set_broken(k, loading_failed);
	return k;
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
