// SPDX-License-Identifier: GPL-2.0
/*
 * bpfcount: a plain BPF counter on forkstats' hooks (bench/README.md).
 *
 *   bpfcount
 *
 * Attaches the programs of bpfcount.bpf.c whose targets the running kernel
 * has -- the choice the forkstats BPF backend makes for its fentry chain
 * (tools/lib/bpf_attach.c) -- prints
 *
 *   bpfcount: attached N programs: NAME,NAME,...
 *
 * on stdout, waits for SIGTERM or SIGINT, detaches, prints one line
 * "NAME COUNT" per attached program (its hits summed over the CPUs) and
 * exits 0.  Anything that prevents that is one line on stderr and exit 1;
 * BPFCOUNT_DEBUG=1 shows libbpf's log.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpfcount.h"
#include "bpfcount.skel.h"
#include "btf_query.h"

/*
 * IF_COPY / UNLESS_COPY: do_wp_page's program where wp_page_copy's attached
 * (its entry) or did not (its return), as the backend's.
 */
enum need { REQUIRED, OPTIONAL, COPY, REUSE, IF_COPY, UNLESS_COPY };

/* One of do_wp_page's two programs always attaches: each is required. */
static int required(enum need n)
{
	return n == REQUIRED || n == IF_COPY || n == UNLESS_COPY;
}

