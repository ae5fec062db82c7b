// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend's loader (bpf_backend.h, docs/bpf.md): loads the
 * skeleton and attaches a hook chain.
 *
 * Attaching picks the first hook chain the kernel takes: fentry/fexit on the
 * module's functions, else tp_btf tracepoints, else kprobes and kretprobes
 * on the module's functions (kprobe events of tracefs: kprobe_events.c).
 * Every program's target is
 * looked up in the kernel's BTF first, so that a missing optional function
 * is left out instead of failing the load.  libbpf's own messages are kept
 * and shown only with FORKSTATS_DEBUG=1: the user gets one line.
 */
#include "bpf_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf_query.h"
#include "forkstats.skel.h"
#include "kprobe_events.h"

static const char *const chain_names[] = {
	[FSB_CHAIN_NONE] = "none",
	[FSB_CHAIN_FENTRY] = "fentry",
	[FSB_CHAIN_TRACEPOINT] = "tracepoint",
	[FSB_CHAIN_KPROBE] = "kprobe",
};

const struct prog_info fsb_progs[] = {
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
_Static_assert(sizeof(fsb_progs) / sizeof(fsb_progs[0]) == NPROGS, "NPROGS in bpf_internal.h");

const char *const fsb_map_names[] = {
	"state", "records", "done_log", "claims", "pcpu", "inflight", "mms", "wp_pending", "wp_vmf",
};
_Static_assert(sizeof(fsb_map_names) / sizeof(fsb_map_names[0]) == NMAPS, "NMAPS in bpf_internal.h");

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

void fsb_init(struct fsb *b)
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
			bpf_object__find_program_by_name(b->skel->obj, fsb_progs[i].prog);

		if (!prog)
			return fail(why, whylen, "program %s missing from the object", fsb_progs[i].prog);
		bpf_program__set_autoload(prog, false);
	}
	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->skel->obj, fsb_progs[i].prog);
		int on = fsb_progs[i].chain == chain && target_exists(btf, &fsb_progs[i]);

		if (fsb_progs[i].hook == FSB_HOOK_WP_PAGE_COPY)
			on = on && use_copy;
		if (fsb_progs[i].hook == FSB_HOOK_WP_PAGE_REUSE)
			on = on && use_reuse;
		if (fsb_progs[i].chain == chain && fsb_progs[i].required && !on)
			return fail(why, whylen, "the kernel has no %s", fsb_progs[i].target);
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
		struct bpf_map *m = bpf_object__find_map_by_name(b->skel->obj, fsb_map_names[i]);

		b->map_fd[i] = m ? bpf_map__fd(m) : -1;
		if (b->map_fd[i] < 0)
			return fail(why, whylen, "map %s missing from the object", fsb_map_names[i]);
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
			bpf_object__find_program_by_name(b->skel->obj, fsb_progs[i].prog);

		if (fsb_progs[i].chain != chain || !bpf_program__autoload(prog) ||
		    (fsb_progs[i].how == FALLBACK_KPROBE && (b->hooks & (1u << fsb_progs[i].hook))) ||
		    (fsb_progs[i].how == IF_COPY && !(b->hooks & (1u << FSB_HOOK_WP_PAGE_COPY))) ||
		    (fsb_progs[i].how == UNLESS_COPY && (b->hooks & (1u << FSB_HOOK_WP_PAGE_COPY))))
			continue;
		reason[0] = '\0';
		if (fsb_progs[i].how == KPROBE_EVENT || fsb_progs[i].how == KRETPROBE_EVENT) {
			b->link[i] = attach_event(b, prog, &fsb_progs[i], init.maxactive, reason,
						  sizeof(reason));
		} else {
			b->link[i] = bpf_program__attach(prog);
			if (!b->link[i])
				snprintf(reason, sizeof(reason), "attaching %s to %s failed (%s)",
					 fsb_progs[i].prog, fsb_progs[i].target, strerror(errno));
		}
		if (!b->link[i]) {
			if (fsb_progs[i].required)
				return fail(why, whylen, "%s", reason);
			continue;
		}
		b->link_fd[i] = bpf_link__fd(b->link[i]);
		b->hooks |= 1u << fsb_progs[i].hook;
		if (fsb_progs[i].how == FALLBACK_KPROBE)
			b->hooks_kprobe |= 1u << fsb_progs[i].hook;
		if (fsb_progs[i].hook == FSB_HOOK_WP_PAGE_REUSE)
			init.split = FSB_SPLIT_COUNT_REUSES;
		if (fsb_progs[i].hook == FSB_HOOK_WP_PAGE_COPY)
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
	if (fsb_map_views(b, err, errlen) || (pin && fsb_pin_all(b, err, errlen))) {
		if (pin)
			fsb_detach(NULL, 0);
		fsb_close(b);
		return -1;
	}
	*out = b;
	return 0;
}
