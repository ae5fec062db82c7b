#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel matrix: fetch Debian amd64 kernel images and their headers with
# apt, through a private sources list and state directory, into a cache that
# is ignored by git, and extract them there.  The machine's own apt
# configuration is read (to learn which Debian mirrors it uses) but never
# changed.
#
#   kernels.sh fetch [--refresh] [SERIES...]   fill the cache (offline when it is full)
#   kernels.sh manifest                        print the versions in use
#   kernels.sh series                          list the series of the matrix
#   kernels.sh get SERIES FIELD                print release|image|kdir|version
#   kernels.sh make SERIES [MAKE-ARGS...]      run kbuild against the series' headers
#   kernels.sh run SERIES COMMAND [ARGS...]    run COMMAND (dkms...) with the libraries
#                                              that the series' kbuild tools need (in its
#                                              build root, for a series that has one)
#   kernels.sh root SUITE                      make (once; again when stale) the build
#                                              root of SUITE and print its path
#
# Environment:
#   FORKSTATS_CACHE            cache directory (default: <repo>/.cache)
#   FORKSTATS_DEBIAN_MIRROR    Debian archive URI (default: from the machine's apt sources)
#   FORKSTATS_SECURITY_MIRROR  Debian security URI (default: likewise)
#   FORKSTATS_ROOT_DAYS        age in days after which a build root is made again (30)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
conf=$here/kernels.conf
cache=${FORKSTATS_CACHE:-$top/.cache}
kcache=$cache/kernels
manifest=$kcache/manifest
aptdir=$cache/apt

die() { echo "kernels.sh: $*" >&2; exit 1; }
log() { echo "kernels.sh: $*" >&2; }

series_list() { awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$conf"; }
series_field() {	# series column
	awk -v s="$1" -v c="$2" '!/^[[:space:]]*(#|$)/ && $1 == s { print $c }' "$conf"
}

# Find the Debian archive and security URIs this machine's apt uses, from both
# the one-line and the deb822 formats.  Prints "main security".
system_mirrors() {
	local codenames='^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldstable|stable|testing|unstable)'
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				print $i, $(i + 1) }' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk 'BEGIN { RS = ""; FS = "\n" } {
				uris = ""; suites = ""; types = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
					if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
					if ($i ~ /^Types:/) types = $i
				}
				if (types !~ /deb( |$)/) next
				n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
				for (a = 1; a <= n; a++) for (b = 1; b <= m; b++) print u[a], s[b]
			}' "$f"
		done
	} | awk -v cn="$codenames" '
		$2 ~ cn "-security$" && !sec { sec = $1 }
		$2 ~ cn "$" && !main { main = $1 }
		END { print main, sec }'
}

apt_opts() {
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$aptdir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State=$aptdir/state" \
		-o "Dir::State::status=$aptdir/state/status" \
		-o "Dir::Cache=$aptdir/cache" \
		-o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts=/dev/null \
		-o Dir::Etc::Trusted=/dev/null \
		-o Dir::Etc::TrustedParts=/dev/null \
		-o APT::Architecture=amd64 \
		-o APT::Architectures=amd64 \
		-o APT::Sandbox::User=root \
		-o Debug::NoLocking=1
}

private_apt_setup() {
	local main sec keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	read -r main sec < <(system_mirrors) || true
	main=${FORKSTATS_DEBIAN_MIRROR:-$main}
	sec=${FORKSTATS_SECURITY_MIRROR:-$sec}
	[ -n "$main" ] || die "no Debian archive found in the apt sources; set FORKSTATS_DEBIAN_MIRROR"
	[ -n "$sec" ] || die "no Debian security archive found in the apt sources; set FORKSTATS_SECURITY_MIRROR"
	[ -r "$keyring" ] || die "$keyring missing: install debian-archive-keyring"
	mkdir -p "$aptdir/state/lists/partial" "$aptdir/cache/archives/partial"
	: > "$aptdir/state/status"
	local s suite uri
	for s in $(series_list); do
		for suite in $(series_field "$s" 2 | tr , ' '); do
			case $suite in *-security) uri=$sec ;; *) uri=$main ;; esac
			echo "deb [arch=amd64 signed-by=$keyring] $uri $suite main"
		done
	done | sort -u > "$aptdir/sources.list"
	log "updating the private package lists ($aptdir)"
	# shellcheck disable=SC2046
	apt-get $(apt_opts) -q update >"$aptdir/update.log" 2>&1 ||
		{ cat "$aptdir/update.log" >&2; die "apt-get update failed (see above)"; }
}

