// SPDX-License-Identifier: GPL-2.0
/*
 * The data source (source.h): the choice of a backend, made here and
 * nowhere else, and the calls handed to the chosen source's operations.
 */
#include "source.h"
#include "source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_backend.h"
#include "textparse.h"

static const char *const backend_names[] = {
	[FS_BACKEND_AUTO] = "auto", [FS_BACKEND_MODULE] = "module", [FS_BACKEND_BPF] = "bpf",
};

int fs_backend_parse(const char *name, enum fs_backend *b)
{
	size_t i;

	for (i = 0; i < sizeof(backend_names) / sizeof(backend_names[0]); i++) {
		if (!strcmp(name, backend_names[i])) {
			*b = (enum fs_backend)i;
			return 0;
		}
	}
	return -1;
}

const char *fs_backend_name(enum fs_backend b)
{
	return b <= FS_BACKEND_BPF ? backend_names[b] : "?";
}

int fs_source_module_loaded(void)
{
	return access(FS_PROC_PATH, F_OK) == 0;
}

int fs_source_bpf_attached(void)
{
	return fsb_pinned();
}

enum fs_backend fs_backend_choose(const struct fs_source_conf *c)
{
	if (c->backend != FS_BACKEND_AUTO)
		return c->backend;
	if (c->files_given || access(c->proc, F_OK) == 0)
		return FS_BACKEND_MODULE;
	return fsb_pinned() ? FS_BACKEND_BPF : FS_BACKEND_MODULE;
}

int fs_source_open(struct fs_source **out, const struct fs_source_conf *c, char *err,
		   size_t errlen)
{
	struct fs_source *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return fs_fail(err, errlen, "out of memory");
	s->backend = fs_backend_choose(c);
	s->proc = c->proc;
	s->debugfs = c->debugfs;
	if (s->backend == FS_BACKEND_BPF) {
		s->ops = &fs_source_bpf_ops;
		if (fs_source_bpf_open(s, c->transient, err, errlen)) {
			free(s);
			return FS_SRC_ERR;
		}
	} else {
		s->ops = &fs_source_module_ops;
	}
	*out = s;
	return 0;
}

void fs_source_close(struct fs_source *s)
{
	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(s);
	free(s);
}

enum fs_backend fs_source_backend(const struct fs_source *s)
{
	return s->backend;
}

const char *fs_source_chain(const struct fs_source *s)
{
	return s->bpf ? fsb_chain_name(s->bpf) : NULL;
}

const char *fs_source_where(const struct fs_source *s, const char *name, char *buf,
			    size_t len)
{
	if (s->bpf)
		snprintf(buf, len, "the BPF backend's %s", name);
	else if (!strcmp(name, "proc"))
		snprintf(buf, len, "%s", s->proc);
	else
		snprintf(buf, len, "%s/%s", s->debugfs, name);
	return buf;
}

int fs_source_snapshot(struct fs_source *s, struct fs_proc *out, char *err, size_t errlen)
{
	return s->ops->snapshot(s, out, err, errlen);
}

int fs_source_records(struct fs_source *s, fs_record_fn fn, void *ctx, uint64_t *lost,
		      char *err, size_t errlen)
{
	uint64_t none;

	return s->ops->records(s, fn, ctx, lost ? lost : &none, err, errlen);
}

static int push(void *ctx, const struct fs_call *x)
{
	return fs_calls_push(ctx, x);
}

int fs_source_calls(struct fs_source *s, struct fs_calls *out, char *err, size_t errlen)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = fs_source_records(s, push, out, &out->lost, err, errlen);
	if (ret)
		fs_calls_free(out);
	return ret;
}

int fs_source_hist(struct fs_source *s, struct fs_hist *out, char *err, size_t errlen)
{
	return s->ops->hist(s, out, err, errlen);
}

int fs_source_probes(struct fs_source *s, struct fs_probes *out, char *err, size_t errlen)
{
	return s->ops->probes(s, out, err, errlen);
}

int fs_source_reset(struct fs_source *s, char *err, size_t errlen)
{
	return s->ops->reset(s, err, errlen);
}

int fs_source_events_open(struct fs_source *s, struct fs_source_events **out, char *err,
			  size_t errlen)
{
	return s->ops->events_open(s, out, err, errlen);
}

int fs_source_events_fd(const struct fs_source_events *ev)
{
	return ev->fd;
}

int fs_source_events_next(struct fs_source_events *ev, struct fs_call *x, uint64_t *lost,
			  char *err, size_t errlen)
{
	return ev->s->ops->events_next(ev, x, lost, err, errlen);
}

void fs_source_events_sync(struct fs_source_events *ev)
{
	if (ev->s->ops->events_sync)
		ev->s->ops->events_sync(ev);
}

const char *fs_source_events_name(const struct fs_source_events *ev)
{
	return ev->name;
}

void fs_source_events_close(struct fs_source_events *ev)
{
	if (ev)
		ev->s->ops->events_close(ev);
}
