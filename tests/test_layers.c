/*
 * The source tree's layers, read from its #include lines: kernels, then
 * runners, then bench/'s folders in the order bench/Makefile.local lists
 * them (BENCH_LAYERS).  A file may include its own layer and those below,
 * never one above; modules (a folder's NAME.c and NAME.h together) form no
 * cycle; hwloc is included only where placement is resolved and the
 * provenance written.  The checker runs on the real tree and on made-up
 * trees that break each rule, so it is known to fail when it should.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LAYERS 16
#define MAX_FILES 512
#define MAX_INCLUDES 32
#define PATH_LEN 256

/* Where hwloc may be included, relative to the tree's root. */
static const char *const hwloc_users[] = {
	"bench/placement/placement.c",
	"bench/placement/host.c",
	"bench/measure/provenance.c",
};

struct file {
	char path[PATH_LEN];   /* from the root: "bench/model/plan.c" */
	char module[PATH_LEN]; /* the path without its extension */
	int layer;
	char includes[MAX_INCLUDES][PATH_LEN]; /* resolved, from the root */
	int include_count;
	int hwloc;
};

struct tree {
	char layers[MAX_LAYERS][64]; /* "kernels", "runners", "bench/base", ... */
	int layer_count;
	struct file files[MAX_FILES];
	int file_count;
	char problem[512]; /* the first rule broken, for the message */
};

/* "bench/Makefile.local" holds a line "BENCH_LAYERS := base model ...". */
static int read_layers(const char *root, struct tree *t)
{
	char path[PATH_LEN], line[512];
	snprintf(path, sizeof(path), "%s/bench/Makefile.local", root);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	t->layer_count = 0;
	snprintf(t->layers[t->layer_count++], 64, "kernels");
	snprintf(t->layers[t->layer_count++], 64, "runners");
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "BENCH_LAYERS", 12) != 0 || !strchr(line, '='))
			continue;
		for (char *w = strtok(strchr(line, '=') + 1, " \t\n"); w && t->layer_count < MAX_LAYERS;
		     w = strtok(NULL, " \t\n"))
			snprintf(t->layers[t->layer_count++], 64, "bench/%s", w);
	}
	fclose(f);
	return t->layer_count > 2 ? 0 : -1;
}

/* Folds "a/b/../c" into "a/c". */
static void normalise(char *path)
{
	char *parts[32], copy[PATH_LEN];
	int count = 0;
	snprintf(copy, sizeof(copy), "%s", path);
	for (char *p = strtok(copy, "/"); p && count < 32; p = strtok(NULL, "/")) {
		if (strcmp(p, "..") == 0 && count > 0 && strcmp(parts[count - 1], "..") != 0)
			count--;
		else if (strcmp(p, ".") != 0)
			parts[count++] = p;
	}
	path[0] = '\0';
	for (int i = 0; i < count; i++) {
		strcat(path, i ? "/" : "");
		strcat(path, parts[i]);
	}
}

static void read_includes(const char *root, struct file *f)
{
	char path[2 * PATH_LEN], line[512], dir[PATH_LEN];
	snprintf(path, sizeof(path), "%s/%s", root, f->path);
	snprintf(dir, sizeof(dir), "%s", f->path);
	*strrchr(dir, '/') = '\0';
	FILE *in = fopen(path, "r");
	cr_assert_not_null(in, "cannot read %s", path);
	while (fgets(line, sizeof(line), in)) {
		char name[PATH_LEN];
		if (sscanf(line, " #include <%255[^>]>", name) == 1 && strcmp(name, "hwloc.h") == 0)
			f->hwloc = 1;
		if (sscanf(line, " #include \"%255[^\"]\"", name) != 1)
			continue;
		cr_assert_lt(f->include_count, MAX_INCLUDES, "%s: more includes than this reads",
			     f->path);
		char *to = f->includes[f->include_count++];
		snprintf(to, PATH_LEN, "%.120s/%.120s", dir, name);
		normalise(to);
	}
	fclose(in);
}

