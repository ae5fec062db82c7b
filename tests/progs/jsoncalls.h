/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsoncalls: "forkstats --json calls" (the CLI's output layer, one document
 * {"lost": N, "calls": [{column: value or null}, ...]}) read back into the
 * structs of calls.h, on Debian's json-c.  The tests compare backends through
 * this, not through the module's text formats.
 */
#ifndef FS_JSONCALLS_H
#define FS_JSONCALLS_H

#include <stddef.h>

#include "calls.h"

/* The document in file path into *out.  0, or -1 with a reason. */
int fs_json_calls_read(const char *path, struct fs_calls *out, char *err, size_t errlen);

#endif /* FS_JSONCALLS_H */
