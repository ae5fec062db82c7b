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
#include "fentry.skel.h"
#include "fentry_claims.skel.h"
#include "tracepoint.skel.h"
#include "tracepoint_claims.skel.h"
#include "kprobe_events.h"

static const char *const chain_names[] = {
	[FSB_CHAIN_NONE] = "none",
	[FSB_CHAIN_FENTRY] = "fentry",
	[FSB_CHAIN_TRACEPOINT] = "tracepoint",
	[FSB_CHAIN_KPROBE] = "kprobe",
};

/* The table of the programs and their sections: ../bpf/progs.h. */
const struct prog_info fsb_progs[NPROGS] = {
#define FSB_PROG_INFO(id, prog, hook, chain, type, target, req, how)			\
	[FSB_PROG_##id] = { #prog, FSB_HOOK_##hook, FSB_CHAIN_##chain, target, req, how },
	FSB_PROGS(FSB_PROG_INFO)
#undef FSB_PROG_INFO
};

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
		b->skel_destroy(b->skel);
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

/*
 * The skeletons, one per object: fentry.bpf.c's serves the fentry and the
 * kprobe chain (the same bodies on the same functions, as two program
 * types: fentry.bpf.c says why), tracepoint.bpf.c's the tracepoint chain;
 * each built with BPF's atomic fetch-add and, _claims, with the claims map
 * instead (core.bpf.h claim()).  Only the object of the chain tried is
 * opened.
 */
#define FSB_SKEL(name)								\
static int name##_load(void *s)							\
{										\
	return fsb_##name##__load(s);						\
}										\
static void name##_destroy(void *s)						\
{										\
	fsb_##name##__destroy(s);						\
}										\
static int name##_open(struct fsb *b)						\
{										\
	struct fsb_##name *s = fsb_##name##__open();				\
										\
	if (!s)									\
		return -1;							\
	b->skel = s;								\
	b->obj = s->obj;							\
	b->skel_load = name##_load;						\
	b->skel_destroy = name##_destroy;					\
	return 0;								\
}
FSB_SKEL(fentry)
FSB_SKEL(fentry_claims)
FSB_SKEL(tracepoint)
FSB_SKEL(tracepoint_claims)
#undef FSB_SKEL

static int open_chain(struct fsb *b, enum fsb_chain chain, int fetch_add)
{
	if (chain == FSB_CHAIN_TRACEPOINT)
		return fetch_add ? tracepoint_open(b) : tracepoint_claims_open(b);
	return fetch_add ? fentry_open(b) : fentry_claims_open(b);
}

/*
 * Has the kernel BPF's atomic fetch-add (5.12+; backported or not)?  A
 * socket filter that adds with it to a stack slot, loaded: 1 if the
 * verifier takes it.
 */
static int have_fetch_add(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10, .src_reg = BPF_REG_1,
		  .off = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_10, .src_reg = BPF_REG_2,
		  .off = -8, .imm = BPF_ADD | BPF_FETCH },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* The map of this name in the chain's object (all objects have them all). */
static int set_entries(struct fsb *b, const char *name, unsigned int n)
{
	struct bpf_map *m = bpf_object__find_map_by_name(b->obj, name);

	return m ? bpf_map__set_max_entries(m, n) : -1;
}

/*
 * Which programs of the object load: the chain's, where the kernel has the
 * target (and the helper the COW accounting uses).  0, or -1 and why.
 */
static int choose_progs(struct fsb *b, enum fsb_chain chain, const struct btf *btf,
			char *why, size_t whylen)
{
	int use_copy, use_reuse;
	size_t i;

	/* The kprobe chain counts wp_page_copy at its return: VM_FAULT_WRITE. */
	fs_btf_wp_helpers(btf, chain == FSB_CHAIN_KPROBE, &use_copy, &use_reuse);
	/*
	 * Off first: a program may serve two chains (wp_page_reuse_kprobe).
	 * The object has the programs of its chains only.
	 */
	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->obj, fsb_progs[i].prog);

		if (prog)
			bpf_program__set_autoload(prog, false);
		else if (fsb_progs[i].chain == chain)
			return fail(why, whylen, "program %s missing from the object", fsb_progs[i].prog);
	}
	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->obj, fsb_progs[i].prog);
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
	return 0;
}

