# SPDX-License-Identifier: GPL-2.0
#
# fvv-plot.awk: a fork-vs-vfork CSV into a gnuplot script (stdout) and its
# data (DAT, one block per method), for fork-vs-vfork --plot.
#
#   awk -F, -v dir=DIR -v dat=DIR/plot.dat -f fvv-plot.awk CSV | gnuplot
#
# Plots, each as DIR/NAME.png and DIR/NAME.svg:
#   latency   median latency against parent size, log-log; size 0 drawn a
#             quarter of the smallest other size left of it, labelled "0"
#   pgtables  page tables per call against parent size, linear axes (linear
#             growth looks linear), only when the CSV has counters
#   cow       COW faults per call by side (parent, child) against size, for
#             the methods with any, only when the CSV has counters
# Every method keeps its colour and marker in every plot.  The axes are set
# from the data: the log floor a factor 1.6 under the smallest value (never a
# decade), linear ones a margin around 0..max; after each plot gnuplot prints
# its axis and data ranges to DIR/plots.ranges:
#   NAME log|lin X_MIN X_MAX Y_MIN Y_MAX DATA_X_MIN DATA_X_MAX DATA_Y_MIN DATA_Y_MAX
# (tests/sweep.sh checks every data range lies inside its axes).

function style(m) {
	if (m == "fork") return "lc rgb '#D55E00' pt 7"
	if (m == "fork-exec") return "lc rgb '#E69F00' pt 5"
	if (m == "vfork") return "lc rgb '#0072B2' pt 9"
	if (m == "vfork-exec") return "lc rgb '#56B4E9' pt 11"
	if (m == "posix_spawn") return "lc rgb '#009E73' pt 13"
	if (m == "clone-vfork") return "lc rgb '#CC79A7' pt 6"
	if (m == "clone-vm") return "lc rgb '#000000' pt 4"
	if (m == "pthread") return "lc rgb '#7F7F7F' pt 8"
	return "lc " (++other + 8) " pt " (other + 1)
}

# Earlier methods' markers larger: a method drawn over an equal one (fork-exec
# over fork) leaves a ring of the one below visible.
function psize(i) { return i > 8 ? 1.2 : 2.2 - 0.12 * (i - 1) }

# plot_methods(cols): the plot command, a line per method, columns cols of its block.
function plot_methods(cols,    i) {
	printf "plot "
	for (i = 1; i <= nm; i++)
		printf "%s'%s' index %d using %s with linespoints lw 2 ps %.2f %s title '%s'", (i > 1 ? ", \\\n     " : ""),
		       dat, i - 1, cols, psize(i), style(order[i]), order[i]
	print ""
}

function out(name) {
	return sprintf("set output '%s/%s.png'\nset terminal png size 1000,650 noenhanced\n", dir, name)
}

# After plot NAME: its ranges into plots.ranges, then the same plot as SVG.
function after(name, kind) {
	printf "print sprintf('%s %s %%g %%g %%g %%g %%g %%g %%g %%g', GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, GPVAL_DATA_X_MIN, GPVAL_DATA_X_MAX, GPVAL_DATA_Y_MIN, GPVAL_DATA_Y_MAX)\n", name, kind
	printf "set terminal svg size 1000,650 noenhanced dynamic background rgb 'white'\nset output '%s/%s.svg'\nreplot\nunset output\n", dir, name
}

