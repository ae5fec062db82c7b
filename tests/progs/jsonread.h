/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsonread: the CLI's output layer read back into the structs of tools/lib,
 * on Debian's json-c.  The tests compare backends and read the BPF backend
 * through these documents, never through the module's text formats:
 *
 *   "forkstats --json calls"  {"lost": N, "calls": [{column: value|null}]}
 *   "forkstats --json show"   {..., "kinds": [{"kind"|"total", column...}], "counters": {}}
 *   "forkstats --json hist"   [{"kind", "latency", "lo_ns", "hi_ns", "count"}]
 *
 * Each returns 0, or -1 with a one-line reason in err.
 */
#ifndef FS_JSONREAD_H
#define FS_JSONREAD_H

#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "procfile.h"

/* One or more calls documents, one after the other: records appended, losses added. */
int fs_json_calls_parse(const char *text, size_t len, struct fs_calls *out, char *err,
			size_t errlen);
/* The calls document in file path. */
int fs_json_calls_read(const char *path, struct fs_calls *out, char *err, size_t errlen);
/* The show document: its kinds and total (null: unknown), counters, backend, chain, kernel, split. */
int fs_json_proc_parse(const char *text, size_t len, struct fs_proc *out, char *err,
		       size_t errlen);
/* A hist document (hist, or hist --total): its counts added per kind and latency ([k][0] create, [k][1] total). */
int fs_json_hist_counts(const char *text, size_t len, uint64_t counts[FS_KIND_COUNT][2],
			char *err, size_t errlen);

#endif /* FS_JSONREAD_H */
