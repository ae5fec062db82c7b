#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything the project proves.
#
#   1. installs what is missing (scripts/deps.sh)
#   2. builds the tools with -Werror (also with ASan and UBSan, for the CLI
#      tests) and runs the host tests
#   3. fetches the kernel matrix (tests/vm/kernels.conf; offline once cached)
#   4. make install / uninstall into a DESTDIR, for the 6.1 headers
#      (tests/install.sh)
#   5. for each kernel: builds the module with W=1 (no warnings allowed);
#      builds it the DKMS way too (make dkms-install into private trees under
#      build/dkms/, never the machine's), the 6.1 one for the guest's
#      modprobe; boots a guest with them and runs the in-guest tests
#      (tests/guest/)
#   6. prints a per-kernel summary and "N passed, N failed"; exits 1 on any
#      failure.
#
# KERNELS="6.1 6.12" restricts the matrix.  Logs: build/check/.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
. tests/vm/lib.sh
logs=$top/build/check
mkdir -p "$logs"
declare -A pass fail
groups=()
start=$(date +%s)

group() { G=$1; groups+=("$G"); pass[$G]=0; fail[$G]=0; echo; echo "== $G"; }
ok() { pass[$G]=$((pass[$G] + 1)); echo "ok - $*"; }
not_ok() { fail[$G]=$((fail[$G] + 1)); echo "not ok - $*"; }

# Count a TAP stream: echo it, tally ok / not ok, and check the plan.
tap() {	# file what
	local f=$1 what=$2 plan="" n=0 line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }"; n=$((n + 1)) ;;
		"not ok "*) not_ok "${line#not ok }"; n=$((n + 1)) ;;
		1..*) plan=${line#1..} ;;
		"#"*) echo "$line" ;;
		esac
	done < "$f"
	if [ -z "$plan" ]; then
		not_ok "$what: finished with a plan (none: the run stopped early)"
	elif [ "$plan" != "$n" ]; then
		not_ok "$what: plan of $plan tests, $n ran"
	fi
}

# An action that is a test: run it, log its output, report.
run() {	# description log command...
	local d=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		ok "$d"
	else
		not_ok "$d (log: $log)"
		tail -n 20 "$log" | sed 's/^/#   /'
		return 1
	fi
}

group setup
if ! scripts/deps.sh; then
	not_ok "install the build and test dependencies"
else
	ok "build and test dependencies installed"
fi

group host
run "tools build with -Wall -Wextra -Werror" "$logs/tools.log" make -C tools
# The CLI once more with AddressSanitizer and UBSan (tests/sanitize.sh).
asan=$top/build/asan
run "tools build with ASan and UBSan, -Wall -Wextra -Werror" "$logs/tools-asan.log" \
	make -C tools -j"$(nproc)" O="$asan" LDFLAGS="-fsanitize=address,undefined" \
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
asan_ok=$?
tests/cli.sh >"$logs/cli.tap" 2>&1
tap "$logs/cli.tap" "CLI tests"
tests/cli-hardening.sh >"$logs/cli-hardening.tap" 2>&1
tap "$logs/cli-hardening.tap" "CLI hardening tests"
if [ "$asan_ok" = 0 ]; then
	FORKSTATS=$asan/forkstats/forkstats tests/cli.sh >"$logs/cli-asan.tap" 2>&1
	tap "$logs/cli-asan.tap" "CLI tests (ASan, UBSan)"
	FORKSTATS=$asan/forkstats/forkstats tests/cli-hardening.sh >"$logs/cli-hardening-asan.tap" 2>&1
	tap "$logs/cli-hardening-asan.tap" "CLI hardening tests (ASan, UBSan)"
fi
tests/prometheus.sh >"$logs/prometheus.tap" 2>&1
tap "$logs/prometheus.tap" "Prometheus tests (promtool, node_exporter, export, fleet rules)"
if [ "$asan_ok" = 0 ]; then
	FORKSTATS=$asan/forkstats/forkstats tests/prometheus.sh >"$logs/prometheus-asan.tap" 2>&1
	tap "$logs/prometheus-asan.tap" "Prometheus tests (ASan, UBSan)"