/* Indexed by enum bc_prog: the program, its target, whether it must attach. */
static const struct {
	const char *prog;
	const char *target;
	enum need need;
} progs[BC_NPROGS] = {
	[BC_KERNEL_CLONE_ENTRY] = { "kernel_clone_entry", "kernel_clone", REQUIRED },
	[BC_KERNEL_CLONE_EXIT] = { "kernel_clone_exit", "kernel_clone", REQUIRED },
	[BC_COPY_PROCESS_ENTRY] = { "copy_process_entry", "copy_process", REQUIRED },
	[BC_COPY_PROCESS_EXIT] = { "copy_process_exit", "copy_process", REQUIRED },
	[BC_COPY_PAGE_RANGE_ENTRY] = { "copy_page_range_entry", "copy_page_range", OPTIONAL },
	[BC_MMDROP_ENTRY] = { "mmdrop_entry", "__mmdrop", REQUIRED },
	[BC_WP_PAGE_COPY_ENTRY] = { "wp_page_copy_entry", "wp_page_copy", COPY },
	[BC_DO_WP_PAGE_ENTRY] = { "do_wp_page_entry", "do_wp_page", IF_COPY },
	[BC_DO_WP_PAGE_EXIT] = { "do_wp_page_exit", "do_wp_page", UNLESS_COPY },
	[BC_WP_PAGE_REUSE_ENTRY] = { "wp_page_reuse_entry", "wp_page_reuse", REUSE },
	/* Only where the fentry program could not attach. */
	[BC_WP_PAGE_REUSE_KPROBE] = { "wp_page_reuse_kprobe", "wp_page_reuse", REUSE },
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return getenv("BPFCOUNT_DEBUG") ? vfprintf(stderr, fmt, ap) : 0;
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("bpfcount: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(getenv("BPFCOUNT_DEBUG") ? "\n" : " (BPFCOUNT_DEBUG=1 shows libbpf's log)\n",
	      stderr);
	return 1;
}

/*
 * Which programs to load, as the backend's fentry chain decides: every
 * target looked up in the kernel's BTF; wp_page_reuse only where
 * wp_page_copy is not a function; do_wp_page at its entry or its return by
 * whether wp_page_copy attached.  0, or 1 after saying why not.
 */
static int choose(struct bpfcount *skel, int on[BC_NPROGS])
{
	int use_copy, use_reuse, i;
	struct btf *btf;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return fail("cannot read the kernel's BTF (%s)", strerror(errno));
	fs_btf_wp_helpers(btf, 0, &use_copy, &use_reuse);
	for (i = 0; i < BC_NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(skel->obj, progs[i].prog);

		on[i] = fs_btf_has(btf, progs[i].target, BTF_KIND_FUNC);
		if (progs[i].need == COPY)
			on[i] = on[i] && use_copy;
		if (progs[i].need == REUSE)
			on[i] = on[i] && use_reuse;
		if (!prog) {
			btf__free(btf);
			return fail("program %s missing from the object", progs[i].prog);
		}
		if (required(progs[i].need) && !on[i]) {
			btf__free(btf);
			return fail("the kernel has no %s", progs[i].target);
		}
		bpf_program__set_autoload(prog, on[i]);
	}
	btf__free(btf);
	return 0;
}

static int attach(struct bpfcount *skel, const int on[BC_NPROGS],
		  struct bpf_link *links[BC_NPROGS])
{
	int i;

	for (i = 0; i < BC_NPROGS; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(skel->obj, progs[i].prog);

		if (!on[i] || (i == BC_WP_PAGE_REUSE_KPROBE && links[BC_WP_PAGE_REUSE_ENTRY]) ||
		    (progs[i].need == IF_COPY && !links[BC_WP_PAGE_COPY_ENTRY]) ||
		    (progs[i].need == UNLESS_COPY && links[BC_WP_PAGE_COPY_ENTRY]))
			continue;
		links[i] = bpf_program__attach(prog);
		if (links[i])
			continue;
		if (required(progs[i].need))
			return fail("attaching %s to %s failed (%s)", progs[i].prog,
				    progs[i].target, strerror(errno));
		/* Optional, as in the backend: left out (6.12's notrace wp_page_reuse). */
		fprintf(stderr, "bpfcount: left out %s: %s cannot be hooked (%s)%s\n",
			progs[i].prog, progs[i].target, strerror(errno),
			i == BC_WP_PAGE_REUSE_ENTRY && on[BC_WP_PAGE_REUSE_KPROBE] ?
			", trying a kprobe" : "");
	}
	return 0;
}

static void print_counts(struct bpfcount *skel, const int attached[BC_NPROGS])
{
	int ncpus = libbpf_num_possible_cpus(), i, c;
	__u64 *vals;

	vals = ncpus > 0 ? calloc((size_t)ncpus, sizeof(*vals)) : NULL;
	for (i = 0; i < BC_NPROGS; i++) {
		__u32 key = (__u32)i;
		__u64 sum = 0;

		if (!attached[i])
			continue;
		if (!vals || bpf_map__lookup_elem(skel->maps.counts, &key, sizeof(key), vals,
						  (size_t)ncpus * sizeof(*vals), 0)) {
			printf("%s -\n", progs[i].prog);
			continue;
		}
		for (c = 0; c < ncpus; c++)
			sum += vals[c];
		printf("%s %llu\n", progs[i].prog, (unsigned long long)sum);
	}
	free(vals);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct bpf_link *links[BC_NPROGS] = { 0 };
	int on[BC_NPROGS], attached[BC_NPROGS], err, i, n = 0, sig;
	struct bpfcount *skel;
	sigset_t stop;

	if (argc > 1) {
		fprintf(stderr, "usage: %s\n"
			"  attach, print the programs, count until SIGTERM or SIGINT, print the counts\n",
			argv[0]);
		return 2;
	}
	/* Blocked from the start: a signal sent early is taken by sigwait. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	libbpf_set_print(libbpf_print);

	skel = bpfcount__open();
	if (!skel)
		return fail("cannot open the BPF object (%s)", strerror(errno));
	err = choose(skel, on);
	if (!err) {
		err = bpfcount__load(skel);
		if (err)
			err = fail("the kernel refused the fentry/fexit programs (%s)", strerror(-err));
	}
	if (!err)
		err = attach(skel, on, links);
	if (err) {
		for (i = 0; i < BC_NPROGS; i++)
			bpf_link__destroy(links[i]);
		bpfcount__destroy(skel);
		return 1;
	}
	for (i = 0; i < BC_NPROGS; i++)
		n += links[i] != NULL;
	printf("bpfcount: attached %d programs: ", n);
	for (i = 0, n = 0; i < BC_NPROGS; i++)
		if (links[i])
			printf("%s%s", n++ ? "," : "", progs[i].prog);
	printf("\n");
	fflush(stdout);

	while (sigwait(&stop, &sig))
		;
	/* Detached first (the links closed): the counts are final when read. */
	for (i = 0; i < BC_NPROGS; i++) {
		attached[i] = links[i] != NULL;
		bpf_link__destroy(links[i]);
	}
	print_counts(skel, attached);
	bpfcount__destroy(skel);
	return 0;
}