pkg_version() {	# package -> candidate version
	# shellcheck disable=SC2046
	apt-cache $(apt_opts) show --no-all-versions "$1" 2>/dev/null |
		awk '/^Version:/ { print $2; exit }'
}

pkg_depends() {	# package -> dependency names, one per line (first of each alternative)
	# shellcheck disable=SC2046
	apt-cache $(apt_opts) show --no-all-versions "$1" 2>/dev/null |
		awk '/^Depends:/ { sub(/^Depends:[ \t]*/, ""); n = split($0, d, /,[ \t]*/)
			for (i = 1; i <= n; i++) { split(d[i], a, /[ \t|(]+/); print a[1] } exit }'
}

# The highest package matching the series' regex that one of its suites
# offers (apt-cache madison names the suite of every version it knows).
resolve_series() {	# series -> package
	local s=$1 regex suites pkg
	regex=$(series_field "$s" 3)
	suites=$(series_field "$s" 2 | tr , '|')
	# shellcheck disable=SC2046
	for pkg in $(apt-cache $(apt_opts) pkgnames linux- | grep -E "$regex" | sort -rV); do
		# shellcheck disable=SC2046
		if apt-cache $(apt_opts) madison "$pkg" |
			awk -F'|' -v re="^ *[^ ]+ ($suites)/" '$3 ~ re { f = 1 } END { exit !f }'; then
			echo "$pkg"
			return
		fi
	done
}

# Resolve, download and extract one series.
fetch_series() {
	local s=$1 pkg image release headers pkgs dep dep2 dir deb ver vmlinuz
	pkg=$(resolve_series "$s")
	[ -n "$pkg" ] || die "no package of $(series_field "$s" 2) matches $(series_field "$s" 3) for series $s"
	release=${pkg#linux-image-}
	release=${release#linux-headers-}
	image=linux-image-$release
	headers=linux-headers-$release
	ver=$(pkg_version "$image")
	[ -n "$ver" ] || die "$s: $pkg has no $image"
	pkgs="$image $headers"
	for dep in $(pkg_depends "$image"); do
		case $dep in linux-binary-*) pkgs="$pkgs $dep" ;; esac
	done
	for dep in $(pkg_depends "$headers"); do
		case $dep in
		linux-headers-*-common* | linux-kbuild-*)
			pkgs="$pkgs $dep"
			for dep2 in $(pkg_depends "$dep"); do
				case $dep2 in libssl[0-9]*) pkgs="$pkgs $dep2" ;; esac
			done ;;
		esac
	done
	dir=$kcache/$s
	rm -rf "$dir.new"
	mkdir -p "$dir.new/debs" "$dir.new/root"
	log "$s: $release ($ver): downloading $pkgs"
	# shellcheck disable=SC2046,SC2086
	(cd "$dir.new/debs" && apt-get $(apt_opts) -q download $pkgs >../download.log 2>&1) ||
		{ cat "$dir.new/download.log" >&2; die "$s: download failed"; }
	for deb in "$dir.new"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir.new/root"
	done
	# The headers' Makefile includes the -common tree by absolute path (and,
	# 7.x, names itself in KBUILD_OUTPUT); point them at the private copy.
	sed -i -e "s#^include /usr/src/#include $dir/root/usr/src/#" \
		-e "s#^KBUILD_OUTPUT=/usr/src/#KBUILD_OUTPUT=$dir/root/usr/src/#" \
		"$dir.new/root/usr/src/$headers/Makefile"
	# vmlinuz: in /boot up to 6.x, in /usr/lib/modules/<release>/ (linux-binary) in 7.x.
	for vmlinuz in boot/vmlinuz-$release usr/lib/modules/$release/vmlinuz ""; do
		[ -z "$vmlinuz" ] || [ ! -f "$dir.new/root/$vmlinuz" ] || break
	done
	[ -n "$vmlinuz" ] || die "$s: no vmlinuz in $pkgs"
	{
		echo "series=$s"
		echo "release=$release"
		echo "vmlinuz=$vmlinuz"
		echo "version=$ver"
		echo "image=$image"
		echo "packages=\"$(cd "$dir.new/debs" && echo *.deb)\""
	} > "$dir.new/info"
	rm -rf "$dir.new/debs" "$dir"
	mv "$dir.new" "$dir"
	# The sed above names the final path; nothing else refers to $dir.new.
}

