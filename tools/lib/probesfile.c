// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for debugfs forkstats/probes:
 *
 *   # probe type attached hits missed
 *   <symbol> <kprobe|kretprobe|ftrace> <0|1> <u64> <u64>
 *   <blank line>
 *   <name> <value>
 *
 * The BPF backend's kprobe chain adds one line whose value is a name:
 * "kprobe_group <group>" (the tracefs group of its kprobe events).
 */
#include "probesfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textparse.h"

/* The module's kprobe/kretprobe/ftrace; the BPF backend's program types. */
static int probe_type(const char *t)
{
	static const char *const types[] = {
		"kprobe", "kretprobe", "ftrace", "fentry", "fexit", "fentry.fexit", "tp_btf",
		"kprobe.kretprobe",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(t, types[i]))
			return 1;
	return 0;
}

int fs_probes_parse(const char *text, size_t len, struct fs_probes *out, char *err, size_t errlen)
{
	char *buf, *line, *next, *f[7];
	int lineno = 0, n, ret = -1, table = 1;

	memset(out, 0, sizeof(*out));
	buf = fs_text_copy(text, len, err, errlen);
	if (!buf)
		return -1;
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		n = fs_split(line, f, 6);
		if (lineno == 1) {
			if (n != 6 || strcmp(f[0], "#") || strcmp(f[1], "probe") ||
			    strcmp(f[2], "type") || strcmp(f[3], "attached") ||
			    strcmp(f[4], "hits") || strcmp(f[5], "missed")) {
				fs_fail(err, errlen, "line 1: expected \"# probe type attached hits missed\"");
				goto out;
			}
			continue;
		}
		if (table && n == 0) {
			table = 0;
			continue;
		}
		if (table) {
			struct fs_probe_row *r = &out->probes[out->nprobes];

			if (out->nprobes == FS_PROC_MAX_PROBES) {
				fs_fail(err, errlen, "line %d: more than %d probes", lineno,
					FS_PROC_MAX_PROBES);
				goto out;
			}
			if (n != 5 || !fs_valid_name(f[0], sizeof(r->name)) ||
			    !probe_type(f[1]) ||
			    (strcmp(f[2], "0") && strcmp(f[2], "1")) ||
			    fs_parse_u64(f[3], &r->hits) || fs_parse_u64(f[4], &r->missed)) {
				fs_fail(err, errlen, "line %d: expected \"<probe> <type> <0|1> <hits> <missed>\"", lineno);
				goto out;
			}
			snprintf(r->name, sizeof(r->name), "%s", f[0]);
			snprintf(r->type, sizeof(r->type), "%s", f[1]);
			r->attached = f[2][0] == '1';
			out->nprobes++;
			continue;
		}
		if (n == 2 && !strcmp(f[0], "kprobe_group") && !out->kprobe_group[0] &&
		    fs_valid_name(f[1], sizeof(out->kprobe_group))) {
			snprintf(out->kprobe_group, sizeof(out->kprobe_group), "%s", f[1]);
			continue;
		}
		if (fs_counter_line(f, n, out->counters, &out->ncounters, lineno, err, errlen))
			goto out;
	}
	if (lineno == 0 || table) {
		fs_fail(err, errlen, "truncated: the probe table does not end");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

static int parse_probes(char *text, size_t len, void *out, char *err, size_t errlen)
{
	return fs_probes_parse(text, len, out, err, errlen);
}

int fs_probes_read(const char *path, struct fs_probes *out, char *err, size_t errlen)
{
	return fs_read_parsed(path, FS_PROC_MAX_BYTES, parse_probes, out, err, errlen);
}

const struct fs_probe_row *fs_probes_find(const struct fs_probes *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nprobes; i++)
		if (!strcmp(p->probes[i].name, name))
			return &p->probes[i];
	return NULL;
}

const struct fs_proc_counter *fs_probes_counter(const struct fs_probes *p, const char *name)
{
	return fs_counter_find(p->counters, p->ncounters, name);
}
