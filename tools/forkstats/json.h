/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's one JSON writer: every command's --json goes through it (keys
 * are the names of docs/interfaces.md).
 */
#ifndef FORKSTATS_JSON_H
#define FORKSTATS_JSON_H

#include <stdint.h>
#include <stdio.h>

/* A minimal streaming JSON writer. */
#define FS_JSON_DEPTH 16
struct fs_json {
	FILE *f;
	int depth;
	int count[FS_JSON_DEPTH];	/* values written at each level */
	int after_key;
};

void fs_json_init(struct fs_json *j, FILE *f);
void fs_json_begin_object(struct fs_json *j);
void fs_json_end_object(struct fs_json *j);
void fs_json_begin_array(struct fs_json *j);
void fs_json_end_array(struct fs_json *j);
void fs_json_key(struct fs_json *j, const char *key);
void fs_json_u64(struct fs_json *j, uint64_t v);
void fs_json_i64(struct fs_json *j, int64_t v);
void fs_json_f64(struct fs_json *j, double v);
void fs_json_str(struct fs_json *j, const char *s);
void fs_json_null(struct fs_json *j);
void fs_json_bool(struct fs_json *j, int v);
/* Ends the document with a newline. */
void fs_json_done(struct fs_json *j);

#endif /* FORKSTATS_JSON_H */