# key=value info of a series, from its extracted tree.
info() {
	local f=$kcache/$1/info
	[ -f "$f" ] || die "series $1 is not in the cache: run 'tests/vm/kernels.sh fetch $1'"
	sed -n "s/^$2=//p" "$f" | tr -d '"'
}

write_manifest() {
	local s
	{
		printf '%-6s %-22s %-22s %s\n' series release version image
		for s in $(series_list); do
			[ -f "$kcache/$s/info" ] || continue
			printf '%-6s %-22s %-22s %s\n' "$s" "$(info "$s" release)" \
				"$(info "$s" version)" "$(info "$s" image)"
		done
	} > "$manifest"
}

cmd_fetch() {
	local refresh=0 want=() s missing=()
	while [ $# -gt 0 ]; do
		case $1 in
		--refresh) refresh=1 ;;
		-*) die "fetch: unknown option $1" ;;
		*) want+=("$1") ;;
		esac
		shift
	done
	[ ${#want[@]} -gt 0 ] || mapfile -t want < <(series_list)
	for s in "${want[@]}"; do
		[ -n "$(series_field "$s" 3)" ] || die "unknown series '$s' (see $conf)"
		if [ $refresh = 1 ] || [ ! -f "$kcache/$s/info" ]; then
			missing+=("$s")
		fi
	done
	if [ ${#missing[@]} -gt 0 ]; then
		private_apt_setup
		for s in "${missing[@]}"; do
			fetch_series "$s"
		done
	fi
	write_manifest
}

cmd_get() {
	local s=$1 what=$2 release v
	release=$(info "$s" release)
	case $what in
	release) echo "$release" ;;
	version) info "$s" version ;;
	image) v=$(info "$s" vmlinuz); echo "$kcache/$s/root/${v:-boot/vmlinuz-$release}" ;;
	kdir) echo "$kcache/$s/root/usr/src/linux-headers-$release" ;;
	*) die "get: unknown field $what" ;;
	esac
}

