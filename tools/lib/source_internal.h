/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two sources (source_module.c, source_bpf.c) give source.c: a
 * table of operations each.  Not for the source's users: source.h.
 */
#ifndef FORKSTATS_SOURCE_INTERNAL_H
#define FORKSTATS_SOURCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* From source.h, which this header does not include (no include cycle). */
struct fs_source;
struct fs_source_events;
struct fs_proc;
struct fs_call;
struct fs_hist;
struct fs_probes;
struct fsb;

struct fs_source_ops {
	int (*snapshot)(struct fs_source *s, struct fs_proc *out, char *err, size_t errlen);
	int (*records)(struct fs_source *s, int (*fn)(void *ctx, const struct fs_call *x),
		       void *ctx, uint64_t *lost, char *err, size_t errlen);
	int (*hist)(struct fs_source *s, struct fs_hist *out, char *err, size_t errlen);
	int (*probes)(struct fs_source *s, struct fs_probes *out, char *err, size_t errlen);
	int (*reset)(struct fs_source *s, char *err, size_t errlen);
	int (*events_open)(struct fs_source *s, struct fs_source_events **out, char *err,
			   size_t errlen);
	int (*events_next)(struct fs_source_events *ev, struct fs_call *x, uint64_t *lost,
			   char *err, size_t errlen);
	void (*events_sync)(struct fs_source_events *ev);
	void (*events_close)(struct fs_source_events *ev);
	void (*close)(struct fs_source *s);
};

struct fs_source {
	const struct fs_source_ops *ops;
	int backend;			/* enum fs_backend: module or bpf */
	const char *proc, *debugfs;	/* the module's files */
	struct fsb *bpf;		/* the BPF backend, opened or attached */
	int transient;			/* ... attached by this process, for it */
	int chosen;			/* auto chose the module: errors name both backends */
	char denied[600];		/* after FS_SRC_EACCES: "PATH is 0MODE" */
};

/*
 * The module is not loaded: one line into err, "PATH not found: ..." with the
 * advice the machine allows (both backends' when auto chose the module).
 * Returns FS_SRC_ENOMODULE.
 */
int fs_source_not_loaded(const struct fs_source *s, char *err, size_t errlen);
/* The first component of path this user cannot pass (or read), into s->denied. */
void fs_source_find_denied(struct fs_source *s, const char *path);

/* The head of each source's stream. */
struct fs_source_events {
	struct fs_source *s;
	int fd;				/* to poll */
	char name[512];			/* for messages */
};

extern const struct fs_source_ops fs_source_module_ops, fs_source_bpf_ops;
/* source_bpf.c: the BPF backend opened for s.  0, or FS_SRC_ERR. */
int fs_source_bpf_open(struct fs_source *s, int transient, char *err, size_t errlen);

#endif /* FORKSTATS_SOURCE_INTERNAL_H */
