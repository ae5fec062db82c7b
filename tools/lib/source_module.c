// SPDX-License-Identifier: GPL-2.0
/*
 * The module's source (source.h): /proc/forkstats and the debugfs files,
 * read and parsed by procfile.c, calls.c, histfile.c and probesfile.c.
 * The formats are the module's (docs/interfaces.md); nothing here writes them.
 */
#include "source.h"
#include "source_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "textparse.h"

#define DEBUGFS_MAGIC	0x64626720

/*
 * The path of the debugfs file name in path, if it can be read: 0; else an
 * access code of source.h, and "PATH: strerror" in err.
 */
static int debugfs_file(struct fs_source *s, const char *name, char *path, size_t len,
			char *err, size_t errlen)
{
	struct statfs sfs;
	struct stat st;
	int e;

	snprintf(path, len, "%s/%s", s->debugfs, name);
	if (access(path, R_OK) == 0)
		return 0;
	e = errno;
	fs_fail(err, errlen, "%s: %s", path, strerror(e));
	if (e == EACCES) {
		fs_source_find_denied(s, path);
		return FS_SRC_EACCES;
	}
	if (stat(s->proc, &st) && errno == ENOENT)
		return fs_source_not_loaded(s, err, errlen);
	if (!strcmp(s->debugfs, FS_DEBUGFS_DIR) &&
	    (statfs("/sys/kernel/debug", &sfs) || sfs.f_type != DEBUGFS_MAGIC))
		return FS_SRC_ENODEBUGFS;
	return FS_SRC_EOPEN;
}

static int mod_snapshot(struct fs_source *s, struct fs_proc *out, char *err, size_t errlen)
{
	/* Another file (--proc) that is not there is said as any file would be. */
	if (!strcmp(s->proc, FS_PROC_PATH) && access(s->proc, F_OK) && errno == ENOENT)
		return fs_source_not_loaded(s, err, errlen);
	return fs_proc_read(s->proc, out, err, errlen) ? FS_SRC_ERR : 0;
}

static int mod_records(struct fs_source *s, fs_record_fn fn, void *ctx, uint64_t *lost,
		       char *err, size_t errlen)
{
	char path[512], tmp[256];
	size_t len;
	char *buf;
	int ret;

	*lost = 0;
	ret = debugfs_file(s, "calls", path, sizeof(path), err, errlen);
	if (ret)
		return ret;
	buf = fs_read_file(path, FS_CALLS_MAX_BYTES, &len, err, errlen);
	if (!buf)
		return FS_SRC_ERR;
	/* The buffer is parsed in place: no copy of a ring's megabytes. */
	ret = fs_calls_parse_each(buf, len, fn, ctx, lost, err, errlen);
	free(buf);
	if (ret && errlen) {
		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errlen, "%s: %s", path, tmp);
	}
	return ret ? FS_SRC_ERR : 0;
}

static int mod_hist(struct fs_source *s, struct fs_hist *out, char *err, size_t errlen)
{
	char path[512];
	int ret = debugfs_file(s, "hist", path, sizeof(path), err, errlen);

	memset(out, 0, sizeof(*out));
	if (ret)
		return ret;
	return fs_hist_read(path, out, err, errlen) ? FS_SRC_ERR : 0;
}

static int mod_probes(struct fs_source *s, struct fs_probes *out, char *err, size_t errlen)
{
	char path[512];
	int ret = debugfs_file(s, "probes", path, sizeof(path), err, errlen);

	if (ret)
		return ret;
	return fs_probes_read(path, out, err, errlen) ? FS_SRC_ERR : 0;
}

/* "reset" written to the proc file; ENOENT: not loaded, EACCES/EPERM: not root. */
static int mod_reset(struct fs_source *s, char *err, size_t errlen)
{
	int fd = open(s->proc, O_WRONLY | O_CLOEXEC), e;

	if (fd >= 0 && write(fd, "reset\n", 6) == 6) {
		close(fd);
		return 0;
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	fs_fail(err, errlen, "%s: %s", s->proc, strerror(e));
	if (fd < 0 && e == ENOENT)
		return fs_source_not_loaded(s, err, errlen);
	if (e == EACCES || e == EPERM) {
		fs_source_find_denied(s, s->proc);
		return FS_SRC_EACCES;
	}
	return FS_SRC_ERR;
}

struct mod_events {
	struct fs_source_events head;
	struct fs_events ev;
};

static int mod_events_open(struct fs_source *s, struct fs_source_events **out, char *err,
			   size_t errlen)
{
	struct mod_events *m;
	char path[512];
	int ret, fd;

	ret = debugfs_file(s, "events", path, sizeof(path), err, errlen);
	if (ret)
		return ret;
	m = malloc(sizeof(*m));
	if (!m)
		return fs_fail(err, errlen, "out of memory");
	/* The stream starts at this open. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fs_fail(err, errlen, "%s: %s", path, strerror(errno));
		free(m);
		return FS_SRC_EOPEN;
	}
	fs_events_init(&m->ev, fd);
	m->head.s = s;
	m->head.fd = fd;
	snprintf(m->head.name, sizeof(m->head.name), "%s", path);
	*out = &m->head;
	return 0;
}

static int mod_events_next(struct fs_source_events *ev, struct fs_call *x, uint64_t *lost,
			   char *err, size_t errlen)
{
	struct mod_events *m = (struct mod_events *)ev;
	char reason[256];
	int ret = fs_events_next(&m->ev, x, lost, reason, sizeof(reason));

	if (ret == FS_EVENTS_ERROR)
		fs_fail(err, errlen, "%s: %s", ev->name, reason);
	return ret;
}

static void mod_events_close(struct fs_source_events *ev)
{
	close(ev->fd);
	free(ev);
}

int fs_source_text(struct fs_source *s, const char *name, char **text, size_t *len,
		   char *err, size_t errlen)
{
	char path[512];
	int ret;

	if (s->backend != FS_BACKEND_MODULE)
		return fs_fail(err, errlen, "the BPF backend has no text files");
	if (!strcmp(name, "proc")) {
		if (access(s->proc, F_OK) && errno == ENOENT)
			return fs_source_not_loaded(s, err, errlen);
		snprintf(path, sizeof(path), "%s", s->proc);
	} else {
		ret = debugfs_file(s, name, path, sizeof(path), err, errlen);
		if (ret)
			return ret;
	}
	*text = fs_read_file(path, FS_CALLS_MAX_BYTES, len, err, errlen);
	return *text ? 0 : FS_SRC_ERR;
}

const struct fs_source_ops fs_source_module_ops = {
	.snapshot = mod_snapshot,
	.records = mod_records,
	.hist = mod_hist,
	.probes = mod_probes,
	.reset = mod_reset,
	.events_open = mod_events_open,
	.events_next = mod_events_next,
	.events_close = mod_events_close,
};
