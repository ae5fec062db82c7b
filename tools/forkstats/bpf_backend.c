// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend's loader and reader (bpf_backend.h, docs/bpf.md).
 *
 * Attaching picks the first hook chain the kernel takes: fentry/fexit on the
 * module's functions, else tp_btf tracepoints, else kprobes and kretprobes
 * on the module's functions (kprobe events of tracefs: kprobe_events.c).
 * Every program's target is
 * looked up in the kernel's BTF first, so that a missing optional function
 * is left out instead of failing the load.  libbpf's own messages are kept
 * and shown only with FORKSTATS_DEBUG=1: the user gets one line.
 */
#include "bpf_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <dirent.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/state.h"
#include "btf_query.h"
#include "calls.h"
#include "forkstats.skel.h"
#include "kprobe_events.h"

#define BPF_FS_MAGIC	0xcafe4a11

static const struct {
	const char *name, *type, *ktype;
} hook_info[FSB_HOOK_COUNT] = {
#define FSB_HOOK_INFO(e, n, t, k) [FSB_HOOK_##e] = { n, t, k },
	FSB_HOOKS(FSB_HOOK_INFO)
#undef FSB_HOOK_INFO
};

static const char *const counter_names[FSB_CTR_COUNT] = {
#define FSB_CTR_NAME(name) #name,
	FSB_COUNTERS(FSB_CTR_NAME)
#undef FSB_CTR_NAME
};

static const char *const chain_names[] = {
	[FSB_CHAIN_NONE] = "none",
	[FSB_CHAIN_FENTRY] = "fentry",
	[FSB_CHAIN_TRACEPOINT] = "tracepoint",
	[FSB_CHAIN_KPROBE] = "kprobe",
};

/* The programs, by chain; "target" is the function or tracepoint. */
enum { OPTIONAL, REQUIRED };

/*
 * How a program is attached: by libbpf (fentry, fexit, tp_btf); by libbpf
 * only where wp_page_copy's program attached (IF_COPY) or only where it did
 * not (UNLESS_COPY): do_wp_page is hooked at its entry where that helper
 * splits copies from reuses, at its return where the PTE must tell; by
 * libbpf's kprobe only where no program of the chain attached the hook;
 * through a kprobe event (kprobe chain) as a kprobe or as a kretprobe of
 * maxactive.
 */
enum attach_how {
	BY_LIBBPF, IF_COPY, UNLESS_COPY, FALLBACK_KPROBE, KPROBE_EVENT, KRETPROBE_EVENT
};