static void scan_layer(const char *root, struct tree *t, int layer)
{
	char path[PATH_LEN];
	snprintf(path, sizeof(path), "%s/%s", root, t->layers[layer]);
	DIR *d = opendir(path);
	cr_assert_not_null(d, "no folder %s for a layer", path);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 3 || e->d_name[len - 2] != '.' ||
		    (e->d_name[len - 1] != 'c' && e->d_name[len - 1] != 'h'))
			continue;
		cr_assert_lt(t->file_count, MAX_FILES);
		struct file *f = &t->files[t->file_count++];
		memset(f, 0, sizeof(*f));
		snprintf(f->path, sizeof(f->path), "%.63s/%.120s", t->layers[layer], e->d_name);
		size_t stem = strlen(f->path) - 2; /* without ".c" or ".h" */
		memcpy(f->module, f->path, stem);
		f->module[stem] = '\0';
		f->layer = layer;
		read_includes(root, f);
	}
	closedir(d);
}

/* The layer a path is in, or -1 (mpi/, a system header). */
static int layer_of(const struct tree *t, const char *path)
{
	for (int i = 0; i < t->layer_count; i++) {
		size_t len = strlen(t->layers[i]);
		if (strncmp(path, t->layers[i], len) == 0 && path[len] == '/' &&
		    !strchr(path + len + 1, '/'))
			return i;
	}
	return -1;
}

static int no_upward_include(struct tree *t)
{
	for (int i = 0; i < t->file_count; i++) {
		const struct file *f = &t->files[i];
		for (int j = 0; j < f->include_count; j++)
			if (layer_of(t, f->includes[j]) > f->layer) {
				snprintf(t->problem, sizeof(t->problem), "%s includes %s, a layer above",
					 f->path, f->includes[j]);
				return 0;
			}
	}
	return 1;
}

/* Whether module m reaches module target through includes; seen holds
 * the modules already followed, each followed once. */
static int depends(const struct tree *t, const char *m, const char *target, char (*seen)[PATH_LEN],
		   int *seen_count)
{
	for (int i = 0; i < *seen_count; i++)
		if (strcmp(seen[i], m) == 0)
			return 0;
	snprintf(seen[(*seen_count)++], PATH_LEN, "%s", m);
	for (int i = 0; i < t->file_count; i++) {
		const struct file *f = &t->files[i];
		if (strcmp(f->module, m) != 0)
			continue;
		for (int j = 0; j < f->include_count; j++) {
			char dep[PATH_LEN];
			snprintf(dep, sizeof(dep), "%.*s", (int)strlen(f->includes[j]) - 2,
				 f->includes[j]);
			if (strcmp(dep, m) == 0)
				continue; /* NAME.c includes NAME.h */
			if (strcmp(dep, target) == 0 || depends(t, dep, target, seen, seen_count))
				return 1;
		}
	}
	return 0;
}

static int no_cycle(struct tree *t)
{
	static char seen[MAX_FILES][PATH_LEN];
	for (int i = 0; i < t->file_count; i++) {
		int count = 0;
		if (depends(t, t->files[i].module, t->files[i].module, seen, &count)) {
			snprintf(t->problem, sizeof(t->problem), "%s depends on itself through includes",
				 t->files[i].module);
			return 0;
		}
	}
	return 1;
}

static int hwloc_where_allowed(struct tree *t)
{
	for (int i = 0; i < t->file_count; i++) {
		int allowed = 0;
		for (size_t j = 0; j < sizeof(hwloc_users) / sizeof(hwloc_users[0]); j++)
			allowed |= strcmp(t->files[i].path, hwloc_users[j]) == 0;
		if (t->files[i].hwloc && !allowed) {
			snprintf(t->problem, sizeof(t->problem), "%s includes hwloc.h",
				 t->files[i].path);
			return 0;
		}
	}
	return 1;
}