BEGIN { FS = "," }
NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	next
}
{
	m = $(col["method"]); s = $(col["size_mib"]) + 0
	if (!(m in mseen)) { mseen[m] = 1; order[++nm] = m }
	n[m]++
	size[m, n[m]] = s
	lat[m, n[m]] = $(col["latency_median_ns"]) / 1000
	pt[m, n[m]] = $(col["pgtable_bytes_per_call"])
	cp[m, n[m]] = $(col["cow_parent_per_call"])
	cc[m, n[m]] = $(col["cow_child_per_call"])
	if (s > 0 && (minpos == "" || s < minpos)) minpos = s
	if (s > maxs) maxs = s
	if (lat[m, n[m]] > 0 && (minlat == "" || lat[m, n[m]] < minlat)) minlat = lat[m, n[m]]
	if (lat[m, n[m]] > maxlat) maxlat = lat[m, n[m]]
	if (pt[m, n[m]] != "") { counters = 1; if (pt[m, n[m]] / 1024 > maxpt) maxpt = pt[m, n[m]] / 1024 }
	if (cp[m, n[m]] != "" && cp[m, n[m]] + 0 > 0) { cow[m] = 1; if (cp[m, n[m]] > maxcow) maxcow = cp[m, n[m]] + 0 }
	if (cc[m, n[m]] != "" && cc[m, n[m]] + 0 > 0) { cow[m] = 1; if (cc[m, n[m]] > maxcow) maxcow = cc[m, n[m]] + 0 }
}
END {
	if (!nm) {
		print "fvv-plot: no rows in the CSV" > "/dev/stderr"
		exit 1
	}
	zero = minpos == "" ? 1 : minpos / 4
	if (maxs == 0) maxs = zero
	for (i = 1; i <= nm; i++) {
		m = order[i]
		printf "%s# %s\n", (i > 1 ? "\n\n" : ""), m > dat
		for (j = 1; j <= n[m]; j++)
			printf "%s %s %s %s %s %s\n", size[m, j] ? size[m, j] : zero, size[m, j], lat[m, j],
			       pt[m, j] == "" ? "NaN" : pt[m, j] / 1024, cp[m, j] == "" ? "NaN" : cp[m, j],
			       cc[m, j] == "" ? "NaN" : cc[m, j] > dat
	}
	close(dat)

	print "set datafile missing 'NaN'"
	print "set grid"
	print "set key left top box opaque"
	printf "set print '%s/plots.ranges'\n", dir
	xlog = sprintf("set logscale x\nset xrange [%g:%g]\nset xlabel 'parent memory (MiB, every page written; 0 drawn at %g)'\nset xtics add ('0' %g)\n",
		       zero / 1.6, maxs * 1.6, zero, zero)

	# Latency, log-log.
	printf "%s", out("latency")
	printf "%s", xlog
	printf "set logscale y\nset yrange [%g:%g]\n", minlat / 1.6, maxlat * 1.6
	print "set title 'Creation latency in the parent (median), by method'"
	print "set ylabel 'latency (us, log scale)'"
	plot_methods("1:3")
	after("latency", "log")
	if (!counters)
		exit 0

	# Page tables, linear axes.
	printf "%s", out("pgtables")
	print "unset logscale xy"
	print "set xtics autofreq"
	ymax = maxpt > 0 ? maxpt : 1
	printf "set xrange [%g:%g]\nset yrange [%g:%g]\n", -0.03 * maxs, maxs * 1.05, -0.05 * ymax, ymax * 1.1
	print "set xlabel 'parent memory (MiB, every page written)'"
	print "set title 'Page tables copied into the child per call (forkstats)'"
	print "set ylabel 'page tables (KiB per call)'"
	plot_methods("2:4")
	after("pgtables", "lin")

	# COW faults by side: the methods with any.
	printf "%s", out("cow")
	printf "%s", xlog
	ymax = maxcow > 0 ? maxcow : 1
	printf "unset logscale y\nset yrange [%g:%g]\n", -0.05 * ymax, ymax * 1.25
	none = ""
	for (i = 1; i <= nm; i++)
		if (!(order[i] in cow))
			none = none (none == "" ? "" : ", ") order[i]
	printf "set title \"COW faults per call after the fork, by side (forkstats)%s\"\n", none == "" ? "" : "\\n0 for " none
	print "set ylabel 'COW faults per call'"
	printf "plot "
	k = 0
	for (i = 1; i <= nm; i++) {
		m = order[i]
		if (!(m in cow))
			continue
		st = style(m)
		sub(/ pt [0-9]+$/, "", st)
		printf "%s'%s' index %d using 1:5 with linespoints lw 2 ps 1.5 %s pt 9 title '%s: parent', \\\n     '%s' index %d using 1:6 with linespoints lw 1 ps 1.5 %s pt 10 title '%s: child'",
		       k++ ? ", \\\n     " : "", dat, i - 1, st, m, dat, i - 1, st, m
	}
	if (!k)
		printf "0 with lines lc rgb '#7F7F7F' title 'no COW faults in any method'"
	print ""
	after("cow", "lin")
}