static const struct prog_info {
	const char *prog;
	enum fsb_hook hook;
	enum fsb_chain chain;
	const char *target;
	int required;
	enum attach_how how;
} progs[] = {
#define FENTRY(prog, hook, target, req) \
	{ prog, FSB_HOOK_##hook, FSB_CHAIN_FENTRY, target, req, BY_LIBBPF }
#define TP(prog, hook) \
	{ prog, FSB_HOOK_##hook, FSB_CHAIN_TRACEPOINT, prog, REQUIRED, BY_LIBBPF }
#define KPROBE(prog, hook, target, req, how) \
	{ prog, FSB_HOOK_##hook, FSB_CHAIN_KPROBE, target, req, how }
	FENTRY("kernel_clone_entry", KERNEL_CLONE, "kernel_clone", REQUIRED),
	FENTRY("kernel_clone_exit", KERNEL_CLONE, "kernel_clone", REQUIRED),
	FENTRY("copy_process_entry", COPY_PROCESS, "copy_process", REQUIRED),
	FENTRY("copy_process_exit", COPY_PROCESS, "copy_process", REQUIRED),
	FENTRY("copy_page_range_entry", COPY_PAGE_RANGE, "copy_page_range", OPTIONAL),
	FENTRY("mmdrop_entry", MMDROP, "__mmdrop", REQUIRED),
	/* wp_page_copy first: whether it attached picks do_wp_page's program. */
	FENTRY("wp_page_copy_entry", WP_PAGE_COPY, "wp_page_copy", OPTIONAL),
	{ "do_wp_page_entry", FSB_HOOK_DO_WP_PAGE, FSB_CHAIN_FENTRY, "do_wp_page", REQUIRED,
	  IF_COPY },
	{ "do_wp_page_exit", FSB_HOOK_DO_WP_PAGE, FSB_CHAIN_FENTRY, "do_wp_page", REQUIRED,
	  UNLESS_COPY },
	FENTRY("wp_page_reuse_entry", WP_PAGE_REUSE, "wp_page_reuse", OPTIONAL),
	/* Where the function has no fentry, a kprobe program instead. */
	{ "wp_page_reuse_kprobe", FSB_HOOK_WP_PAGE_REUSE, FSB_CHAIN_FENTRY, "wp_page_reuse",
	  OPTIONAL, FALLBACK_KPROBE },
	TP("sys_enter", SYS_ENTER),
	TP("sys_exit", SYS_EXIT),
	TP("task_newtask", TASK_NEWTASK),
	TP("exit_mmap", EXIT_MMAP),
	TP("page_fault_user", PAGE_FAULT_USER),
	TP("page_fault_kernel", PAGE_FAULT_KERNEL),
	TP("rss_stat", RSS_STAT),
	TP("signal_deliver", SIGNAL_DELIVER),
	KPROBE("kernel_clone_kprobe", KERNEL_CLONE, "kernel_clone", REQUIRED, KPROBE_EVENT),
	KPROBE("kernel_clone_kretprobe", KERNEL_CLONE, "kernel_clone", REQUIRED, KRETPROBE_EVENT),
	KPROBE("copy_process_kprobe", COPY_PROCESS, "copy_process", REQUIRED, KPROBE_EVENT),
	KPROBE("copy_process_kretprobe", COPY_PROCESS, "copy_process", REQUIRED, KRETPROBE_EVENT),
	KPROBE("copy_page_range_kprobe", COPY_PAGE_RANGE, "copy_page_range", OPTIONAL,
	       KPROBE_EVENT),
	KPROBE("mmdrop_kprobe", MMDROP, "__mmdrop", REQUIRED, KPROBE_EVENT),
	KPROBE("do_wp_page_kprobe", DO_WP_PAGE, "do_wp_page", REQUIRED, KPROBE_EVENT),
	KPROBE("do_wp_page_kretprobe", DO_WP_PAGE, "do_wp_page", REQUIRED, KRETPROBE_EVENT),
	KPROBE("wp_page_copy_kretprobe", WP_PAGE_COPY, "wp_page_copy", OPTIONAL, KRETPROBE_EVENT),
	KPROBE("wp_page_reuse_kprobe", WP_PAGE_REUSE, "wp_page_reuse", OPTIONAL, KPROBE_EVENT),
#undef FENTRY
#undef TP
#undef KPROBE
};
#define NPROGS (sizeof(progs) / sizeof(progs[0]))

static const char *const map_names[] = {
	"state", "records", "done_log", "claims", "pcpu", "inflight", "mms", "wp_pending", "wp_vmf",
};
#define NMAPS (sizeof(map_names) / sizeof(map_names[0]))
enum { M_STATE, M_RECORDS, M_DONE, M_CLAIMS, M_PCPU, M_INFLIGHT, M_MMS, M_WP, M_WP_VMF };

/* The process that holds a kprobe chain where no BPF link can be pinned. */
#define HOLDER_COMM	"forkstats-hold"

struct fsb {
	struct fsbpf *skel;		/* loaded by this process, or NULL (pins) */
	int map_fd[NMAPS];
	int link_fd[NPROGS];		/* -1: not attached */
	struct bpf_link *link[NPROGS];
	unsigned int nrecords, max_tracked, max_active, ncpus;
	__u32 hooks, hooks_kprobe;	/* attached by this process (bit per hook) */
	char group[32];			/* kprobe chain: its event group, "" if none */
	int own_group;			/* remove the group when closed */
	int keep_links;			/* pinned or held: closing must not detach */
	volatile struct fsb_state *st;	/* mmap of "state" */
	const volatile struct fs_record *rec;	/* mmap of "records" */
	const volatile struct fsb_done *done;	/* mmap of "done_log" */
	size_t st_len, rec_len, done_len;
};

static int hook_attached(const struct fsb *b, enum fsb_hook h);

/* libbpf's messages, kept for FORKSTATS_DEBUG=1 */
static char libbpf_log[8192];
static size_t libbpf_log_len;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (getenv("FORKSTATS_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG || libbpf_log_len >= sizeof(libbpf_log) - 1)
		return 0;
	n = vsnprintf(libbpf_log + libbpf_log_len, sizeof(libbpf_log) - libbpf_log_len, fmt, ap);
	if (n > 0)
		libbpf_log_len += (size_t)n;
	if (libbpf_log_len > sizeof(libbpf_log) - 1)
		libbpf_log_len = sizeof(libbpf_log) - 1;
	return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void fsb_init(struct fsb *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < NMAPS; i++)
		b->map_fd[i] = -1;
	for (i = 0; i < NPROGS; i++)
		b->link_fd[i] = -1;
}

void fsb_close(struct fsb *b)
{
	size_t i;

	if (!b)
		return;
	if (b->st)
		munmap((void *)b->st, b->st_len);
	if (b->rec)
		munmap((void *)b->rec, b->rec_len);
	if (b->done)
		munmap((void *)b->done, b->done_len);
	for (i = 0; i < NPROGS; i++) {
		if (b->link[i] && !b->keep_links) {
			bpf_link__destroy(b->link[i]);
			continue;
		}
		/* libbpf's detach would disable a perf event others hold. */
		if (b->link[i]) {
			bpf_link__disconnect(b->link[i]);
			bpf_link__destroy(b->link[i]);
		}
		if (b->link_fd[i] >= 0)
			close(b->link_fd[i]);
	}
	if (b->skel) {
		fsbpf__destroy(b->skel);
	} else {
		for (i = 0; i < NMAPS; i++)
			if (b->map_fd[i] >= 0)
				close(b->map_fd[i]);
	}
	if (b->own_group)
		fs_kev_remove_group(b->group, 2000);
	free(b);
}

const char *fsb_chain_name(const struct fsb *b)
{
	unsigned int c = b->st ? b->st->chain : 0;

	return c < sizeof(chain_names) / sizeof(chain_names[0]) ? chain_names[c] : "?";
}

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

static void *map_mmap(int fd, size_t value_size, unsigned int entries, size_t *len, int prot)
{
	void *p;

	*len = page_round(((value_size + 7) & ~(size_t)7) * entries);
	p = mmap(NULL, *len, prot, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Sizes from the maps themselves, and the shared views. */
static int map_views(struct fsb *b, char *err, size_t errlen)
{
	struct bpf_map_info info;
	__u32 n = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(b->map_fd[M_RECORDS], &info, &n))
		return fail(err, errlen, "BPF backend: records map: %s", strerror(errno));
	b->nrecords = info.max_entries;
	memset(&info, 0, sizeof(info));
	n = sizeof(info);
	if (bpf_obj_get_info_by_fd(b->map_fd[M_MMS], &info, &n))
		return fail(err, errlen, "BPF backend: mms map: %s", strerror(errno));
	b->max_tracked = info.max_entries;
	memset(&info, 0, sizeof(info));
	n = sizeof(info);
	if (bpf_obj_get_info_by_fd(b->map_fd[M_INFLIGHT], &info, &n))
		return fail(err, errlen, "BPF backend: inflight map: %s", strerror(errno));
	b->max_active = info.max_entries;
	b->ncpus = (unsigned int)libbpf_num_possible_cpus();
	b->st = map_mmap(b->map_fd[M_STATE], sizeof(struct fsb_state), 1, &b->st_len,
			 PROT_READ | PROT_WRITE);
	b->rec = map_mmap(b->map_fd[M_RECORDS], sizeof(struct fs_record), b->nrecords, &b->rec_len,
			  PROT_READ);
	b->done = map_mmap(b->map_fd[M_DONE], sizeof(struct fsb_done), b->nrecords, &b->done_len,
			   PROT_READ);
	if (!b->st || !b->rec || !b->done)
		return fail(err, errlen, "BPF backend: mmap of its maps: %s", strerror(errno));
	return 0;
}

/* Does the kernel have this program's target?  (Decides autoload.) */
static int target_exists(const struct btf *btf, const struct prog_info *p)
{
	char name[128];

	if (p->chain != FSB_CHAIN_TRACEPOINT)
		return fs_btf_has(btf, p->target, BTF_KIND_FUNC);
	snprintf(name, sizeof(name), "btf_trace_%s", p->target);
	return fs_btf_has(btf, name, BTF_KIND_TYPEDEF);
}

static void set_unknown(struct fsb_state *s, int col)
{
	s->unknown |= 1ULL << col;
}

/*
 * A kprobe chain program through a kprobe event of this process's group
 * (a kretprobe with maxactive instances): its link, or NULL with why.
 */
static struct bpf_link *attach_event(struct fsb *b, struct bpf_program *prog,
				     const struct prog_info *pi, unsigned int maxactive,
				     char *why, size_t whylen)
{
	struct bpf_link *link;
	char event[64];
	int pfd, e;

	snprintf(event, sizeof(event), "%s_%d", pi->prog, (int)getpid());
	pfd = fs_kev_open(b->group, event, pi->target, pi->how == KRETPROBE_EVENT, maxactive,
			  why, whylen);
	if (pfd < 0)
		return NULL;
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		e = errno;
		close(pfd);
		snprintf(why, whylen, "attaching %s to its kprobe event failed (%s)", pi->prog,
			 strerror(e));
		errno = e;
	}
	return link;
}

/* One chain: 0 when every required program is attached, else -1 and why. */
static int try_chain(struct fsb *b, const struct fsb_params *p, enum fsb_chain chain,
		     const struct btf *btf, char *why, size_t whylen)
{
	struct fsb_state init = { 0 };
	int use_copy, use_reuse, err;
	char reason[256];
	__u32 zero = 0;
	size_t i;

	b->skel = fsbpf__open();
	if (!b->skel)
		return fail(why, whylen, "cannot open the BPF object: %s", strerror(errno));
	/* The kprobe chain counts wp_page_copy at its return: VM_FAULT_WRITE. */
	fs_btf_wp_helpers(btf, chain == FSB_CHAIN_KPROBE, &use_copy, &use_reuse);
	/* Off first: a program may serve two chains (wp_page_reuse_kprobe). */
	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->skel->obj, progs[i].prog);

		if (!prog)
			return fail(why, whylen, "program %s missing from the object", progs[i].prog);
		bpf_program__set_autoload(prog, false);
	}
	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->skel->obj, progs[i].prog);
		int on = progs[i].chain == chain && target_exists(btf, &progs[i]);

		if (progs[i].hook == FSB_HOOK_WP_PAGE_COPY)
			on = on && use_copy;
		if (progs[i].hook == FSB_HOOK_WP_PAGE_REUSE)
			on = on && use_reuse;
		if (progs[i].chain == chain && progs[i].required && !on)
			return fail(why, whylen, "the kernel has no %s", progs[i].target);
		if (on)
			bpf_program__set_autoload(prog, true);
	}
	bpf_map__set_max_entries(b->skel->maps.records, p->records);
	bpf_map__set_max_entries(b->skel->maps.done_log, p->records);
	bpf_map__set_max_entries(b->skel->maps.claims, 2 * (p->records + 64) + 256);
	bpf_map__set_max_entries(b->skel->maps.mms, p->max_tracked);
	bpf_map__set_max_entries(b->skel->maps.inflight, p->max_active);
	bpf_map__set_max_entries(b->skel->maps.wp_pending, p->max_active);
	bpf_map__set_max_entries(b->skel->maps.wp_vmf, p->max_active);
	err = fsbpf__load(b->skel);
	if (err)
		return fail(why, whylen, "the kernel refused the programs (%s)", strerror(-err));
	for (i = 0; i < NMAPS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(b->skel->obj, map_names[i]);

		b->map_fd[i] = m ? bpf_map__fd(m) : -1;
		if (b->map_fd[i] < 0)
			return fail(why, whylen, "map %s missing from the object", map_names[i]);
	}
	/* State first: the programs read it from their first hit. */
	init.nrecords = p->records;
	init.enabled = 1;
	init.chain = chain;
	init.ncpus = (unsigned int)libbpf_num_possible_cpus();
	init.split = FSB_SPLIT_NONE;	/* set by the helper that attaches */
	init.uffd_wp_fork_copy = (__u32)fs_btf_uffd_wp_fork_copy(btf);
	init.copy_on_fork = fs_btf_copy_on_fork(btf);
	if (chain == FSB_CHAIN_TRACEPOINT) {
		set_unknown(&init, FS_COL_vmas_copied);
		init.approx = 1ULL << FS_COL_create_ns | 1ULL << FS_COL_total_ns;
	}
	if (chain == FSB_CHAIN_KPROBE) {
		/* Blocked vfork parents each hold a kernel_clone instance. */
		init.maxactive = p->max_active < FS_KEV_MAXACTIVE_MAX ? p->max_active :
									FS_KEV_MAXACTIVE_MAX;
		init.kprobe_pid = (__u32)getpid();
		snprintf(b->group, sizeof(b->group), "forkstats_%d", (int)getpid());
		fs_kev_remove_stale();
		b->own_group = 1;
	}
	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->skel->obj, progs[i].prog);

		if (progs[i].chain != chain || !bpf_program__autoload(prog) ||
		    (progs[i].how == FALLBACK_KPROBE && (b->hooks & (1u << progs[i].hook))) ||
		    (progs[i].how == IF_COPY && !(b->hooks & (1u << FSB_HOOK_WP_PAGE_COPY))) ||
		    (progs[i].how == UNLESS_COPY && (b->hooks & (1u << FSB_HOOK_WP_PAGE_COPY))))
			continue;
		reason[0] = '\0';
		if (progs[i].how == KPROBE_EVENT || progs[i].how == KRETPROBE_EVENT) {
			b->link[i] = attach_event(b, prog, &progs[i], init.maxactive, reason,
						  sizeof(reason));
		} else {
			b->link[i] = bpf_program__attach(prog);
			if (!b->link[i])
				snprintf(reason, sizeof(reason), "attaching %s to %s failed (%s)",
					 progs[i].prog, progs[i].target, strerror(errno));
		}
		if (!b->link[i]) {
			if (progs[i].required)
				return fail(why, whylen, "%s", reason);
			continue;
		}
		b->link_fd[i] = bpf_link__fd(b->link[i]);
		b->hooks |= 1u << progs[i].hook;
		if (progs[i].how == FALLBACK_KPROBE)
			b->hooks_kprobe |= 1u << progs[i].hook;
		if (progs[i].hook == FSB_HOOK_WP_PAGE_REUSE)
			init.split = FSB_SPLIT_COUNT_REUSES;
		if (progs[i].hook == FSB_HOOK_WP_PAGE_COPY)
			init.split = FSB_SPLIT_COUNT_COPIES;
	}
	if (chain != FSB_CHAIN_TRACEPOINT && !(b->hooks & (1u << FSB_HOOK_COPY_PAGE_RANGE)))
		set_unknown(&init, FS_COL_vmas_copied);
	if (chain != FSB_CHAIN_TRACEPOINT && init.split == FSB_SPLIT_NONE &&
	    (b->hooks & (1u << FSB_HOOK_DO_WP_PAGE))) {
		init.copy_by_pte = 1;
		init.split = FSB_SPLIT_COUNT_COPIES;
	}
	if (init.split == FSB_SPLIT_NONE) {
		set_unknown(&init, FS_COL_cow_copies);
		set_unknown(&init, FS_COL_cow_reuses);
	}
	init.hooks = b->hooks;
	init.hooks_kprobe = b->hooks_kprobe;
	/* Programs attached before the state is set see enabled == 0. */
	if (bpf_map_update_elem(b->map_fd[M_STATE], &zero, &init, BPF_ANY))
		return fail(why, whylen, "cannot set the state: %s", strerror(errno));
	return 0;
}

