# SPDX-License-Identifier: GPL-2.0
#
# A kernel log (dmesg, or a guest's console), less the reports of a known
# race of the kernel's own that a test may meet and must not fail for; every
# other line is printed as it is, for the caller to search for WARNING, BUG,
# Oops...  Run by the guests (busybox awk: tests/guest/helpers.sh) and by the
# host (tests/vm/boot.sh) alike.
#
# The race (docs/reliability.md, "A race of the kernel's"): an open of one of
# the module's debugfs files between delete_module() dropping the module's
# last reference and marking it GOING (kernel/module/main.c,
# try_stop_module()) WARNs "debugfs file owner did not clean up at exit" in
# full_proxy_open() or open_proxy_open() (fs/debugfs/file.c: 5.10 and 6.1
# lines 197 and 334, 6.12 lines 281 and 418) and fails the open with ENXIO.
# Only a whole report ("cut here" to "end trace") whose message names one of
# forkstats' debugfs files and whose WARNING line is in those functions of
# fs/debugfs/file.c is left out; the number left out goes to the file named
# by -v races=FILE (if given) as "debugfs-owner-race N".
function flush(   i) {
	for (i = 1; i <= n; i++)
		print buf[i]
	n = 0
}
/------------\[ cut here \]------------/ {
	flush()
	inside = 1; msg = 0; warn = 0
	buf[++n] = $0
	next
}
inside {
	buf[++n] = $0
	if ($0 ~ /debugfs file owner did not clean up at exit: (calls|events|hist|probes|control)$/)
		msg = 1
	if ($0 ~ /WARNING: CPU: [0-9]+ PID: [0-9]+ at fs\/debugfs\/file\.c:[0-9]+ (full_proxy_open|open_proxy_open)\+/)
		warn = 1
	if ($0 ~ /---\[ end trace [0-9a-f]+ \]---/) {
		if (msg && warn) {
			known++
			n = 0
		} else {
			flush()
		}
		inside = 0
	}
	next
}
{ print }
END {
	flush()
	if (races != "")
		print "debugfs-owner-race " known + 0 > races
}
