#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion (tools/forkstats/forkstats.bash-completion) against the
# CLI itself, so that neither can drift: every command that "forkstats --help"
# lists, every global option it names, and every option that each
# "forkstats COMMAND --help" names (its usage line and its option lines) must
# be offered where it belongs; option values as the CLI takes them (the
# backends and chains of the usage, the kinds the CLI's own error message
# lists, the files "cat" accepts); files, directories and commands where an
# option wants them.  The completion function is the one "complete -p
# forkstats" names, run with COMP_WORDS/COMP_CWORD as bash runs it.  TAP on
# stdout.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
F=$(realpath "${FORKSTATS:-$top/tools/forkstats/forkstats}")
C=$top/tools/forkstats/forkstats.bash-completion
fx=$here/fixtures
. "$here/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC1090
. "$C" || { not_ok "the completion file loads in bash"; done_testing; exit 1; }
spec=$(complete -p forkstats 2>/dev/null)
fn=$(sed -n 's/^complete .*-F \([^ ]*\) .*forkstats$/\1/p' <<<"$spec")
t "complete -p forkstats names a function (-F): '$spec'" sh -c "test -n '$fn'"
[ -n "$fn" ] || { done_testing; exit 1; }

# The completions of a command line whose last word is being completed.
comp() {
	COMP_WORDS=(forkstats "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" forkstats "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}"
}
# offers WORD ARGS...: the completions of ARGS include WORD
offers() { local w=$1; shift; comp "$@" | grep -qxF -- "$w" || { echo "'forkstats $*<TAB>' does not offer '$w': $(comp "$@" | tr '\n' ' ')"; return 1; }; }
# exactly "WORDS" ARGS...: the completions, sorted, are WORDS (sorted)
exactly() {
	local want got
	want=$(tr ' ' '\n' <<<"$1" | sort | tr '\n' ' ')
	shift
	got=$(comp "$@" | sort | tr '\n' ' ')
	test "$got" = "$want" || { echo "'forkstats $*<TAB>' offers '$got', expected '$want'"; return 1; }
}

# What the CLI lists.
help=$("$F" --help)
commands=$(awk '/^commands/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' <<<"$help" | sort -u)
# global options: every option named outside the command list
globals=$(awk '/^commands/ { on = 1; next } on && NF == 0 { on = 0; next } !on' <<<"$help" |
	grep -oE '(^|[][ ,|])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ ,|]//' | sort -u)
t "the CLI lists commands ($(echo $commands)) and global options ($(echo $globals))" sh -c \
	"test $(wc -w <<<"$commands") -ge 11 && test $(wc -w <<<"$globals") -ge 5"

for g in $globals; do
	t "global option $g is offered after 'forkstats -'" offers "$g" -
done
both() { offers "$1" '' && offers "$1" "${1:0:2}"; }
for c in $commands; do
	t "command $c is offered after 'forkstats ' and after 'forkstats ${c:0:2}'" both "$c"
done
t "after global options and their values the command is still completed" offers export --json --backend module --proc /x ex
t "nothing but commands offered for a word without a dash (not options)" exactly "$commands" ''

# The global options a command takes after its name: all but --version, -h and
# --help (the command's own), and --file, --proc's other name.
after="$(grep -vxE -- '--version|-h|--help' <<<"$globals" | tr '\n' ' ')--file"
after_ok() {
	local g
	for g in $after; do
		case $g in
		--json) "$F" --backend module --proc "$fx/proc" show --json | python3 -c 'import json, sys; json.load(sys.stdin)' ;;
		--backend) "$F" show --backend module --proc "$fx/proc" >/dev/null ;;
		--proc | --file) "$F" --backend module show "$g" "$fx/proc" >/dev/null ;;
		--debugfs) "$F" --backend module --proc "$fx/proc" calls --debugfs "$fx/debugfs" >/dev/null ;;
		*) false ;;
		esac || { echo "forkstats COMMAND $g refused"; return 1; }
	done
}
t "the CLI takes the global options ($after) after a command too" after_ok

