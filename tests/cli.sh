#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The forkstats CLI on the host, against the files in tests/fixtures/: every
# --json output is one document that a real JSON parser (python3) accepts,
# the text forms show what they should, errors are one line with the right
# exit status.  TAP on stdout.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
F=$here/../tools/forkstats/forkstats
fx=$here/fixtures
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
t() {	# description command... (passes when it succeeds)
	local d=$1
	shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d"; echo "$out" | sed 's/^/#   /'; fi
}
cli() { "$F" --proc "$fx/proc" --debugfs "$fx/debugfs" "$@"; }
json() { cli --json "$@" | python3 -c 'import json, sys; json.load(sys.stdin)'; }

for cmd in show status calls hist "hist --total" "calls -n 1" "calls --kind vfork"; do
	# shellcheck disable=SC2086
	t "--json $cmd is one valid JSON document" json $cmd
done
t "show: a row per kind and a total" sh -c "'$F' --proc '$fx/proc' | grep -c -E '^(fork|vfork|thread|clone|kthread|total) ' | grep -qx 6"
t "show: unknown values print as -" sh -c "'$F' --proc '$fx/proc' | grep -E '^kthread ' | grep -q ' - '"
t "show --json: unknown values are null" sh -c "'$F' --proc '$fx/proc' --json show | python3 -c 'import json,sys; d=json.load(sys.stdin); k=[r for r in d[\"kinds\"] if r[\"kind\"]==\"kthread\"][0]; sys.exit(0 if k[\"cow_copies\"] is None and k[\"calls\"]==1 else 1)'"
t "calls --json: every column, raw numbers, unescaped comm" sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls | python3 -c 'import json,sys; d=json.load(sys.stdin); c=d[\"calls\"]; sys.exit(0 if len(c)==2 and c[0][\"pgtable_bytes\"]==167936 and c[1][\"comm\"]==\"my\\\"prog\" and c[1][\"total_ns\"] is None and len(c[0])==19 else 1)'"
t "calls -n 1 --kind fork: the last fork only" sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls -n 1 --kind fork | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"calls\"]; sys.exit(0 if [x[\"seq\"] for x in c]==[51] else 1)'"
t "hist: bars" sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' hist | grep -q '|####'"
t "every command has --help" sh -c "for c in show status calls hist reset; do '$F' \$c --help | grep -q '^usage: forkstats' || exit 1; done"
t "unknown command: exit 2 and usage" sh -c "'$F' nosuch 2>&1 >/dev/null | grep -q 'unknown command'; test \$('$F' nosuch >/dev/null 2>&1; echo \$?) = 2"
t "bad option: exit 2" sh -c "test \$('$F' calls --bogus >/dev/null 2>&1; echo \$?) = 2"
t "--backend bpf: one clear line, exit 1" sh -c "test \$('$F' --backend bpf 2>&1 | wc -l) = 1 && test \$('$F' --backend bpf >/dev/null 2>&1; echo \$?) = 1"
t "module not loaded: says how to load it, exit 1" sh -c "'$F' --proc /nonexistent/forkstats >/dev/null 2>&1; test \$? = 1" 
t "no /proc/forkstats: the message names insmod" sh -c "! test -e /proc/forkstats || exit 0; '$F' 2>&1 | grep -q 'insmod module/forkstats.ko'"
t "another format version: refused, naming it" sh -c "'$F' --proc '$fx/proc-v9' 2>&1 | grep -q 'version 9 is not supported'"
t "calls without the module: says so" sh -c "'$F' --proc /nonexistent/forkstats --debugfs /nonexistent calls 2>&1 | grep -q 'module is not loaded'"
t "calls --follow --json: NDJSON, one valid object per line, the loss as {\"lost\": 3}" sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls --follow 2>/dev/null | python3 -c 'import json,sys; L=[json.loads(l) for l in sys.stdin]; sys.exit(0 if [list(x)[0] for x in L]==[\"seq\",\"lost\",\"seq\"] and L[1][\"lost\"]==3 else 1)'"
t "calls --follow: the loss is also said on stderr" sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' calls --follow 2>&1 >/dev/null | grep -q 'lost 3 records'"
t "calls --follow --kind vfork filters the stream" sh -c "test \$('$F' --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls --follow --kind vfork 2>/dev/null | grep -c '\"seq\"') = 1"
man=$here/../docs/forkstats.8
t "the man page renders without warnings" sh -c "out=\$(groff -man -ww -z '$man' 2>&1) && test -z \"\$out\""
t "the man page documents every command" sh -c "for c in show status calls hist reset; do grep -q \"^\\.B\\R\\? *\$c\" '$man' || grep -q \"^\\.BR \$c \" '$man' || { echo \"missing \$c\"; exit 1; }; done"
echo "1..$n"
