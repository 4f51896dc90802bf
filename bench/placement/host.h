/* Which machine this is: what a machine profile is keyed by, and what
 * the provenance records. */
#ifndef PB_HOST_H
#define PB_HOST_H

#define PB_HOST_FIELD 256

struct pb_host {
	char name[PB_HOST_FIELD];      /* hostname */
	char cpu_model[PB_HOST_FIELD]; /* hwloc's CPUModel of the first package */
	char boot_id[64];              /* changes at every boot; "unknown" */
	long cpus;                     /* online CPUs */
};

/* Fills h; a fact that cannot be read says "unknown" (cpus: -1). */
void pb_host_read(struct pb_host *h);

#endif
