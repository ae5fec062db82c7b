/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data source: the one way every reader of forkstats' data (the CLI's
 * commands, the workloads, the lab, the benchmarks) gets it, whichever
 * backend produced it.
 *
 *   kernel module  /proc/forkstats, debugfs forkstats/{calls,events,hist,probes}
 *                  -> source_module.c: the parsers (procfile, calls, histfile,
 *                     probesfile)
 *   BPF backend    its pinned maps -> source_bpf.c, bpf_read.c: read into the
 *                  same structs, no text in between
 *
 * Both give the same structs: struct fs_proc (aggregates, counters, the
 * header's facts), struct fs_call records, struct fs_hist, struct fs_probes,
 * and an events stream with a file descriptor to poll.  docs/design.md draws
 * the path; docs/interfaces.md describes every field.
 */
#ifndef FORKSTATS_SOURCE_H
#define FORKSTATS_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "histfile.h"
#include "probesfile.h"
#include "procfile.h"

enum fs_backend {
	FS_BACKEND_AUTO,	/* the module if it is loaded, else BPF if attached */
	FS_BACKEND_MODULE,
	FS_BACKEND_BPF,
};

struct fs_source_conf {
	enum fs_backend backend;
	const char *proc;	/* the module's /proc file (another for tests: --proc) */
	const char *debugfs;	/* its debugfs directory (another for tests: --debugfs) */
	int files_given;	/* proc or debugfs is not the default: auto is the module */
	int transient;		/* BPF not attached: attach it for this process (with
				   auto: when the module is not loaded either, as root) */
};

#define FS_SOURCE_CONF_DEFAULT { FS_BACKEND_AUTO, FS_PROC_PATH, FS_DEBUGFS_DIR, 0, 0 }

/*
 * What this machine can do for the module (status; the advice of the errors
 * that say no backend is there), in the order they are looked at.
 */
enum fs_module_state {
	FS_MOD_LOADED,		/* /proc/forkstats is there */
	FS_MOD_NO_MODULES,	/* no /proc/modules: a kernel without CONFIG_MODULES */
	FS_MOD_DISABLED,	/* /proc/sys/kernel/modules_disabled is 1 */
	FS_MOD_SIGNED_ONLY,	/* lockdown or module.sig_enforce: unsigned modules refused */
	FS_MOD_INSTALLED,	/* forkstats.ko installed for this kernel (modprobe) */
	FS_MOD_LOADABLE,	/* the kernel's headers are there to build it */
	FS_MOD_NO_HEADERS,	/* neither installed nor buildable: no /lib/modules/R/build */
};

struct fs_module_caps {
	enum fs_module_state state;
	char why[600];		/* the fact behind the state: a path, a file's content */
};

void fs_module_caps(struct fs_module_caps *m);
/* "loaded", "no-modules", "modules-disabled", "signed-only", "installed", "loadable",
 * "no-headers" (the status --json values). */
const char *fs_module_state_name(enum fs_module_state s);
/* Can the kernel load the module at all (any state but the three refusals)? */
int fs_module_possible(enum fs_module_state s);
/*
 * The one line that says that no backend is active and both ways out, as this
 * machine allows them: "the forkstats module is not loaded (sudo insmod
 * module/forkstats.ko) and the BPF backend is not attached (sudo forkstats
 * attach)"; where a way is closed, why instead of its command.
 */
void fs_source_advice(char *buf, size_t len);
/*
 * The pinned BPF backend, as this user can see it: 1 attached, 0 not, -1
 * cannot tell; why as fsb_pin_state() (bpf_backend.h) says it.
 */
int fs_source_bpf_state(char *why, size_t whylen);

/* "auto", "module", "bpf": 0 and *b, or -1. */
int fs_backend_parse(const char *name, enum fs_backend *b);
const char *fs_backend_name(enum fs_backend b);
/*
 * The backend to read: module or bpf.  auto: the module when given files
 * (files_given) or when its proc file exists; else BPF when it is attached;
 * else the module (whose reads then say it is not loaded).
 */
enum fs_backend fs_backend_choose(const struct fs_source_conf *c);
/*
 * Would an open with c attach the BPF backend for this process?  auto with
 * transient: no module, nothing pinned, root, BTF; bpf with transient:
 * nothing pinned.
 */
int fs_source_would_attach(const struct fs_source_conf *c);
/* Is the module loaded (/proc/forkstats exists)?  Is the BPF backend attached? */
int fs_source_module_loaded(void);
int fs_source_bpf_attached(void);

/*
 * Results: 0, or one of these with one line in err.  The access codes come
 * with err "PATH: strerror" and leave the wording to the caller.
 */
enum fs_source_error {
	FS_SRC_ERR = -1,		/* the data could not be read or did not parse */
	FS_SRC_EACCES = -2,		/* a debugfs file: not root */
	FS_SRC_ENOMODULE = -3,		/* the module is not loaded */
	FS_SRC_ENODEBUGFS = -4,		/* debugfs is not mounted */
	FS_SRC_EOPEN = -5,		/* the file cannot be read for another reason */
};

struct fs_source;

/*
 * Opens the backend c chooses (fs_backend_choose).  The module's source
 * reads nothing yet; BPF's opens the pinned backend, or attaches one for
 * this process (transient).  0, or FS_SRC_ERR with a reason.
 */
int fs_source_open(struct fs_source **out, const struct fs_source_conf *c, char *err,
		   size_t errlen);
void fs_source_close(struct fs_source *s);
/* FS_BACKEND_MODULE or FS_BACKEND_BPF. */
enum fs_backend fs_source_backend(const struct fs_source *s);
/*
 * Did the open attach the BPF backend for this process (transient)?  It is
 * detached by fs_source_close(), or by the kernel when the process ends
 * however it ends (its links are the process's descriptors).
 */
int fs_source_transient(const struct fs_source *s);
/*
 * After FS_SRC_EACCES: the directory or file in the way and its mode,
 * "/sys/kernel/debug is 0700"; "" if none was found.
 */
const char *fs_source_denied(const struct fs_source *s);
/* The BPF backend's hook chain ("fentry", ...), or NULL for the module. */
const char *fs_source_chain(const struct fs_source *s);
/* Where a file NAME ("proc", "calls", "hist", "probes", "events") is read, for messages. */
const char *fs_source_where(const struct fs_source *s, const char *name, char *buf,
			    size_t len);

/* The aggregates, counters and header facts (/proc/forkstats; readable by all). */
int fs_source_snapshot(struct fs_source *s, struct fs_proc *out, char *err, size_t errlen);
/*
 * The records of the ring, oldest first: fn is called for each (a non-zero
 * return stops the walk: FS_SRC_ERR, "out of memory").  lost, when not NULL,
 * gets the losses the records say ("# lost N").
 */
typedef fs_call_fn fs_record_fn;
int fs_source_records(struct fs_source *s, fs_record_fn fn, void *ctx, uint64_t *lost,
		      char *err, size_t errlen);
/* All the records into out (caller frees with fs_calls_free). */
int fs_source_calls(struct fs_source *s, struct fs_calls *out, char *err, size_t errlen);
/* The latency histograms (caller frees with fs_hist_free). */
int fs_source_hist(struct fs_source *s, struct fs_hist *out, char *err, size_t errlen);
/* The probes' state and the backend's sizes. */
int fs_source_probes(struct fs_source *s, struct fs_probes *out, char *err, size_t errlen);
/* Clears aggregates, histograms, records and attributions (root). */
int fs_source_reset(struct fs_source *s, char *err, size_t errlen);
/*
 * The module's file NAME as it is ("proc", "calls", "hist", "probes"),
 * unparsed: a malloc'ed NUL-terminated buffer.  The module's source only:
 * the BPF backend has no text (FS_SRC_ERR).
 */
int fs_source_text(struct fs_source *s, const char *name, char **text, size_t *len,
		   char *err, size_t errlen);

/*
 * The events stream: the calls completed from its opening on, as they
 * complete.  fs_source_events_fd() is a descriptor to poll for POLLIN;
 * fs_source_events_next() never blocks: FS_EVENTS_AGAIN when nothing is
 * there now (errno EAGAIN, or EINTR).
 */
struct fs_source_events;

int fs_source_events_open(struct fs_source *s, struct fs_source_events **out, char *err,
			  size_t errlen);
int fs_source_events_fd(const struct fs_source_events *ev);
/* One of enum fs_events_next (calls.h); an error names the stream in err. */
int fs_source_events_next(struct fs_source_events *ev, struct fs_call *x, uint64_t *lost,
			  char *err, size_t errlen);
/*
 * From now on, fs_source_events_next() returns FS_EVENTS_AGAIN only after
 * every call completed before this moment (a BPF record claimed but not yet
 * written is waited for, 2 s at most); the module's stream always does.
 */
void fs_source_events_sync(struct fs_source_events *ev);
/* The stream's name, for messages. */
const char *fs_source_events_name(const struct fs_source_events *ev);
void fs_source_events_close(struct fs_source_events *ev);

#endif /* FORKSTATS_SOURCE_H */