static void undo_chain(struct fsb *b)
{
	size_t i;

	for (i = 0; i < NPROGS; i++) {
		if (b->link[i])
			bpf_link__destroy(b->link[i]);
		b->link[i] = NULL;
		b->link_fd[i] = -1;
	}
	fsbpf__destroy(b->skel);
	b->skel = NULL;
	for (i = 0; i < NMAPS; i++)
		b->map_fd[i] = -1;
	if (b->own_group)
		fs_kev_remove_group(b->group, 2000);
	b->own_group = 0;
	b->group[0] = '\0';
	b->hooks = b->hooks_kprobe = 0;
}

static int bpffs_ready(char *err, size_t errlen)
{
	struct statfs s;

	if (statfs("/sys/fs/bpf", &s) == 0 && s.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		return fail(err, errlen, "/sys/fs/bpf is not a BPF filesystem and cannot be mounted (%s): mount -t bpf bpf /sys/fs/bpf",
			    strerror(errno));
	return 0;
}

/*
 * Before 5.15 no BPF link holds a perf event: nothing that keeps a kprobe
 * program attached can be pinned.  A process of ours holds the perf events
 * instead (HOLDER_COMM, its pid in the state) until detach ends it.
 */
static int hold(struct fsb *b, char *err, size_t errlen)
{
	int sync[2], keep;
	struct dirent *d;
	pid_t pid;
	size_t i;
	char c;
	DIR *dir;

	if (pipe2(sync, O_CLOEXEC))
		return fail(err, errlen, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail(err, errlen, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		prctl(PR_SET_NAME, HOLDER_COMM);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		/* Only the perf events: no caller's pipe may wait on us. */
		dir = opendir("/proc/self/fd");
		while (dir && (d = readdir(dir))) {
			int fd = atoi(d->d_name);

			keep = fd <= 2 || fd == dirfd(dir) || fd == sync[1];
			for (i = 0; i < NPROGS && !keep; i++)
				keep = fd == b->link_fd[i];
			if (!keep)
				close(fd);
		}
		if (dir)
			closedir(dir);
		if (write(sync[1], "1", 1) != 1)
			_exit(1);
		close(sync[1]);
		for (;;)
			pause();
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1) {
		close(sync[0]);
		return fail(err, errlen, "the process that holds the kprobe programs failed");
	}
	close(sync[0]);
	b->st->holder_pid = (__u32)pid;
	b->own_group = 0;
	b->keep_links = 1;
	return 0;
}

static int pin_all(struct fsb *b, char *err, size_t errlen)
{
	char path[256];
	int held = 0;
	size_t i;

	if (bpffs_ready(err, errlen))
		return -1;
	if (mkdir(FSB_PIN_DIR, 0700) && errno != EEXIST)
		return fail(err, errlen, "%s: %s", FSB_PIN_DIR, strerror(errno));
	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FSB_PIN_DIR, map_names[i]);
		if (bpf_obj_pin(b->map_fd[i], path))
			return fail(err, errlen, "pin %s: %s", path, strerror(errno));
	}
	for (i = 0; i < NPROGS; i++) {
		if (!b->link[i])
			continue;
		snprintf(path, sizeof(path), "%s/link_%s", FSB_PIN_DIR, progs[i].prog);
		if (bpf_link__pin(b->link[i], path) == 0)
			continue;
		/* A perf event attached without a BPF link (before 5.15). */
		if (progs[i].chain == FSB_CHAIN_KPROBE && errno == EINVAL) {
			held = 1;
			continue;
		}
		return fail(err, errlen, "pin %s: %s", path, strerror(errno));
	}
	if (held)
		return hold(b, err, errlen);
	/* The pinned links keep the kprobe events: detach removes them. */
	b->own_group = 0;
	b->keep_links = 1;
	return 0;
}

