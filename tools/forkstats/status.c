// SPDX-License-Identifier: GPL-2.0
/* forkstats status. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf_backend.h"
#include "cli.h"
#include "probesfile.h"
#include "procfile.h"

/*
 * Calls that lost part of their data, by the counter that counts them: what
 * they lack, why, and the module parameter that prevents it
 * (docs/interfaces.md).  The BPF backend has no vfork or in-flight table of
 * this kind; its misses are its hooks' (docs/bpf.md).
 */
static const struct loss {
	const char *counter, *what, *why, *param;
} losses[] = {
	{ "missed_kernel_clone", "without kernel_clone's return",
	  "more calls in kernel_clone at once than its max_active kretprobe instances; "
	  "their total_ns is their create_ns", "max_active" },
	{ "missed_copy_process", "without copy_process's return",
	  "more calls in copy_process at once than its max_active kretprobe instances; "
	  "recorded by kernel_clone's return with create_ns, page tables, VMAs and RSS 0, "
	  "or, a vfork, not recorded", "max_active" },
	{ "inflight_overflow", "not tracked in flight",
	  "more calls in kernel_clone at once than max_active; recorded by copy_process alone, "
	  "their total_ns is their create_ns", "max_active" },
	{ "vfork_overflow", "of vfork without their wait",
	  "more vfork parents waiting at once than max_vforks; closed when copy_process returned",
	  "max_vforks" },
};

/* One line per counter of losses[] that is not 0. */
static void print_losses(const struct fs_proc *p, const struct fs_probes *pr, int detail, int bpf)
{
	const struct fs_proc_counter *c, *v;
	size_t i;

	for (i = 0; i < sizeof(losses) / sizeof(losses[0]); i++) {
		c = fs_proc_counter(p, losses[i].counter);
		if (!c || !c->value)
			continue;
		printf("lost: %llu calls %s (%s): ", (unsigned long long)c->value, losses[i].what,
		       losses[i].counter);
		if (bpf) {
			v = detail ? fs_probes_counter(pr, "kretprobe_maxactive") : NULL;
			printf("missed by the BPF backend's hooks (docs/bpf.md); raise forkstats attach --max-active");
		} else {
			v = detail ? fs_probes_counter(pr, losses[i].param) : NULL;
			printf("%s; raise the module parameter %s", losses[i].why, losses[i].param);
		}
		if (v)
			printf(" (now %llu)", (unsigned long long)v->value);
		printf("\n");
	}
}

/* The same as [{"counter", "calls", "lost", "why", "parameter"}]. */
static void json_losses(struct fs_cli *cli, const struct fs_proc *p)
{
	int bpf = fs_source_backend(cli->src) == FS_BACKEND_BPF;
	const struct fs_proc_counter *c;
	size_t i;

	fs_json_begin_array(&cli->j);
	for (i = 0; i < sizeof(losses) / sizeof(losses[0]); i++) {
		c = fs_proc_counter(p, losses[i].counter);
		if (!c || !c->value)
			continue;
		fs_json_begin_object(&cli->j);
		fs_json_key(&cli->j, "counter");
		fs_json_str(&cli->j, losses[i].counter);
		fs_json_key(&cli->j, "calls");
		fs_json_u64(&cli->j, c->value);
		fs_json_key(&cli->j, "lost");
		fs_json_str(&cli->j, losses[i].what);
		fs_json_key(&cli->j, "why");
		fs_json_str(&cli->j, bpf ? "missed by the BPF backend's hooks" : losses[i].why);
		fs_json_key(&cli->j, "parameter");
		fs_json_str(&cli->j, bpf ? "max-active" : losses[i].param);
		fs_json_end_object(&cli->j);
	}
	fs_json_end_array(&cli->j);
}

static const char *const keys[] = { "probe", "type", "attached", "hits", "missed" };
static const char *const heads[] = { "PROBE", "TYPE", "ATTACHED", "HITS", "MISSED" };