fi
tests/completion.sh >"$logs/completion.tap" 2>&1
tap "$logs/completion.tap" "bash completion tests"
tests/workloads.sh >"$logs/workloads.tap" 2>&1
tap "$logs/workloads.tap" "forkbench tests"
tests/sweep.sh >"$logs/sweep.tap" 2>&1
tap "$logs/sweep.tap" "sweep script tests"
tests/bpf.sh >"$logs/bpf.tap" 2>&1
tap "$logs/bpf.tap" "BPF backend tests (host: tracepoint chain)"
tests/access.sh >"$logs/access.tap" 2>&1
tap "$logs/access.tap" "module-less host: status, stat/top attaching for their run, permissions, idempotent attach/detach"
tests/top-tmux.sh >"$logs/top-tmux.tap" 2>&1
tap "$logs/top-tmux.tap" "top on a terminal (tmux), the BPF backend attached for its run"
tests/structure.sh >"$logs/structure.tap" 2>&1
tap "$logs/structure.tap" "structure checks (include cycles, function length, defined once)"
tests/docs.sh >"$logs/docs.tap" 2>&1; tap "$logs/docs.tap" "docs checks (man page renders, audience lines, README one screen, links)"
if run "unit tests build" "$logs/unit-build.log" make -C tests unit O="$top/build/tests"; then
	for t in "$top"/build/tests/unit/*; do
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$logs/${t##*/}.tap" 2>&1
		tap "$logs/${t##*/}.tap" "${t##*/}"
	done
fi

G=setup
echo
echo "== kernel matrix"
if ! tests/vm/kernels.sh fetch; then
	not_ok "fetch the kernel matrix"
fi
tests/vm/kernels.sh manifest 2>/dev/null
run "static guest tools build" "$logs/guest-tools.log" build_guest_tools /dev/stdout

group "make install"
tests/install.sh >"$logs/install.tap" 2>&1
tap "$logs/install.tap" "make install / uninstall tests (6.1 headers)"

# The machine's own DKMS state, which the DKMS tests must leave alone.
machine_dkms() { { ls -laR /var/lib/dkms /lib/modules; ls -lad /usr/src/forkstats-*; } 2>/dev/null | md5sum; }
# The series whose guest gets the module installed the DKMS way.
dkms_guest=${DKMS_GUEST_SERIES:-6.1}

# DKMS for one series: make dkms-install against its headers into private
# trees (tests/vm/lib.sh dkms_module), checks of what it built and installed,
# the install root kept for the guest (its path in modroot) when the series
# is $dkms_guest, then make dkms-remove.
dkms_checks() {	# series
	local s=$1 vm d rel ko before
	vm=$(vm_dir "$s") d=$(dkms_dir "$s")
	rel=$(tests/vm/kernels.sh get "$s" release)
	ko=$d/root/lib/modules/$rel/updates/dkms/forkstats.ko
	before=$(machine_dkms)
	run "DKMS: make dkms-install (dkms add, build, install) in private trees, W=1, no warnings" \
		"$vm/dkms.log" dkms_module "$s" "$vm/dkms-build.log" || return 1
	if [ -f "$ko" ]; then ok "DKMS: installed as <installtree>/$rel/updates/dkms/forkstats.ko"
	else not_ok "DKMS: installed as <installtree>/$rel/updates/dkms/forkstats.ko" ; return 1; fi
	local vermagic
	vermagic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	if [ "$vermagic" = "$rel" ]; then ok "DKMS: the module's vermagic is $rel"
	else not_ok "DKMS: the module's vermagic is $rel (got '$vermagic')"; fi
	local want got
	want=$(modinfo -F conftest "$(kmod_dir "$s")/module/forkstats.ko") got=$(modinfo -F conftest "$ko")
	if [ "$got" = "$want" ]; then ok "DKMS: the feature probes found what the reference build found ($want)"
	else not_ok "DKMS: the feature probes found what the reference build found ($want; DKMS: '$got')"; fi
	if grep -qx 'updates/dkms/forkstats.ko:' "$d/root/lib/modules/$rel/modules.dep"; then
		ok "DKMS: depmod -b on the install root: modules.dep lists updates/dkms/forkstats.ko"
	else
		not_ok "DKMS: depmod -b on the install root: modules.dep lists updates/dkms/forkstats.ko"
	fi
	if [ "$s" = "$dkms_guest" ]; then
		rm -rf "$vm/dkms-root" && cp -a "$d/root" "$vm/dkms-root" && modroot=$vm/dkms-root
	fi
	run "DKMS: make dkms-remove: nothing of forkstats left in the private trees" "$vm/dkms-remove.log" \
		sh -c "make --no-print-directory dkms-remove DKMS_SOURCETREE='$d/src' DKMS_FLAGS='$(dkms_flags "$s")' &&
			test -z \"\$(dkms status $(dkms_flags "$s") -m forkstats)\" &&
			test -z \"\$(find '$d/src' '$d/root' -name '*.ko*'; ls '$d/tree/forkstats' 2>/dev/null)\""
	if [ "$(machine_dkms)" = "$before" ]; then
		ok "DKMS: the machine's /var/lib/dkms, /lib/modules and /usr/src are untouched"
	else
		not_ok "DKMS: the machine's /var/lib/dkms, /lib/modules and /usr/src are untouched"
	fi
}

