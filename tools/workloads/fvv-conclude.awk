# SPDX-License-Identifier: GPL-2.0
#
# fvv-conclude.awk: the conclusions of a fork-vs-vfork CSV, each beside the
# published figure (docs/results.md, "Compared with published anchors").
# POSIX awk (busybox's too):  awk -F, -f fvv-conclude.awk fork-vs-vfork.csv
#
#   fork's cost per GiB      least-squares slope of fork's median latency
#                            against parent size, over the sizes > 0
#   page tables per GiB      the same slope of fork's page-table bytes per call
#                            (sizes > 0: size 0 has no region, so no PMD page
#                            of its own; docs/workloads.md gives the rule)
#   ratio at 100 MiB         fork-exec : vfork-exec : posix_spawn medians, at
#                            100 MiB or the measured size nearest to it (said)
#   flatness                 for vfork and posix_spawn: the change over the
#                            sizes of the least-squares line of the medians,
#                            against their mean ("flat" within +-50 %: one
#                            noisy point does not make a trend)
# A figure whose data is missing prints "not measured (why)".

function fit(m, col,    i, n, sx, sy, sxx, sxy, x, y, d) {
	n = 0
	for (i = 1; i <= nsizes; i++) {
		x = sizes[i]
		if (x == 0 || !((m, x) in have) || val[m, x, col] == "")
			continue
		y = val[m, x, col]
		n++; sx += x; sy += y; sxx += x * x; sxy += x * y
	}
	fitn = n
	if (n < 2)
		return ""
	d = n * sxx - sx * sx
	if (d == 0)
		return ""
	return (n * sxy - sx * sy) / d		# per MiB
}

function span(m, nonzero,    i, x, lo, hi) {
	lo = ""; hi = ""
	for (i = 1; i <= nsizes; i++) {
		x = sizes[i]
		if (!((m, x) in have) || (nonzero && x == 0))
			continue
		if (lo == "" || x < lo) lo = x
		if (hi == "" || x > hi) hi = x
	}
	return lo == "" ? "" : lo "–" hi " MiB"
}

function ms(ns) { return sprintf(ns >= 100000 ? "%.2f" : "%.3f", ns / 1e6) }

function line(what, measured, published) {
	printf "  %-38s %s\n  %-38s published: %s\n", what, measured, "", published
}

BEGIN {
	FS = ","
	P_SLOPE = "linear, 4–13 ms per GiB on bare metal, VMs slower"
	P_PT = "2.0–2.1 MiB per GiB (512 PTE pages of 4 KiB per GiB, and upper levels)"
	P_RATIO = "9.4 : 1 : 1.3 at 100 MiB dirtied of 200 MiB (famzah 2018: 1.41 / 0.15 / 0.19 ms)"
	P_FLAT = "flat, about 0.1–0.5 ms whatever the parent's size"
}
NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	if (!("method" in col) || !("size_mib" in col) || !("latency_median_ns" in col)) {
		print "fvv-conclude: not a fork-vs-vfork CSV (no method, size_mib, latency_median_ns columns)" > "/dev/stderr"
		bad = 1
		exit 1
	}
	next
}
{
	m = $(col["method"]); s = $(col["size_mib"]) + 0
	have[m, s] = 1
	val[m, s, "lat"] = $(col["latency_median_ns"])
	val[m, s, "pt"] = ("pgtable_bytes_per_call" in col) ? $(col["pgtable_bytes_per_call"]) : ""
	if (!(s in seen)) { seen[s] = 1; sizes[++nsizes] = s }
	if (!(m in mseen)) { mseen[m] = 1; mlist[++nm] = m }
}
END {
	if (bad)
		exit 1
	# Sizes in ascending order (insertion sort: a handful).
	for (i = 2; i <= nsizes; i++)
		for (j = i; j > 1 && sizes[j - 1] > sizes[j]; j--) { t = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = t }
	print "Conclusions (computed from this CSV; published figures: docs/results.md, \"Compared with published anchors\")"

	k = fit("fork", "lat")
	if (k == "")
		line("fork's cost per GiB of parent", "not measured (fork needs two sizes > 0)", P_SLOPE)
	else
		line("fork's cost per GiB of parent", sprintf("%.2f ms per GiB (slope of the median over %d sizes > 0, %s)", k * 1024 / 1e6, fitn, span("fork", 1)),
		     P_SLOPE)

	k = fit("fork", "pt")
	if (k == "")
		line("page tables per GiB of parent", "not measured (no counters, or fork at fewer than two sizes > 0)", P_PT)
	else
		line("page tables per GiB of parent", sprintf("%.2f MiB per GiB (slope of fork's page tables per call over %d sizes > 0)", k * 1024 / 1048576, fitn),
		     P_PT)

	# The size nearest to 100 MiB at which all three were measured.
	best = ""
	for (i = 1; i <= nsizes; i++) {
		x = sizes[i]
		if (!(("fork-exec", x) in have) || !(("vfork-exec", x) in have) || !(("posix_spawn", x) in have))
			continue
		d = x > 100 ? x - 100 : 100 - x
		if (best == "" || d < bestd) { best = x; bestd = d }
	}
	if (best == "" || val["vfork-exec", best, "lat"] + 0 == 0)
		line("fork+exec : vfork+exec : posix_spawn", "not measured (needs fork-exec, vfork-exec and posix_spawn at one size)", P_RATIO)
	else {
		v = val["vfork-exec", best, "lat"]
		line("fork+exec : vfork+exec : posix_spawn",
		     sprintf("%.1f : 1 : %.1f at %s MiB%s (%s / %s / %s ms)", val["fork-exec", best, "lat"] / v,
			     val["posix_spawn", best, "lat"] / v, best, best == 100 ? "" : " (the measured size nearest to 100 MiB)",
			     ms(val["fork-exec", best, "lat"]), ms(v), ms(val["posix_spawn", best, "lat"])),
		     P_RATIO)
	}

	for (q = 1; q <= 2; q++) {
		m = q == 1 ? "vfork" : "posix_spawn"
		lo = ""; hi = ""; n = 0; sx = 0; sy = 0; sxx = 0; sxy = 0; xlo = ""; xhi = ""
		for (i = 1; i <= nsizes; i++) {
			x = sizes[i]
			if (!((m, x) in have))
				continue
			y = val[m, x, "lat"] + 0
			n++; sx += x; sy += y; sxx += x * x; sxy += x * y
			if (xlo == "" || x < xlo) xlo = x
			if (xhi == "" || x > xhi) xhi = x
			if (lo == "" || y < lo) lo = y
			if (hi == "" || y > hi) hi = y
		}
		d = n * sxx - sx * sx
		if (n < 2 || d == 0 || sy == 0)
			line(m " flat in parent size?", "not measured (needs two sizes)", P_FLAT)
		else {
			# The fitted line's change over the sizes, against the mean.
			k = (n * sxy - sx * sy) / d
			c = 100 * k * (xhi - xlo) / (sy / n)
			line(m " flat in parent size?",
			     sprintf("%s: the fitted line changes %+.0f %% over %s (medians %s to %s ms)",
				     c < 50 && c > -50 ? "flat" : "NOT flat", c, span(m, 0), ms(lo), ms(hi)),
			     P_FLAT)
		}
	}
}