int fsb_pinned(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/state", FSB_PIN_DIR);
	return access(path, F_OK) == 0;
}

static int preflight(char *err, size_t errlen)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return fail(err, errlen, "this kernel has no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF): the BPF backend needs it; use the module (--backend module)");
	if (geteuid() != 0)
		return fail(err, errlen, "the BPF backend needs root (CAP_BPF and CAP_PERFMON): run with sudo");
	return 0;
}

int fsb_attach(struct fsb **out, const struct fsb_params *p, int pin, char *err, size_t errlen)
{
	static const enum fsb_chain order[] = {
		FSB_CHAIN_FENTRY, FSB_CHAIN_TRACEPOINT, FSB_CHAIN_KPROBE,
	};
	char why[3][256] = { "not tried", "not tried", "not tried" };
	struct btf *btf;
	struct fsb *b;
	size_t i;

	*out = NULL;
	if (preflight(err, errlen))
		return -1;
	if (pin && fsb_pinned())
		return fail(err, errlen, "the BPF backend is attached already (%s): forkstats --backend bpf detach first",
			    FSB_PIN_DIR);
	if (p->records < 16 || p->records > (1u << 20) || p->max_tracked < 64 ||
	    p->max_tracked > (1u << 22) || p->max_active < 16 || p->max_active > 65536)
		return fail(err, errlen, "records must be 16..1048576, max-tracked 64..4194304, max-active 16..65536");
	libbpf_set_print(libbpf_print);
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return fail(err, errlen, "cannot read the kernel's BTF: %s", strerror(errno));
	b = malloc(sizeof(*b));
	if (!b) {
		btf__free(btf);
		return fail(err, errlen, "out of memory");
	}
	fsb_init(b);
	for (i = 0; i < 3; i++) {
		if (p->chain && strcmp(p->chain, chain_names[order[i]]))
			continue;
		if (try_chain(b, p, order[i], btf, why[i], sizeof(why[i])) == 0)
			break;
		undo_chain(b);
	}
	btf__free(btf);
	if (!b->skel) {
		free(b);
		return fail(err, errlen, "no hook chain could be attached: fentry: %s; tracepoint: %s; kprobe: %s%s",
			    why[0], why[1], why[2],
			    getenv("FORKSTATS_DEBUG") ? "" : " (FORKSTATS_DEBUG=1 shows libbpf's log)");
	}
	if (map_views(b, err, errlen) || (pin && pin_all(b, err, errlen))) {
		if (pin)
			fsb_detach(NULL, 0);
		fsb_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

int fsb_open_pinned(struct fsb **out, char *err, size_t errlen)
{
	char path[256];
	struct fsb *b;
	size_t i;

	*out = NULL;
	if (!fsb_pinned())
		return fail(err, errlen, "the BPF backend is not attached: sudo forkstats --backend bpf attach");
	if (geteuid() != 0)
		return fail(err, errlen, "the BPF backend's data needs root: run with sudo");
	b = malloc(sizeof(*b));
	if (!b)
		return fail(err, errlen, "out of memory");
	fsb_init(b);
	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FSB_PIN_DIR, map_names[i]);
		b->map_fd[i] = bpf_obj_get(path);
		if (b->map_fd[i] < 0) {
			fail(err, errlen, "%s: %s", path, strerror(errno));
			fsb_close(b);
			return -1;
		}
	}
	for (i = 0; i < NPROGS; i++) {
		snprintf(path, sizeof(path), "%s/link_%s", FSB_PIN_DIR, progs[i].prog);
		b->link_fd[i] = bpf_obj_get(path);
	}
	if (map_views(b, err, errlen)) {
		fsb_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

/* Ends the process that holds the kprobe chain, if it is still ours. */
static void end_holder(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	if (!strcmp(comm, HOLDER_COMM))
		kill(pid, SIGTERM);
}

int fsb_detach(char *err, size_t errlen)
{
	struct fsb_state st = { 0 };
	char path[256], group[32];
	__u32 zero = 0;
	size_t i;
	int gone = 0, fd;

	/* What outlives the pins: the holder, the kprobe events. */
	snprintf(path, sizeof(path), "%s/state", FSB_PIN_DIR);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &zero, &st);
		close(fd);
	}
	for (i = 0; i < NPROGS; i++) {
		snprintf(path, sizeof(path), "%s/link_%s", FSB_PIN_DIR, progs[i].prog);
		gone += unlink(path) == 0;
	}
	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FSB_PIN_DIR, map_names[i]);
		gone += unlink(path) == 0;
	}
	if (rmdir(FSB_PIN_DIR) && errno != ENOENT && err)
		return fail(err, errlen, "%s: %s", FSB_PIN_DIR, strerror(errno));
	if (st.holder_pid)
		end_holder((pid_t)st.holder_pid);
	if (st.kprobe_pid) {
		snprintf(group, sizeof(group), "forkstats_%u", st.kprobe_pid);
		if (fs_kev_remove_group(group, 5000) && err)
			return fail(err, errlen, "the kprobe events of group %s stay (%s): remove them in kprobe_events",
				    group, strerror(errno));
	}
	if (!gone && err)
		return fail(err, errlen, "the BPF backend is not attached");
	return 0;
}