kernel_job() {	# series
	local s=$1 t0=$SECONDS
	group "$(series_group "$s")"
	vm=$(vm_dir "$s")
	mkdir -p "$vm"
	run "module builds with W=1 and no warnings" "$vm/module.log" \
		build_module "$s" "$vm/kbuild.log" || return
	local modroot=""
	dkms_checks "$s"
	[ -n "$modroot" ] && echo "# the guest gets the DKMS install tree: $modroot"
	MODULES_ROOT=$modroot run "initramfs builds" "$vm/initramfs.log" build_initramfs "$s" /dev/stdout || return
	touch "$jobdir/$s.initramfs"
	# 1200 s: a guest runs 11-15 min, the users' storm's 100 load/unload
	# cycles 270-420 s of it (each unload of an ftrace hook waits for an
	# RCU-tasks grace period), and two jobs share the machine.  Measured
	# 2026-12-03: 665-900 s; 900 s cut a 6.12 guest in its last test.
	if tests/vm/boot.sh --timeout 1200 "$s" "$vm/initramfs.cpio" "$vm" 2>"$vm/boot.err"; then
		ok "guest ran to the end; console free of panic/Oops/BUG/WARNING"
	else
		not_ok "guest ran to the end; console free of panic/Oops/BUG/WARNING"
		sed 's/^/#   /' "$vm/boot.err"
	fi
	[ -f "$vm/results" ] && tap "$vm/results" "in-guest tests"
	# The tests that need two CPUs at once (# forkstats: mttcg), in a boot
	# of their own under multi-threaded TCG (docs/vm.md).
	par=$vm/parallel
	if tests/vm/boot.sh --mode parallel --timeout 400 "$s" "$vm/initramfs.cpio" "$par" 2>"$par.err"; then
		ok "parallel guest (multi-threaded TCG) ran to the end; console free of panic/Oops/BUG/WARNING"
	else
		not_ok "parallel guest (multi-threaded TCG) ran to the end; console free of panic/Oops/BUG/WARNING"
		sed 's/^/#   /' "$par.err"
	fi
	[ -f "$par/results" ] && tap "$par/results" "in-guest tests (parallel boot)"
	if [ "${fail[$G]}" != 0 ]; then
		echo "# $s: console logs $vm/console.log, $par/console.log; guest reports $vm/results, $par/results"
	fi
	echo "# $s: $((SECONDS - t0)) s"
}