/* The maps sized, the object loaded, the maps' fds.  0, or -1 and why. */
static int load_chain(struct fsb *b, const struct fsb_params *p, char *why, size_t whylen)
{
	size_t i;
	int err;

	if (set_entries(b, "records", p->records) || set_entries(b, "done_log", p->records) ||
	    set_entries(b, "claims", 2 * (p->records + 64) + 256) ||
	    set_entries(b, "mms", p->max_tracked) || set_entries(b, "inflight", p->max_active) ||
	    set_entries(b, "wp_pending", p->max_active) || set_entries(b, "wp_vmf", p->max_active))
		return fail(why, whylen, "the BPF object's maps: %s", strerror(errno));
	err = b->skel_load(b->skel);
	if (err)
		return fail(why, whylen, "the kernel refused the programs (%s)", strerror(-err));
	for (i = 0; i < NMAPS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(b->obj, fsb_map_names[i]);

		b->map_fd[i] = m ? bpf_map__fd(m) : -1;
		if (b->map_fd[i] < 0)
			return fail(why, whylen, "map %s missing from the object", fsb_map_names[i]);
	}
	return 0;
}

/* The state before any program attaches; the kprobe chain's event group. */
static void state_begin(struct fsb *b, const struct fsb_params *p, enum fsb_chain chain,
			const struct btf *btf, struct fsb_state *init)
{
	memset(init, 0, sizeof(*init));
	init->layout = FSB_LAYOUT;
	init->nrecords = p->records;
	init->enabled = 1;
	init->chain = chain;
	init->ncpus = (unsigned int)libbpf_num_possible_cpus();
	init->split = FS_SPLIT_NONE;	/* set by the helper that attaches */
	init->uffd_wp_fork_copy = (__u32)fs_btf_uffd_wp_fork_copy(btf);
	init->copy_on_fork = fs_btf_copy_on_fork(btf);
	if (chain == FSB_CHAIN_TRACEPOINT) {
		set_unknown(init, FS_COL_vmas_copied);
		init->approx = 1ULL << FS_COL_create_ns | 1ULL << FS_COL_total_ns;
	}
	if (chain == FSB_CHAIN_KPROBE) {
		/* Blocked vfork parents each hold a kernel_clone instance. */
		init->maxactive = p->max_active < FS_KEV_MAXACTIVE_MAX ? p->max_active :
									 FS_KEV_MAXACTIVE_MAX;
		init->kprobe_pid = (__u32)getpid();
		snprintf(b->group, sizeof(b->group), "forkstats_%d", (int)getpid());
		fs_kev_remove_stale();
		b->own_group = 1;
	}
}

/*
 * Attaches the loaded programs of the chain, in the table's order (which
 * picks do_wp_page's program and wp_page_reuse's fallback); the helper that
 * attached sets init's split.  0, or -1 and why (a required one failed).
 */