int fsb_reset(struct fsb *b, char *err, size_t errlen)
{
	size_t vs = (sizeof(struct fsb_pcpu) + 7) & ~(size_t)7;
	void *zeros = calloc(b->ncpus, vs);
	__u64 key, next;
	__u32 zero = 0;

	if (!zeros)
		return fail(err, errlen, "out of memory");
	/* Calls up to here are ignored from now on, as the module's reset does. */
	b->st->reset_after = b->st->next_seq;
	if (bpf_map_update_elem(b->map_fd[M_PCPU], &zero, zeros, BPF_ANY)) {
		free(zeros);
		return fail(err, errlen, "reset: %s", strerror(errno));
	}
	free(zeros);
	while (bpf_map_get_next_key(b->map_fd[M_MMS], NULL, &next) == 0) {
		key = next;
		if (bpf_map_delete_elem(b->map_fd[M_MMS], &key))
			break;
	}
	/* The programs' cached lookups (fsb_pcpu.mm_cache) are void. */
	__atomic_fetch_add(&b->st->mm_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading */

struct pcpu_sum {
	uint64_t agg[FS_KIND_COUNT][FSB_R_COUNT];
	uint64_t ctr[FSB_CTR_COUNT];
	uint64_t hist[FS_KIND_COUNT][2][FSB_HIST_BUCKETS];
	uint64_t hits[FSB_HOOK_COUNT];
};

static int read_pcpu(struct fsb *b, struct pcpu_sum *s)
{
	size_t vs = (sizeof(struct fsb_pcpu) + 7) & ~(size_t)7;
	struct fsb_pcpu *v = calloc(b->ncpus, vs);
	__u32 zero = 0;
	unsigned int c;
	int k, i, t;

	memset(s, 0, sizeof(*s));
	if (!v || bpf_map_lookup_elem(b->map_fd[M_PCPU], &zero, v)) {
		free(v);
		return -1;
	}
	for (c = 0; c < b->ncpus; c++) {
		const struct fsb_pcpu *p = (const void *)((const char *)v + c * vs);

		for (k = 0; k < FS_KIND_COUNT; k++) {
			for (i = 0; i < FSB_R_COUNT; i++)
				s->agg[k][i] += p->agg[k][i];
			for (t = 0; t < 2; t++)
				for (i = 0; i < FSB_HIST_BUCKETS; i++)
					s->hist[k][t][i] += p->hist[k][t][i];
		}
		for (i = 0; i < FSB_CTR_COUNT; i++)
			s->ctr[i] += p->ctr[i];
		for (i = 0; i < FSB_HOOK_COUNT; i++)
			s->hits[i] += p->hits[i];
	}
	free(v);
	return 0;
}

static void derive_split(unsigned int split, __u64 events, __u64 *copies, __u64 *reuses)
{
	if (split == FSB_SPLIT_COUNT_COPIES)
		*reuses = events > *copies ? events - *copies : 0;
	else if (split == FSB_SPLIT_COUNT_REUSES)
		*copies = events > *reuses ? events - *reuses : 0;
	else
		*copies = *reuses = 0;
}

/* A consistent copy of the record seq, if the ring still holds it. */
static int record_read(struct fsb *b, uint64_t seq, struct fs_record *r)
{
	const volatile struct fs_record *s = &b->rec[seq % b->nrecords];
	uint64_t a;

	a = s->seq;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(r, (const void *)s, sizeof(*r));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (a != seq || s->seq != seq || seq <= b->st->reset_after)
		return 0;
	derive_split(b->st->split, r->cow_parent + r->cow_child, &r->cow_copies, &r->cow_reuses);
	return 1;
}

static int hook_attached(const struct fsb *b, enum fsb_hook h)
{
	return (b->st->hooks >> h) & 1;
}

/* The type of the programs that attached the hook. */
static const char *hook_type(const struct fsb *b, enum fsb_hook h)
{
	if (b->st->chain == FSB_CHAIN_KPROBE)
		return hook_info[h].ktype;
	if ((b->st->hooks_kprobe >> h) & 1)
		return "kprobe";	/* where fentry could not */
	if (h == FSB_HOOK_DO_WP_PAGE && b->st->copy_by_pte)
		return "fexit";		/* no helper: the PTE after the fault */
	return hook_info[h].type;
}

/*
 * Runs the kernel skipped, summed over the hook's programs: for recursion
 * (recursion_misses), and on the kprobe chain the probe's own misses
 * (kprobe_profile: a kretprobe without a free instance, a kprobe hit
 * inside another).
 */
static uint64_t hook_missed(const struct fsb *b, enum fsb_hook h)
{
	uint64_t sum = 0, hits, missed;
	char event[64];
	size_t i;

	for (i = 0; i < NPROGS; i++) {
		struct bpf_link_info li;
		struct bpf_prog_info pi;
		__u32 n = sizeof(li);
		int fd;

		if (progs[i].hook != h || progs[i].chain != b->st->chain)
			continue;
		if (b->st->chain == FSB_CHAIN_KPROBE) {
			snprintf(event, sizeof(event), "%s_%u", progs[i].prog, b->st->kprobe_pid);
			if (fs_kev_profile(event, &hits, &missed) == 0)
				sum += missed;
		}
		if (b->link_fd[i] < 0)
			continue;
		memset(&li, 0, sizeof(li));
		if (bpf_obj_get_info_by_fd(b->link_fd[i], &li, &n))
			continue;
		fd = bpf_prog_get_fd_by_id(li.prog_id);
		if (fd < 0)
			continue;
		memset(&pi, 0, sizeof(pi));
		n = sizeof(pi);
		if (!bpf_obj_get_info_by_fd(fd, &pi, &n))
			sum += pi.recursion_misses;
		close(fd);
	}
	return sum;
}

static const char *split_name(unsigned int split)
{
	return split == FSB_SPLIT_COUNT_COPIES ? "copies" :
	       split == FSB_SPLIT_COUNT_REUSES ? "reuses" : "unknown";
}

static void put_u64(FILE *f, uint64_t v, int unknown)
{
	if (unknown)
		fprintf(f, " %14s", "-");
	else
		fprintf(f, " %14llu", (unsigned long long)v);
}

static void proc_row(FILE *f, const char *name, const uint64_t *a, const struct fsb_state *st)
{
	__u64 copies = a[FSB_R_COW_COPIES], reuses = a[FSB_R_COW_REUSES];

	derive_split(st->split, a[FSB_R_COW_PARENT] + a[FSB_R_COW_CHILD], &copies, &reuses);
	fprintf(f, "%-8s", name);
	put_u64(f, a[FSB_R_CALLS], 0);
	put_u64(f, a[FSB_R_FAILED], 0);
	put_u64(f, a[FSB_R_CREATE_N] ? a[FSB_R_CREATE_NS] / a[FSB_R_CREATE_N] : 0, 0);
	put_u64(f, a[FSB_R_CLOSED] ? a[FSB_R_TOTAL_NS] / a[FSB_R_CLOSED] : 0, 0);
	put_u64(f, a[FSB_R_PGTABLE], 0);
	put_u64(f, a[FSB_R_VMAS_COPIED], !!(st->unknown & (1ULL << FS_COL_vmas_copied)));
	put_u64(f, a[FSB_R_COW_PARENT], 0);
	put_u64(f, a[FSB_R_COW_CHILD], 0);
	put_u64(f, copies, st->split == FSB_SPLIT_NONE);
	put_u64(f, reuses, st->split == FSB_SPLIT_NONE);
	put_u64(f, a[FSB_R_CREATE_NS], 0);
	put_u64(f, a[FSB_R_TOTAL_NS], 0);
	put_u64(f, a[FSB_R_CLOSED], 0);
	/* unknown as soon as one call's is (the tracepoint chain, 6.2+, no __per_cpu_offset) */
	put_u64(f, a[FSB_R_RSS_PAGES], a[FSB_R_RSS_UNKNOWN] != 0);
	fputc('\n', f);
}

static void text_proc(struct fsb *b, FILE *f)
{
	struct fsb_state st = *b->st;
	uint64_t total[FSB_R_COUNT] = { 0 };
	struct pcpu_sum s;
	struct utsname u;
	const char *sep = "";
	int k, i, h;

	read_pcpu(b, &s);
	uname(&u);
	fprintf(f, "forkstats 2 kernel=%s split=%s page_size=%ld probes=", u.release,
		split_name(st.split), sysconf(_SC_PAGESIZE));
	for (h = 0; h < FSB_HOOK_COUNT; h++) {
		if (!hook_attached(b, h))
			continue;
		fprintf(f, "%s%s", sep, hook_info[h].name);
		sep = ",";
	}
	fprintf(f, " backend=bpf chain=%s", fsb_chain_name(b));
	sep = " approx=";
	for (i = 0; i < FS_COL_COUNT; i++) {
		if (!(st.approx & (1ULL << i)))
			continue;
		fprintf(f, "%s%s", sep, fs_record_column_name(i));
		sep = ",";
	}
	fputc('\n', f);
	fprintf(f, "%-8s", "kind");
#define FS_AGG_HEAD(name) fprintf(f, " %14s", #name);
	FS_AGG_COLUMNS(FS_AGG_HEAD)
#undef FS_AGG_HEAD
	fputc('\n', f);
	for (k = 0; k < FS_KIND_COUNT; k++) {
		proc_row(f, fs_kind_name((unsigned int)k), s.agg[k], &st);
		for (i = 0; i < FSB_R_COUNT; i++)
			total[i] += s.agg[k][i];
	}
	proc_row(f, "total", total, &st);
	fputc('\n', f);
	for (i = 0; i < FSB_CTR_COUNT; i++)
		fprintf(f, "%s %llu\n", counter_names[i], (unsigned long long)s.ctr[i]);
	for (h = 0; h < FSB_HOOK_COUNT; h++)
		if (hook_attached(b, h))
			fprintf(f, "missed_%s %llu\n", hook_info[h].name,
				(unsigned long long)hook_missed(b, h));
}

static void record_header(FILE *f)
{
	int i;

	fputc('#', f);
	for (i = 0; i < FS_COL_COUNT; i++)
		fprintf(f, " %s", fs_record_column_name(i));
	fputc('\n', f);
}

/* A field is never empty: an empty comm is written \x00, as the module does. */
static void put_comm(FILE *f, const char *comm)
{
	char out[FS_COMM_ESCAPED];

	fputs(fs_comm_escape(comm, out) ? out : "\\x00", f);
}

/* One record in the text form of debugfs calls (FS_RECORD_COLUMNS). */
static void record_line(FILE *f, const struct fs_record *r, uint64_t unknown)
{
	int first = 1;

#define FS_COL_PUT(name, type)							\
	do {									\
		if (!first)							\
			fputc(' ', f);						\
		first = 0;							\
		if ((unknown | r->unknown) & (1ULL << FS_COL_##name) ||		\
		    (FS_COL_##name == FS_COL_total_ns && !r->done))		\
			fputc('-', f);						\
		else								\
			PUT_##type(name);					\
	} while (0);
#define PUT_U64(name)	fprintf(f, "%llu", (unsigned long long)r->name)
#define PUT_U32(name)	fprintf(f, "%u", (unsigned int)r->name)
#define PUT_S32(name)	fprintf(f, "%d", (int)r->name)
#define PUT_HEX(name)	fprintf(f, "0x%llx", (unsigned long long)r->name)
#define PUT_KIND(name)	fputs(fs_kind_name(r->name), f)
#define PUT_COMM(name)	put_comm(f, r->name)
	FS_RECORD_COLUMNS(FS_COL_PUT)
#undef FS_COL_PUT
#undef PUT_U64
#undef PUT_U32
#undef PUT_S32
#undef PUT_HEX
#undef PUT_KIND
#undef PUT_COMM
	fputc('\n', f);
}

static void text_calls(struct fsb *b, FILE *f)
{
	uint64_t last = b->st->next_seq, first, seq;
	struct fs_record r;

	record_header(f);
	first = last > b->nrecords ? last - b->nrecords + 1 : 1;
	for (seq = first; seq <= last; seq++)
		if (record_read(b, seq, &r))
			record_line(f, &r, b->st->unknown);
}

static void text_hist(struct fsb *b, FILE *f)
{
	struct pcpu_sum s;
	int k, t, i;

	read_pcpu(b, &s);
	fputs("# kind latency lo_ns hi_ns count\n", f);
	for (k = 0; k < FS_KIND_COUNT; k++)
		for (t = 0; t < 2; t++)
			for (i = 0; i < FSB_HIST_BUCKETS; i++)
				if (s.hist[k][t][i])
					fprintf(f, "%s %s %llu %llu %llu\n",
						fs_kind_name((unsigned int)k),
						t ? "total" : "create",
						i ? 1ULL << i : 0ULL,
						i == FSB_HIST_BUCKETS - 1 ? ~0ULL : (2ULL << i) - 1,
						(unsigned long long)s.hist[k][t][i]);
}

static unsigned int count_keys(int fd)
{
	__u64 key, next;
	unsigned int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0 && n < (1u << 23)) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

static void text_probes(struct fsb *b, FILE *f)
{
	struct pcpu_sum s;
	unsigned int chain = b->st->chain;
	size_t i, mem;
	int h;

	read_pcpu(b, &s);
	fputs("# probe type attached hits missed\n", f);
	for (h = 0; h < FSB_HOOK_COUNT; h++) {
		int ours = 0;

		for (i = 0; i < NPROGS; i++)
			ours |= (int)progs[i].hook == h && progs[i].chain == chain;
		if (!ours)
			continue;
		fprintf(f, "%s %s %d %llu %llu\n", hook_info[h].name, hook_type(b, h),
			hook_attached(b, h), (unsigned long long)s.hits[h],
			(unsigned long long)hook_missed(b, h));
	}
	mem = page_round(b->nrecords * sizeof(struct fs_record)) +
	      page_round(b->nrecords * sizeof(struct fsb_done)) +
	      (size_t)b->ncpus * sizeof(struct fsb_pcpu) +
	      (size_t)b->max_tracked * 16 + (size_t)b->max_active * sizeof(struct fsb_call) +
	      (size_t)(2 * (b->nrecords + 64) + 256) * 9;
	if (chain == FSB_CHAIN_KPROBE)
		mem += (size_t)b->max_active * 12;	/* wp_vmf */
	fputc('\n', f);
	fprintf(f, "enabled %u\n", b->st->enabled);
	fprintf(f, "records %u\n", b->nrecords);
	fprintf(f, "max_tracked %u\n", b->max_tracked);
	fprintf(f, "max_active %u\n", b->max_active);
	fprintf(f, "completed %llu\n", (unsigned long long)b->st->done_n);
	fprintf(f, "mm_tracked %u\n", count_keys(b->map_fd[M_MMS]));
	fprintf(f, "memory_bytes %zu\n", mem);
	if (chain == FSB_CHAIN_KPROBE) {
		fprintf(f, "kretprobe_maxactive %u\n", b->st->maxactive);
		fprintf(f, "kprobe_group forkstats_%u\n", b->st->kprobe_pid);
		if (b->st->holder_pid)
			fprintf(f, "holder_pid %u\n", b->st->holder_pid);
	}
}

char *fsb_text(struct fsb *b, const char *name, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	if (!strcmp(name, "proc")) {
		text_proc(b, f);
	} else if (!strcmp(name, "calls")) {
		text_calls(b, f);
	} else if (!strcmp(name, "hist")) {
		text_hist(b, f);
	} else if (!strcmp(name, "probes")) {
		text_probes(b, f);
	} else {
		fclose(f);
		free(buf);
		fail(err, errlen, "the BPF backend has no file \"%s\"", name);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		fail(err, errlen, "out of memory");
		return NULL;
	}
	*len = n;
	return buf;
}

void fsb_events_start(struct fsb *b, struct fsb_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->pos = b->st->done_n;
}

uint64_t fsb_events_head(struct fsb *b)
{
	return b->st->done_n;
}

size_t fsb_events_read(struct fsb *b, struct fsb_events *ev, char *buf, size_t len)
{
	uint64_t head, n = b->nrecords;
	struct fs_record r;
	size_t done = 0;
	char *line = NULL;
	size_t llen = 0;
	FILE *f;

	for (;;) {
		const volatile struct fsb_done *e;
		uint64_t seq;

		f = open_memstream(&line, &llen);
		if (!f)
			break;
		if (!ev->header_sent) {
			record_header(f);
		} else {
			head = b->st->done_n;
			if (ev->pos == head) {
				fclose(f);
				free(line);
				break;
			}
			if (ev->pos + n < head) {
				ev->lost += head - n - ev->pos;
				ev->pos = head - n;
			}
			e = &b->done[ev->pos % n];
			if (e->pos1 != ev->pos + 1) {
				/* Claimed but not written yet: come back. */
				fclose(f);
				free(line);
				break;
			}
			seq = e->seq;
			if (seq <= b->st->reset_after) {
				fclose(f);
				free(line);
				ev->pos++;
				continue;
			}
			if (!record_read(b, seq, &r)) {
				fclose(f);
				free(line);
				ev->lost++;
				ev->pos++;
				continue;
			}
			if (ev->lost)
				fprintf(f, "# lost %llu\n", (unsigned long long)ev->lost);
			record_line(f, &r, b->st->unknown);
		}
		fclose(f);
		if (done + llen > len) {
			free(line);
			break;
		}
		memcpy(buf + done, line, llen);
		done += llen;
		free(line);
		line = NULL;
		if (!ev->header_sent)
			ev->header_sent = 1;
		else {
			ev->lost = 0;
			ev->pos++;
		}
	}
	return done;
}