/* 1 when the tree at root keeps every rule; t->problem names the first broken. */
static int check_tree(const char *root, struct tree *t)
{
	memset(t, 0, sizeof(*t));
	cr_assert_eq(read_layers(root, t), 0, "no BENCH_LAYERS in %s/bench/Makefile.local", root);
	for (int i = 0; i < t->layer_count; i++)
		scan_layer(root, t, i);
	return no_upward_include(t) && no_cycle(t) && hwloc_where_allowed(t);
}

static struct tree tree; /* large: not on the stack */

Test(layers, the_source_tree_includes_only_downward_without_cycles)
{
	const char *root = getenv("PARBENCH_SRCDIR") ? getenv("PARBENCH_SRCDIR") : ".";
	cr_expect(check_tree(root, &tree), "%s", tree.problem);
	cr_expect_gt(tree.file_count, 60, "read the whole tree (%d files)", tree.file_count);
}

/* A made-up tree: two layers, low and high, with files given as
 * {path, content} pairs. */
static void make_tree(char *root, const char *const *files, size_t count)
{
	char path[512];
	cr_assert_not_null(mkdtemp(root));
	const char *dirs[] = {"kernels", "runners", "bench", "bench/low", "bench/high"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		cr_assert_eq(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/bench/Makefile.local", root);
	FILE *f = fopen(path, "w");
	fputs("BENCH_LAYERS := low high\n", f);
	fclose(f);
	for (size_t i = 0; i < count; i += 2) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(files[i + 1], f);
		fclose(f);
	}
}

static void remove_tree(const char *root)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

Test(layers, a_downward_tree_passes)
{
	char root[] = "/tmp/pb-layers-XXXXXX";
	const char *const files[] = {
		"bench/low/a.h", "#include \"../../kernels/k.h\"\n",
		"bench/low/a.c", "#include \"a.h\"\n",
		"bench/high/b.c", "#include \"../low/a.h\"\n#include <stdio.h>\n",
		"kernels/k.h", "",
	};
	make_tree(root, files, sizeof(files) / sizeof(files[0]));
	cr_expect(check_tree(root, &tree), "%s", tree.problem);
	remove_tree(root);
}

Test(layers, an_upward_include_fails)
{
	char root[] = "/tmp/pb-layers-XXXXXX";
	const char *const files[] = {
		"bench/low/a.c", "#include \"../high/b.h\"\n",
		"bench/high/b.h", "",
	};
	make_tree(root, files, sizeof(files) / sizeof(files[0]));
	cr_expect_not(check_tree(root, &tree));
	cr_expect(strstr(tree.problem, "bench/low/a.c includes bench/high/b.h"), "%s",
		  tree.problem);
	remove_tree(root);
}

Test(layers, a_cycle_within_a_layer_fails)
{
	char root[] = "/tmp/pb-layers-XXXXXX";
	const char *const files[] = {
		"bench/low/a.h", "#include \"b.h\"\n",
		"bench/low/b.h", "",
		"bench/low/b.c", "#include \"b.h\"\n#include \"c.h\"\n",
		"bench/low/c.h", "#include \"a.h\"\n",
	};
	make_tree(root, files, sizeof(files) / sizeof(files[0]));
	cr_expect_not(check_tree(root, &tree));
	cr_expect(strstr(tree.problem, "depends on itself"), "%s", tree.problem);
	remove_tree(root);
}

Test(layers, hwloc_outside_placement_and_provenance_fails)
{
	char root[] = "/tmp/pb-layers-XXXXXX";
	const char *const files[] = {
		"bench/high/b.c", "#include <hwloc.h>\n",
	};
	make_tree(root, files, sizeof(files) / sizeof(files[0]));
	cr_expect_not(check_tree(root, &tree));
	cr_expect(strstr(tree.problem, "hwloc"), "%s", tree.problem);
	remove_tree(root);
}