static int attach_progs(struct fsb *b, enum fsb_chain chain, struct fsb_state *init,
			char *why, size_t whylen)
{
	char reason[256];
	size_t i;

	for (i = 0; i < NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(b->obj, fsb_progs[i].prog);

		if (fsb_progs[i].chain != chain || !prog || !bpf_program__autoload(prog) ||
		    (fsb_progs[i].how == FALLBACK_KPROBE && (b->hooks & (1u << fsb_progs[i].hook))) ||
		    (fsb_progs[i].how == IF_COPY && !(b->hooks & (1u << FSB_HOOK_WP_PAGE_COPY))) ||
		    (fsb_progs[i].how == UNLESS_COPY && (b->hooks & (1u << FSB_HOOK_WP_PAGE_COPY))))
			continue;
		reason[0] = '\0';
		if (fsb_progs[i].how == KPROBE_EVENT || fsb_progs[i].how == KRETPROBE_EVENT) {
			b->link[i] = attach_event(b, prog, &fsb_progs[i], init->maxactive, reason,
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
			init->split = FS_SPLIT_COUNT_REUSES;
		if (fsb_progs[i].hook == FSB_HOOK_WP_PAGE_COPY)
			init->split = FS_SPLIT_COUNT_COPIES;
	}
	return 0;
}

/* What the attached hooks cannot give, and the hooks, into the state. */
static void state_end(struct fsb *b, enum fsb_chain chain, struct fsb_state *init)
{
	if (chain != FSB_CHAIN_TRACEPOINT && !(b->hooks & (1u << FSB_HOOK_COPY_PAGE_RANGE)))
		set_unknown(init, FS_COL_vmas_copied);
	if (chain != FSB_CHAIN_TRACEPOINT && init->split == FS_SPLIT_NONE &&
	    (b->hooks & (1u << FSB_HOOK_DO_WP_PAGE))) {
		init->copy_by_pte = 1;
		init->split = FS_SPLIT_COUNT_COPIES;
	}
	if (init->split == FS_SPLIT_NONE) {
		set_unknown(init, FS_COL_cow_copies);
		set_unknown(init, FS_COL_cow_reuses);
	}
	init->hooks = b->hooks;
	init->hooks_kprobe = b->hooks_kprobe;
}

/* One chain: 0 when every required program is attached, else -1 and why. */
static int try_chain(struct fsb *b, const struct fsb_params *p, enum fsb_chain chain,
		     int fetch_add, const struct btf *btf, char *why, size_t whylen)
{
	struct fsb_state init;
	__u32 zero = 0;

	if (open_chain(b, chain, fetch_add))
		return fail(why, whylen, "cannot open the BPF object: %s", strerror(errno));
	if (choose_progs(b, chain, btf, why, whylen) || load_chain(b, p, why, whylen))
		return -1;
	/* State first: the programs read it from their first hit. */
	state_begin(b, p, chain, btf, &init);
	if (attach_progs(b, chain, &init, why, whylen))
		return -1;
	state_end(b, chain, &init);
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
	if (b->skel)
		b->skel_destroy(b->skel);
	b->skel = NULL;
	b->obj = NULL;
	for (i = 0; i < NMAPS; i++)
		b->map_fd[i] = -1;
	if (b->own_group)
		fs_kev_remove_group(b->group, 2000);
	b->own_group = 0;
	b->group[0] = '\0';
	b->hooks = b->hooks_kprobe = 0;
}

/*
 * A program that does nothing, loaded on the BTF object name of kind (a
 * function for fentry, btf_trace_<tracepoint> for tp_btf): the verifier's
 * verdict on the target, 1; 0 and why the kernel refused.  Loaded, never
 * attached: an attach, even of a program that does nothing and for an
 * instant, changes what a backend attached meanwhile measures (measured on
 * 6.12: a no-op fentry on kernel_clone made the kprobe chain count one more
 * zero-page COW fault later).
 */
static int try_load(const struct btf *btf, enum bpf_attach_type type, const char *name,
		    int kind, char *why, size_t whylen)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = type);
	int id = btf__find_by_name_kind(btf, name, kind), fd;

	if (id < 0)
		return fail(why, whylen, "the kernel has no %s", name) + 1;
	o.attach_btf_id = (__u32)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &o);
	if (fd < 0)
		return fail(why, whylen, "a program on %s is refused (%s)", name, strerror(errno)) + 1;
	close(fd);
	return 1;
}

