# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The host's own BPF backend around a host test that attaches and detaches
# its own (tests/bpf.sh, access.sh, top-tmux.sh): two backends attached at
# once each miss COW faults (docs/bpf.md), so a backend the host has attached
# is detached for the run and attached again after it, with its chain and
# sizes (its counts start from zero).  Sourced by bash; needs $F (the CLI).

# host_bpf_save NAME: the attached backend's options into host_attach
# ("" when none), said in one TAP comment.
host_bpf_save() {
	host_attach=$("$F" --backend bpf --json status 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["module"]
print("--chain %s --records %d --max-tracked %d --max-active %d" % (d["chain"], m["records"], m["max_tracked"], m["max_active"]))
' 2>/dev/null)
	[ -z "$host_attach" ] ||
		echo "# the host's BPF backend is detached for the run, attached again after it ($host_attach)"
}

# host_bpf_restore NAME: detach what the run left; attach the host's again.
host_bpf_restore() {
	"$F" --backend bpf detach >/dev/null 2>&1
	[ -n "$host_attach" ] || return 0
	# shellcheck disable=SC2086 # the options
	"$F" --backend bpf attach $host_attach >/dev/null ||
		echo "$1: the host's backend could not be attached again: forkstats --backend bpf attach $host_attach" >&2
}

# bpf_ours: how many of our programs (tools/bpf/tracepoint.bpf.c) are loaded
# anywhere in the kernel, by name (bpftool).
bpf_ours() {
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
names = {"task_newtask", "exit_mmap", "page_fault_user", "page_fault_kern", "rss_stat", "signal_deliver"}
print(sum(1 for p in json.load(sys.stdin) if p.get("name") in names))'
}

# bpf_wait_loaded SECS: our programs are loaded within SECS (polled every
# 0.1 s): a command that attaches for its run has got that far.
bpf_wait_loaded() {
	local n=$(($1 * 10))
	while [ "$n" -gt 0 ]; do
		[ "$(bpf_ours)" -gt 0 ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