/* The name-value lines of debugfs probes, as one object. */
static void json_module(struct fs_cli *cli, const struct fs_probes *pr)
{
	size_t i;

	fs_json_begin_object(&cli->j);
	for (i = 0; i < pr->ncounters; i++) {
		fs_json_key(&cli->j, pr->counters[i].name);
		fs_json_u64(&cli->j, pr->counters[i].value);
	}
	if (pr->kprobe_group[0]) {
		fs_json_key(&cli->j, "kprobe_group");
		fs_json_str(&cli->j, pr->kprobe_group);
	}
	fs_json_end_object(&cli->j);
}

/* What status shows: the snapshot, the per-probe detail when readable, the backends. */
struct status {
	struct fs_proc p;
	struct fs_probes pr;
	struct fs_table t;	/* the probes of pr, one row each */
	int reading;		/* p was read (a backend is active and readable) */
	char why[1024];		/* else why not, in one line */
	int detail;		/* pr was read */
	int bpf;		/* reading from the BPF backend */
	int module_loaded, bpf_attached;	/* bpf_attached: 1, 0, -1 cannot tell */
	int machine;		/* mod and caps were looked at (not with --proc/--debugfs) */
	struct fs_module_caps mod;
	struct fsb_caps caps;
};

/* What this machine can do: the module's state, BTF, each chain. */
static void json_machine(struct fs_cli *cli, const struct status *st)
{
	size_t i;

	fs_json_begin_object(&cli->j);
	fs_json_key(&cli->j, "module");
	fs_json_begin_object(&cli->j);
	fs_json_key(&cli->j, "state");
	fs_json_str(&cli->j, fs_module_state_name(st->mod.state));
	fs_json_key(&cli->j, "why");
	fs_json_str(&cli->j, st->mod.why);
	fs_json_end_object(&cli->j);
	fs_json_key(&cli->j, "btf");
	fs_json_bool(&cli->j, st->caps.btf);
	fs_json_key(&cli->j, "chains");
	fs_json_begin_object(&cli->j);
	for (i = 0; i < 3; i++) {
		fs_json_key(&cli->j, st->caps.chain[i].name);
		fs_json_begin_object(&cli->j);
		fs_json_key(&cli->j, "can");
		if (st->caps.chain[i].can == FSB_CAN_UNKNOWN)
			fs_json_null(&cli->j);
		else
			fs_json_bool(&cli->j, st->caps.chain[i].can == FSB_CAN_YES);
		fs_json_key(&cli->j, "why");
		if (st->caps.chain[i].why[0])
			fs_json_str(&cli->j, st->caps.chain[i].why);
		else
			fs_json_null(&cli->j);
		fs_json_end_object(&cli->j);
	}
	fs_json_end_object(&cli->j);
	fs_json_end_object(&cli->j);
}

static void text_machine(const struct status *st)
{
	struct fs_module_caps m = st->mod;
	size_t i;

	printf("module:   ");
	switch (m.state) {
	case FS_MOD_LOADED:
		printf("loaded\n");
		break;
	case FS_MOD_INSTALLED:
		printf("loadable, installed (%s): sudo modprobe forkstats\n", m.why);
		break;
	case FS_MOD_LOADABLE:
		printf("loadable (headers: %s): make, then sudo insmod module/forkstats.ko\n", m.why);
		break;
	case FS_MOD_NO_HEADERS:
		printf("loadable, but cannot be built here: %s\n", m.why);
		break;
	default:
		printf("not on this kernel: %s\n", m.why);
		break;
	}
	printf("bpf:      BTF %s", st->caps.btf ? "yes" : "no (/sys/kernel/btf/vmlinux)");
	for (i = 0; i < 3; i++) {
		const char *can = st->caps.chain[i].can == FSB_CAN_YES ? "yes" :
				  st->caps.chain[i].can == FSB_CAN_NO ? "no" : "unknown";

		printf("; %s %s", st->caps.chain[i].name, can);
		if (st->caps.chain[i].why[0])
			printf(" (%s)", st->caps.chain[i].why);
	}
	printf("\n");
}

