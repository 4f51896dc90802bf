#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

static void cpu_model(char *buf, size_t len)
{
	hwloc_topology_t topo;

	snprintf(buf, len, "unknown");
	if (hwloc_topology_init(&topo) != 0)
		return;
	if (hwloc_topology_load(topo) == 0) {
		hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
		const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
		if (model) {
			snprintf(buf, len, "%s", model);
			/* Some CPUs pad their model string with blanks. */
			for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
				buf[n - 1] = '\0';
		}
	}
	hwloc_topology_destroy(topo);
}

static void boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	snprintf(buf, len, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		snprintf(buf, len, "unknown");
	fclose(f);
}

void pb_host_read(struct pb_host *h)
{
	memset(h, 0, sizeof(*h));
	if (gethostname(h->name, sizeof(h->name) - 1) != 0 || !h->name[0])
		snprintf(h->name, sizeof(h->name), "unknown");
	cpu_model(h->cpu_model, sizeof(h->cpu_model));
	boot_id(h->boot_id, sizeof(h->boot_id));
	h->cpus = sysconf(_SC_NPROCESSORS_ONLN);
}