# make demo, as a user runs it: the sweep in the 6.1 guest, plotted here.
demo_job() {
	local t0=$SECONDS
	group "make demo"
	demo=$top/build/demo
	if run "make demo runs to the end" "$logs/demo.log" scripts/demo.sh; then
		t=$(awk '/^METHOD +SIZE_MIB/ { on = 1; next } on && NF == 0 { exit } on { n++ } END { print n + 0 }' "$logs/demo.log")
		if [ "$t" = 32 ]; then ok "the demo prints the table: 8 methods x 4 sizes"; else not_ok "the demo prints the table: 8 methods x 4 sizes ($t rows)"; fi
		if grep -q "^demo: PNG  $demo/latency.png\$" "$logs/demo.log" && file "$demo/latency.png" "$demo/pgtables.png" | grep -c 'PNG image' | grep -qx 2; then
			ok "the demo prints the paths of its two PNG plots"
		else
			not_ok "the demo prints the paths of its two PNG plots"
		fi
		if grep -q "^demo: SVG  $demo/cow.svg\$" "$logs/demo.log" && file "$demo/cow.png" | grep -q 'PNG image' &&
			grep -q '<svg' "$demo/latency.svg" "$demo/pgtables.svg" "$demo/cow.svg"; then
			ok "the demo draws the COW plot too, and every plot as SVG beside its PNG"
		else
			not_ok "the demo draws the COW plot too, and every plot as SVG beside its PNG"
		fi
		if grep -q '^Conclusions (computed from this CSV' "$logs/demo.log"; then
			ok "the demo prints the sweep's conclusions"
		else
			not_ok "the demo prints the sweep's conclusions"
		fi
		if [ "$(awk -F, 'NR > 1 { print $1 }' "$demo/fork-vs-vfork.csv" | sort -u | wc -l)" = 8 ]; then
			ok "the plotted CSV has every method"
		else
			not_ok "the plotted CSV has every method"
		fi
	fi
	echo "# make demo: $((SECONDS - t0)) s"
}

# The kernels run as jobs, CHECK_JOBS (2) at a time: a check boot keeps one
# host CPU busy (single-threaded TCG), so on a 2-CPU machine two kernels take
# about the time of one.  Each job writes its report to a file of its own,
# replayed below in the matrix's order.  make demo boots the 6.1 guest and
# rebuilds the static tools (build/guest/bin), so it waits for the 6.1 job
# and for every other job's initramfs.
series_group() { echo "$1 ($(tests/vm/kernels.sh get "$1" release 2>/dev/null || echo 'not fetched'))"; }
jobdir=$logs/jobs
rm -rf "$jobdir" && mkdir -p "$jobdir"
slot() { while [ "$(jobs -pr | wc -l)" -ge "${CHECK_JOBS:-2}" ]; do wait -n; done; }
matrix=$(tests/vm/kernels.sh series)
matrix=${KERNELS:-$matrix}
# 6.1 first: the demo waits for it.
order=$(for s in $matrix; do echo "$s"; done | awk '$1 == "6.1" { print; next } { l = l $1 "\n" } END { printf "%s", l }')
declare -A jobpid
for s in $order; do
	slot
	{ kernel_job "$s"; touch "$jobdir/$s.initramfs"; } >"$jobdir/$s.out" 2>&1 &
	jobpid[$s]=$!
done
demo_wanted=0
if [ -z "${KERNELS:-}" ] || [[ " $KERNELS " == *" 6.1 "* ]]; then
	demo_wanted=1
	wait "${jobpid[6.1]}"
	for s in $matrix; do
		while [ ! -e "$jobdir/$s.initramfs" ] && kill -0 "${jobpid[$s]}" 2>/dev/null; do sleep 2; done
	done
	slot
	demo_job >"$jobdir/demo.out" 2>&1 &
fi
wait

# Replay a job's report into its group's tally.
replay() {	# group file
	local line
	group "$1"
	while IFS= read -r line; do
		case $line in
		"== "*) ;;
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$2"
}
for s in $matrix; do
	replay "$(series_group "$s")" "$jobdir/$s.out"
done
[ $demo_wanted = 1 ] && replay "make demo" "$jobdir/demo.out"

echo
echo "== summary ($(($(date +%s) - start)) s)"
tests/vm/kernels.sh manifest 2>/dev/null | sed 's/^/# /'
P=0 F=0
for g in "${groups[@]}"; do
	printf '%-32s %4d passed, %d failed\n' "$g" "${pass[$g]}" "${fail[$g]}"
	P=$((P + pass[$g])) F=$((F + fail[$g]))
done
echo "$P passed, $F failed"
[ "$F" = 0 ]