static void probe_table(struct status *st)
{
	size_t i;

	fs_table_init(&st->t, 5, keys, heads);
	for (i = 0; st->detail && i < st->pr.nprobes; i++) {
		struct fs_cell *c = fs_table_row(&st->t);

		if (!c)
			break;
		fs_cell_str(&c[0], st->pr.probes[i].name);
		fs_cell_str(&c[1], st->pr.probes[i].type);
		fs_cell_str(&c[2], st->pr.probes[i].attached ? "yes" : "no");
		fs_cell_u64(&c[3], st->pr.probes[i].hits);
		fs_cell_u64(&c[4], st->pr.probes[i].missed);
	}
}

static void status_json(struct fs_cli *cli, struct status *st)
{
	static const char *const nulls[] = { "backend", "chain", "kernel", "split", "probes",
					     "counters", "module" };
	size_t i;

	fs_json_begin_object(&cli->j);
	fs_json_key(&cli->j, "backends");
	fs_json_begin_object(&cli->j);
	fs_json_key(&cli->j, "module");
	fs_json_bool(&cli->j, st->module_loaded);
	fs_json_key(&cli->j, "bpf");
	if (st->bpf_attached < 0)
		fs_json_null(&cli->j);
	else
		fs_json_bool(&cli->j, st->bpf_attached);
	fs_json_end_object(&cli->j);
	fs_json_key(&cli->j, "reading");
	if (st->reading)
		fs_json_str(&cli->j, st->bpf ? "bpf" : "module");
	else
		fs_json_null(&cli->j);
	fs_json_key(&cli->j, "not_reading");
	if (st->reading)
		fs_json_null(&cli->j);
	else
		fs_json_str(&cli->j, st->why);
	fs_json_key(&cli->j, "machine");
	if (st->machine)
		json_machine(cli, st);
	else
		fs_json_null(&cli->j);
	if (!st->reading) {
		for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
			fs_json_key(&cli->j, nulls[i]);
			fs_json_null(&cli->j);
		}
		fs_json_key(&cli->j, "approximate");
		fs_json_begin_array(&cli->j);
		fs_json_end_array(&cli->j);
		fs_json_key(&cli->j, "losses");
		fs_json_begin_array(&cli->j);
		fs_json_end_array(&cli->j);
		fs_json_end_object(&cli->j);
		fs_json_done(&cli->j);
		return;
	}
	fs_cli_json_backend(cli, &st->p);
	fs_json_key(&cli->j, "kernel");
	fs_json_str(&cli->j, st->p.kernel);
	fs_json_key(&cli->j, "split");
	fs_json_str(&cli->j, st->p.split);
	fs_json_key(&cli->j, "probes");
	if (st->detail)
		fs_table_json(&st->t, &cli->j);
	else
		fs_json_null(&cli->j);
	fs_json_key(&cli->j, "counters");
	fs_cli_json_counters(cli, st->p.counters, st->p.ncounters);
	fs_json_key(&cli->j, "losses");
	json_losses(cli, &st->p);
	fs_json_key(&cli->j, "module");
	if (st->detail)
		json_module(cli, &st->pr);
	else
		fs_json_null(&cli->j);
	fs_json_end_object(&cli->j);
	fs_json_done(&cli->j);
}