/* One chain of fsb_probe(): its required targets in BTF, then the cheap real test. */
static enum fsb_can probe_chain(const struct btf *btf, enum fsb_chain chain, char *why,
				size_t whylen)
{
	const struct prog_info *first = NULL;
	char tp[128];
	size_t i;
	int r;

	for (i = 0; i < NPROGS; i++) {
		if (fsb_progs[i].chain != chain || !fsb_progs[i].required)
			continue;
		if (!target_exists(btf, &fsb_progs[i])) {
			snprintf(why, whylen, "the kernel has no %s", fsb_progs[i].target);
			return FSB_CAN_NO;
		}
		if (!first)
			first = &fsb_progs[i];
	}
	if (!first) {
		snprintf(why, whylen, "no program of this chain");
		return FSB_CAN_NO;
	}
	if (chain == FSB_CHAIN_KPROBE) {
		r = fs_kev_available(why, whylen);
		if (r <= 0)
			return r < 0 ? FSB_CAN_UNKNOWN : FSB_CAN_NO;
		if (geteuid() != 0) {
			snprintf(why, whylen, "its targets are in BTF; making kprobe events needs root");
			return FSB_CAN_UNKNOWN;
		}
		return FSB_CAN_YES;
	}
	if (geteuid() != 0) {
		snprintf(why, whylen, "its targets are in BTF; whether the kernel takes its programs is tried as root only");
		return FSB_CAN_UNKNOWN;
	}
	if (chain == FSB_CHAIN_FENTRY)
		return try_load(btf, BPF_TRACE_FENTRY, first->target, BTF_KIND_FUNC, why,
				   whylen) ? FSB_CAN_YES : FSB_CAN_NO;
	snprintf(tp, sizeof(tp), "btf_trace_%s", first->target);
	return try_load(btf, BPF_TRACE_RAW_TP, tp, BTF_KIND_TYPEDEF, why, whylen) ?
		       FSB_CAN_YES : FSB_CAN_NO;
}

void fsb_probe(struct fsb_caps *c, const char *attached)
{
	static const enum fsb_chain order[] = {
		FSB_CHAIN_FENTRY, FSB_CHAIN_TRACEPOINT, FSB_CHAIN_KPROBE,
	};
	struct btf *btf = NULL;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	if (c->btf) {
		libbpf_set_print(libbpf_print);
		btf = btf__load_vmlinux_btf();
	}
	for (i = 0; i < 3; i++) {
		c->chain[i].name = chain_names[order[i]];
		if (!btf) {
			c->chain[i].can = FSB_CAN_NO;
			snprintf(c->chain[i].why, sizeof(c->chain[i].why), "%s",
				 c->btf ? "the kernel's BTF cannot be read" :
					  "no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)");
			continue;
		}
		if (attached && !strcmp(attached, c->chain[i].name))
			c->chain[i].can = FSB_CAN_YES;
		else
			c->chain[i].can = probe_chain(btf, order[i], c->chain[i].why,
						      sizeof(c->chain[i].why));
		if (c->chain[i].can == FSB_CAN_YES)
			c->chain[i].why[0] = '\0';
	}
	btf__free(btf);
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
	int fetch_add;
	size_t i;

	*out = NULL;
	if (preflight(err, errlen))
		return -1;
	if (pin && fsb_pinned())
		return fail(err, errlen, "the BPF backend is attached already (%s): forkstats --backend bpf detach first",
			    FSB_PIN_DIR);
	if (p->records < FS_RECORDS_MIN || p->records > FS_RECORDS_MAX ||
	    p->max_tracked < FS_MAX_TRACKED_MIN || p->max_tracked > FS_MAX_TRACKED_MAX ||
	    p->max_active < FS_MAX_ACTIVE_MIN || p->max_active > FS_MAX_ACTIVE_MAX)
		return fail(err, errlen, "records must be %u..%u, max-tracked %u..%u, max-active %u..%u",
			    FS_RECORDS_MIN, FS_RECORDS_MAX, FS_MAX_TRACKED_MIN, FS_MAX_TRACKED_MAX,
			    FS_MAX_ACTIVE_MIN, FS_MAX_ACTIVE_MAX);
	libbpf_set_print(libbpf_print);
	fetch_add = have_fetch_add();
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
		if (try_chain(b, p, order[i], fetch_add, btf, why[i], sizeof(why[i])) == 0)
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