# The build roots: a minimal Debian SUITE made by mmdebstrap (variant
# buildd: gcc, make, libc6-dev; with what kbuild and DKMS run) in
# $cache/roots/SUITE, without touching this machine's apt configuration.
# Made once and reused; made again when its stamp (SUITE.stamp: what it was
# made of, and when) is missing, names another package list or mirror, or is
# older than FORKSTATS_ROOT_DAYS (30) days.
rootdir=$cache/roots
root_include=kmod,dkms,dwarves,libelf1t64,libssl3t64,bc
ensure_root() {	# suite -> path
	local suite=$1 dir=$rootdir/$1 stamp=$rootdir/$1.stamp want main sec fd
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	read -r main sec < <(system_mirrors) || true
	main=${FORKSTATS_DEBIAN_MIRROR:-$main}
	[ -n "$main" ] || die "no Debian archive found in the apt sources; set FORKSTATS_DEBIAN_MIRROR"
	want="$suite $main variant=buildd include=$root_include"
	mkdir -p "$rootdir"
	exec {fd}>"$rootdir/.lock"
	flock "$fd"
	if [ -d "$dir" ] && [ "$(sed -n 1p "$stamp" 2>/dev/null)" = "$want" ] &&
		[ -z "$(find "$stamp" -mtime +"${FORKSTATS_ROOT_DAYS:-30}")" ]; then
		exec {fd}>&-
		echo "$dir"
		return
	fi
	command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install mmdebstrap"
	log "making the $suite build root $dir (mmdebstrap, log: $dir.log)"
	rm -rf "$dir.new"
	mmdebstrap --variant=buildd --include="$root_include" --components=main "$suite" "$dir.new" \
		"deb [signed-by=$keyring] $main $suite main" >"$dir.log" 2>&1 ||
		{ tail -n 20 "$dir.log" >&2; rm -rf "$dir.new"; die "mmdebstrap $suite failed"; }
	rm -rf "$dir" && mv "$dir.new" "$dir"
	printf '%s\nmade %s\n' "$want" "$(date -u '+%F %T')" >"$stamp"
	exec {fd}>&-
	echo "$dir"
}

# Run COMMAND in a build root: a private mount namespace with this tree and
# the cache bound at their own paths (the headers' Makefile and the module's
# copies are named by absolute path), /dev and /proc.
in_root() {	# root command...
	local r=$1
	shift
	# shellcheck disable=SC2016	# expanded by the inner bash
	unshare --mount --propagation private -- bash -c '
		r=$1
		for d in /dev "$2" "$3"; do
			mkdir -p "$r$d" && mount --rbind "$d" "$r$d" || exit 1
		done
		mount -t proc proc "$r/proc" || exit 1
		shift 3
		exec chroot "$r" env -u LD_LIBRARY_PATH PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' in_root "$r" "$top" "$cache" "$@"
}

# Run kbuild against a series' headers: with the system gcc (the 5.10 headers
# ask for gcc-10, which bookworm lacks) and the series' own libssl for kbuild
# tools such as sign-file (the 5.10 ones link libssl1.1); or, for a series
# with a build root, in it, with its gcc.
cmd_make() {
	local s=$1 kdir
	shift
	kdir=$(cmd_get "$s" kdir)
	cmd_run "$s" make -C "$kdir" CC=gcc HOSTCC=gcc "$@"
}

# Run a command that runs kbuild itself (make dkms-install, dkms) with the
# series' own libssl, as cmd_make does, or in its build root; make variables
# such as CC=gcc are the command's business (make dkms-install takes them in
# DKMS_MAKEFLAGS).
cmd_run() {
	local s=$1 suite r
	shift
	cmd_get "$s" kdir >/dev/null
	suite=$(series_field "$s" 4)
	if [ -n "$suite" ]; then
		r=$(ensure_root "$suite") || exit 1
		in_root "$r" "$@"
	else
		LD_LIBRARY_PATH=$kcache/$s/root/usr/lib/x86_64-linux-gnu "$@"
	fi
}

case ${1:-} in
fetch) shift; cmd_fetch "$@" ;;
manifest) [ -f "$manifest" ] || die "no manifest: run 'tests/vm/kernels.sh fetch'"; cat "$manifest" ;;
series) series_list ;;
get) [ $# -eq 3 ] || die "usage: kernels.sh get SERIES release|image|kdir|version"; cmd_get "$2" "$3" ;;
make) [ $# -ge 2 ] || die "usage: kernels.sh make SERIES [MAKE-ARGS...]"; shift; cmd_make "$@" ;;
run) [ $# -ge 3 ] || die "usage: kernels.sh run SERIES COMMAND [ARGS...]"; shift; cmd_run "$@" ;;
root) [ $# -eq 2 ] || die "usage: kernels.sh root SUITE"; ensure_root "$2" ;;
*) sed -n '4,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