static void status_text(struct status *st)
{
	const struct fs_proc *p = &st->p;
	size_t i;

	printf("backends: module %s; bpf %s\n", st->module_loaded ? "loaded" : "not loaded",
	       st->bpf_attached > 0 ? "attached" : st->bpf_attached ? "unknown" : "not attached");
	if (!st->reading) {
		printf("reading:  nothing: %s\n", st->why);
		if (st->machine)
			text_machine(st);
		return;
	}
	printf("reading:  %s%s%s%s\n", p->backend, p->chain[0] ? " (" : "", p->chain,
	       p->chain[0] ? " chain)" : "");
	if (st->machine)
		text_machine(st);
	if (p->approx[0]) {
		printf("approximate: ");
		for (i = 0; p->approx[i]; i++)
			putchar(p->approx[i] == ',' ? ' ' : p->approx[i]);
		printf(" (docs/bpf.md)\n");
	}
	printf("kernel:   %s\n", p->kernel);
	printf("copies vs reuses: %s\n", !strcmp(p->split, "copies") ?
	       "copies counted, reuses derived" : !strcmp(p->split, "reuses") ?
	       "reuses counted, copies derived" : "unknown on this kernel");
	printf("attached: ");
	for (i = 0; i < p->nprobes; i++)
		printf("%s%s", i ? ", " : "", p->probes[i]);
	printf("\n");
	for (i = 0; i < p->ncounters; i++)
		if (!strcmp(p->counters[i].name, "records_overwritten") ||
		    !strcmp(p->counters[i].name, "mm_table_overflow") ||
		    !strcmp(p->counters[i].name, "inflight_overflow") ||
		    !strcmp(p->counters[i].name, "vfork_overflow"))
			printf("%s: %llu\n", p->counters[i].name,
			       (unsigned long long)p->counters[i].value);
	print_losses(p, &st->pr, st->detail, st->bpf);
	if (st->detail) {
		printf("\n");
		fs_table_print(&st->t, stdout);
		printf("\n");
		fs_cli_print_counters(st->pr.counters, st->pr.ncounters, 14);
		if (st->pr.kprobe_group[0])
			printf("%-14s %s\n", "kprobe_group", st->pr.kprobe_group);
	}
}

static int run_status(struct fs_cli *cli, int argc, char **argv)
{
	struct status st;
	char err[1024];
	int code, ret = 0;

	if (fs_cli_no_args(&fs_cmd_status, argc, argv))
		return 2;
	memset(&st, 0, sizeof(st));
	/*
	 * Nothing active, or what is active cannot be read by this user: said,
	 * with the ways out, and exit 0.  Data that does not parse: exit 1.
	 */
	code = cli->src ? fs_source_snapshot(cli->src, &st.p, err, sizeof(err)) : cli->src_code;
	if (!cli->src)
		snprintf(err, sizeof(err), "%s", cli->src_err);
	if (code == FS_SRC_ERR && cli->src)
		return fs_cli_error("%s", err);
	st.reading = !code;
	if (!st.reading)
		snprintf(st.why, sizeof(st.why), "%s", err);
	st.bpf = cli->src && fs_source_backend(cli->src) == FS_BACKEND_BPF;
	st.module_loaded = fs_source_module_loaded();
	st.bpf_attached = fs_source_bpf_state(NULL, 0);
	if (st.reading && st.bpf)
		st.bpf_attached = 1;
	st.machine = !cli->conf.files_given;
	if (st.machine) {
		fs_module_caps(&st.mod);
		fsb_probe(&st.caps, st.reading && st.bpf ? fs_source_chain(cli->src) : NULL);
	}
	if (!st.reading) {
		if (cli->json)
			status_json(cli, &st);
		else
			status_text(&st);
		return 0;
	}
	/*
	 * Per-probe detail needs debugfs (root); without it, say why and go on.
	 * A probes file that does not parse is an error (exit 1), said before
	 * the rest is shown.
	 */
	code = fs_source_probes(cli->src, &st.pr, err, sizeof(err));
	st.detail = code == 0;
	if (code == FS_SRC_ERR)
		ret = fs_cli_error("%s", err);
	else if (code)
		fs_cli_source_error(cli, code, err);
	probe_table(&st);
	if (cli->json)
		status_json(cli, &st);
	else
		status_text(&st);
	fs_table_free(&st.t);
	return ret;
}

const struct fs_command fs_cmd_status = {
	.name = "status",
	.run = run_status,
	.usage = "status",
	.help = "What is active and read (the module, the BPF backend) and what this machine\n"
		"can do: the module loaded, loadable, or not on this kernel and why; BPF: BTF,\n"
		"and which hook chains can attach here (as root: whether the kernel loads\n"
		"their programs).  With nothing active, both ways out, exit 0.  From what is\n"
		"read: the kernel, the probes attached and missing, their hits and nmissed,\n"
		"records overwritten, and how copies and reuses are told apart here.  A line\n"
		"\"lost: ...\" for each kind of call data lost (missed kretprobe returns, calls\n"
		"not tracked): which calls, what, why, and the parameter to raise.  Per-probe\n"
		"detail needs root.\n",
};