# Each command's options: its usage line and its help's option lines.
opt_offered() { offers "$1" "$2" - && offers "$1" --json --debugfs /x "$2" -; }
only_own() {
	local c=$1 w
	shift
	for w in $(comp "$c" -); do
		[[ " $* " == *" $w "* ]] || { echo "offers $w"; return 1; }
	done
}
for c in $commands; do
	h=$("$F" "$c" --help)
	opts=$( { head -n 1 <<<"$h" | sed "s/^usage: forkstats \[--json\] $c//"; grep -E '^ +-' <<<"$h"; } |
		grep -oE '(^|[][ ,|])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ ,|]//' | sort -u)
	for o in $opts -h --help; do
		t "$c: option $o is offered after 'forkstats $c -' (also after global options)" opt_offered "$o" "$c"
	done
	# the global options that may follow the command's name (the CLI takes them there)
	for g in $after; do
		t "$c: global option $g is offered after 'forkstats $c -'" offers "$g" "$c" -
	done
	# and no option of another command
	t "$c: only its own options and the global ones are offered" only_own "$c" $opts $after -h --help --
done

# Option values, from what the CLI says it takes.
backends=$(grep -oE -- '--backend [a-z|]+' <<<"$help" | head -n 1 | cut -d' ' -f2 | tr '|' ' ')
t "--backend: exactly the backends of the usage ($backends)" exactly "$backends" --backend ''
chains=$("$F" attach --help | head -n 1 | grep -oE -- '--chain [a-z|]+' | cut -d' ' -f2 | tr '|' ' ')
t "attach --chain: exactly the chains of the usage ($chains)" exactly "$chains" attach --chain ''
kinds=$("$F" --backend module --proc "$fx/proc" calls --kind nosuch 2>&1 | sed -n 's/.*--kind must be \(.*\), not .*/\1/p' | sed 's/,//g; s/ or / /')
kinds_ok() { test -n "$kinds" && exactly "$kinds" calls --kind '' && exactly "$kinds" hist --kind '' && exactly vfork calls --kind vf; }
t "calls --kind and hist --kind: exactly the kinds the CLI's error lists ($kinds)" kinds_ok
cat_ok() {
	local w
	for w in $(comp cat ''); do
		"$F" --backend module --proc "$fx/proc" --debugfs "$fx/debugfs" cat "$w" >/dev/null 2>&1 || { echo "cat $w refused"; return 1; }
	done
	test "$(comp cat '' | wc -l)" = 4 && ! "$F" --backend module --proc "$fx/proc" --debugfs "$fx/debugfs" cat nosuch >/dev/null 2>&1
}
t "cat: the 4 file names offered are each accepted by 'forkstats cat' (fixtures)" cat_ok

# Files and directories.
mkdir "$tmp/promdir" "$tmp/promdir2"
touch "$tmp/promfile"
t "export --textfile: directories only (DIR)" exactly "$tmp/promdir $tmp/promdir2" export --textfile "$tmp/prom"
t "--debugfs: directories only" exactly "$tmp/promdir $tmp/promdir2" --debugfs "$tmp/prom"
t "--proc: files (and directories on the way)" exactly "$tmp/promdir $tmp/promdir2 $tmp/promfile" --proc "$tmp/prom"
mkdir "$tmp/prom dir"
t "a directory with a space in its name is offered whole" offers "$tmp/prom dir" export --textfile "$tmp/prom"
t "stat -o: files" offers "$tmp/promfile" stat -o "$tmp/promf"
t "stat -- CMD: commands of PATH" offers bash stat -r 2 -- bas
t "stat -- CMD ARGS: the command's arguments complete (files at least)" offers "$tmp/promfile" stat -- ls "$tmp/promf"
numbers() { exactly '' top -i '' && exactly '' top -n '' && exactly '' export --interval '' && exactly '' attach --records ''; }
t "a number (top -i, -n; export --interval; attach --records): nothing offered" numbers
t "calls -p: pids of running processes ($$ among them)" offers "$$" calls -p ''

# The file is valid bash for the shells that load it (no bashisms beyond bash 4).
t "bash -n accepts the completion file" bash -n "$C"
t "the file is where make install takes it from (tools/forkstats/forkstats.bash-completion)" test -f "$top/tools/forkstats/forkstats.bash-completion"

done_testing
