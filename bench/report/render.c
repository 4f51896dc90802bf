#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fail.h"
#include "../store/rundir.h"
#include "json.h"
#include "plot.h"
#include "render.h"
#include "report_html.h"

int pb_results_open(const char *run_dir, struct pb_results *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	int e = pb_run_open(run_dir, PB_RUN_EXTRAS, &r->run, err, errlen);
	if (e) {
		pb_run_close(&r->run);
		return e;
	}
	if ((e = pb_findings_compute(&r->run, &r->found))) {
		pb_run_close(&r->run);
		return pb_fail(err, errlen, e, "%s/summary.csv: %s", r->run.dir,
			       e == -EINVAL ? "lacks the columns that name a cell"
					    : strerror(-e));
	}
	return 0;
}

void pb_results_close(struct pb_results *r)
{
	pb_findings_free(&r->found);
	pb_run_close(&r->run);
}

int pb_render_pages(const struct pb_results *r, const char *plots_root, char *out, size_t outlen,
		    char *err, size_t errlen)
{
	static const char *const needed[] = {"kernel", "n", "runner", "schedule", "workers",
					     "speedup"};
	char dir[PB_PATH_MAX], sub[PB_PATH_MAX];
	int e;

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (pb_table_column(&r->run.summary, needed[i]) < 0) {
			return pb_fail(err, errlen, -EINVAL,
				       "%s/summary.csv lacks the columns a chart needs (%s)",
				       r->run.dir, needed[i]);
		}
	snprintf(dir, sizeof(dir), "%s/%s", plots_root, r->run.id);
	snprintf(sub, sizeof(sub), "%s/data", dir);
	if ((e = pb_mkdirs(sub)))
		return pb_fail(err, errlen, -EINVAL, "cannot write plots to '%s': %s", dir,
			       strerror(-e));
	struct pb_drawn *drawn = malloc(sizeof(*drawn));
	if (!drawn)
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	int rc = pb_charts_draw(&r->run, &r->found, dir, drawn, err, errlen);
	if (rc == 0)
		rc = pb_report_html_write(&r->run, &r->found, drawn, dir, err, errlen);
	free(drawn);
	if (rc == 0 && (e = pb_latest_link(plots_root, r->run.id)))
		rc = pb_fail(err, errlen, -EIO, "cannot link %s/latest: %s", plots_root, strerror(-e));
	if (rc == 0)
		snprintf(out, outlen, "%s", dir);
	return rc;
}

int pb_render_json(const struct pb_results *r, char *err, size_t errlen)
{
	struct pb_outfile out;
	int e;

	if (!pb_table_present(&r->run.raw))
		return 0;
	if ((e = pb_outfile_open(&out, r->run.dir, PB_JSON_FILE)))
		return pb_fail(err, errlen, -EIO, "cannot write %s/%s: %s", r->run.dir, PB_JSON_FILE,
			       strerror(-e));
	if ((e = pb_json_write(out.f, &r->run))) {
		pb_outfile_abandon(&out);
		return pb_fail(err, errlen, e == -ENOMEM ? e : -EIO, "cannot write %s/%s: %s",
			       r->run.dir, PB_JSON_FILE,
			       e == -EINVAL ? "the run's CSV files lack columns" : strerror(-e));
	}
	if ((e = pb_outfile_commit(&out)))
		return pb_fail(err, errlen, -EIO, "cannot write %s/%s: %s", r->run.dir, PB_JSON_FILE,
			       strerror(-e));
	return 0;
}

int pb_plot_run(const char *run_dir, const char *plots_root, char *out, size_t outlen, char *err,
		size_t errlen)
{
	struct pb_results r;
	int e = pb_results_open(run_dir, &r, err, errlen);

	if (e)
		return e;
	int rc = pb_render_pages(&r, plots_root, out, outlen, err, errlen);
	pb_results_close(&r);
	return rc;
}
