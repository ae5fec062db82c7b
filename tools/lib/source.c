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
#include <sys/stat.h>
#include <sys/utsname.h>
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

int fs_source_bpf_state(char *why, size_t whylen)
{
	return fsb_pin_state(why, whylen);
}

/* The first line of a small file into buf ("" when unreadable). */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f && !fgets(buf, (int)len, f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

void fs_module_caps(struct fs_module_caps *m)
{
	static const char *const installed[] = {
		"extra/forkstats.ko", "updates/forkstats.ko", "updates/dkms/forkstats.ko",
		"extra/forkstats.ko.xz", "updates/dkms/forkstats.ko.xz",
		"extra/forkstats.ko.zst", "updates/dkms/forkstats.ko.zst",
	};
	char line[128], path[512];
	struct utsname u;
	size_t i;

	m->why[0] = '\0';
	if (access(FS_PROC_PATH, F_OK) == 0) {
		m->state = FS_MOD_LOADED;
		snprintf(m->why, sizeof(m->why), "%s", FS_PROC_PATH);
		return;
	}
	if (access("/proc/modules", F_OK)) {
		m->state = FS_MOD_NO_MODULES;
		snprintf(m->why, sizeof(m->why), "no CONFIG_MODULES (no /proc/modules)");
		return;
	}
	first_line("/proc/sys/kernel/modules_disabled", line, sizeof(line));
	if (!strcmp(line, "1")) {
		m->state = FS_MOD_DISABLED;
		snprintf(m->why, sizeof(m->why), "module loading is disabled (/proc/sys/kernel/modules_disabled is 1)");
		return;
	}
	first_line("/sys/kernel/security/lockdown", line, sizeof(line));
	if (line[0] && !strstr(line, "[none]")) {
		m->state = FS_MOD_SIGNED_ONLY;
		snprintf(m->why, sizeof(m->why), "the kernel is locked down (%s): signed modules only", line);
		return;
	}
	first_line("/sys/module/module/parameters/sig_enforce", line, sizeof(line));
	if (!strcmp(line, "Y")) {
		m->state = FS_MOD_SIGNED_ONLY;
		snprintf(m->why, sizeof(m->why), "module.sig_enforce is set: signed modules only");
		return;
	}
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	for (i = 0; i < sizeof(installed) / sizeof(installed[0]); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", u.release, installed[i]);
		if (access(path, F_OK) == 0) {
			m->state = FS_MOD_INSTALLED;
			snprintf(m->why, sizeof(m->why), "%s", path);
			return;
		}
	}
	snprintf(path, sizeof(path), "/lib/modules/%s/build", u.release);
	m->state = access(path, F_OK) == 0 ? FS_MOD_LOADABLE : FS_MOD_NO_HEADERS;
	snprintf(m->why, sizeof(m->why), "%s%s", path,
		 m->state == FS_MOD_LOADABLE ? "" : " is missing: the kernel headers");
}

const char *fs_module_state_name(enum fs_module_state s)
{
	static const char *const names[] = {
		[FS_MOD_LOADED] = "loaded", [FS_MOD_NO_MODULES] = "no-modules",
		[FS_MOD_DISABLED] = "modules-disabled", [FS_MOD_SIGNED_ONLY] = "signed-only",
		[FS_MOD_INSTALLED] = "installed", [FS_MOD_LOADABLE] = "loadable",
		[FS_MOD_NO_HEADERS] = "no-headers",
	};

	return s <= FS_MOD_NO_HEADERS ? names[s] : "?";
}

int fs_module_possible(enum fs_module_state s)
{
	return s != FS_MOD_NO_MODULES && s != FS_MOD_DISABLED && s != FS_MOD_SIGNED_ONLY;
}

/* How to load the module here, or why it cannot be. */
static void module_way(char *buf, size_t len)
{
	struct fs_module_caps m;

	fs_module_caps(&m);
	if (m.state == FS_MOD_INSTALLED)
		snprintf(buf, len, "sudo modprobe forkstats");
	else if (fs_module_possible(m.state))
		snprintf(buf, len, "sudo insmod module/forkstats.ko");
	else
		snprintf(buf, len, "not on this kernel: %s", m.why);
}

void fs_source_advice(char *buf, size_t len)
{
	char mod[300];

	module_way(mod, sizeof(mod));
	snprintf(buf, len, "the forkstats module is not loaded (%s) and the BPF backend is not attached (%s)",
		 mod, access("/sys/kernel/btf/vmlinux", F_OK) == 0 ? "sudo forkstats attach" :
		 "not on this kernel: no BTF, /sys/kernel/btf/vmlinux");
}

int fs_source_not_loaded(const struct fs_source *s, char *err, size_t errlen)
{
	char line[700];

	if (s->chosen) {
		fs_source_advice(line, sizeof(line));
		fs_fail(err, errlen, "%s", line);
	} else {
		module_way(line, sizeof(line));
		fs_fail(err, errlen, "%s not found: the forkstats module is not loaded (%s)", s->proc,
			line);
	}
	return FS_SRC_ENOMODULE;
}

void fs_source_find_denied(struct fs_source *s, const char *path)
{
	char part[512];
	struct stat st;
	size_t i, n = strlen(path);

	s->denied[0] = '\0';
	/* Each directory on the way must be searchable, the file readable. */
	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		snprintf(part, sizeof(part), "%.*s", (int)i, path);
		if (access(part, i < n ? X_OK : R_OK) == 0 || errno != EACCES)
			continue;
		if (stat(part, &st))
			continue;
		snprintf(s->denied, sizeof(s->denied), "%s is %04o", part,
			 (unsigned int)(st.st_mode & 07777));
		return;
	}
}

const char *fs_source_denied(const struct fs_source *s)
{
	return s->denied;
}

enum fs_backend fs_backend_choose(const struct fs_source_conf *c)
{
	if (c->backend != FS_BACKEND_AUTO)
		return c->backend;
	if (c->files_given || access(c->proc, F_OK) == 0)
		return FS_BACKEND_MODULE;
	if (fsb_pin_state(NULL, 0))
		return FS_BACKEND_BPF;	/* attached, or cannot tell: its open says which */
	return fs_source_would_attach(c) ? FS_BACKEND_BPF : FS_BACKEND_MODULE;
}

int fs_source_would_attach(const struct fs_source_conf *c)
{
	if (!c->transient || fsb_pin_state(NULL, 0))
		return 0;
	if (c->backend == FS_BACKEND_BPF)
		return 1;
	return c->backend == FS_BACKEND_AUTO && !c->files_given && access(c->proc, F_OK) &&
	       geteuid() == 0 && access("/sys/kernel/btf/vmlinux", F_OK) == 0;
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
	s->chosen = c->backend == FS_BACKEND_AUTO && !c->files_given;
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

int fs_source_transient(const struct fs_source *s)
{
	return s->transient;
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
