# Cost and speedup against problem size n: one line per runner, each
# point the runner's best worker count and schedule at that n, with error
# bars from the 95% CI.  `parbench plot` calls it with
#   datafile   blocks of "n ns_per_item lo hi speedup lo hi", one per
#              series; each block's first line holds its title in quotes
#   nseries    parallel series (the seq block, when present, is the last)
#   nall       all blocks
#   chart      'cost' (time per item) or 'speedup'
#   logx, logy 1: logarithmic axis (the values span a decade or more)
#   xlo, xhi   the n axis, a margin beyond the smallest and largest size
#   peritem    1: column 2 is per item; 0: per repetition (kernel unknown)
#   nmarks     caches marked on the n axis, each as markxI (the n whose
#              memory fills it) and marknameI ("L2 2 MiB")
#   plottitle, outbase as in speedup.gp
set linetype 9 linecolor rgb "#8c564b"
set linetype 10 linecolor rgb "#e377c2"
set linetype 11 linecolor rgb "#bcbd22"
set linetype 12 linecolor rgb "#17becf"
set linetype cycle 12
set datafile separator whitespace
set datafile columnheaders
set key outside right top Left reverse box samplen 3 spacing 1.1 width 1
set grid xtics ytics mxtics mytics
set xlabel "problem size n"
set title plottitle noenhanced
set pointsize 1.1
set errorbars small
# A margin on both sides keeps the end points and their bars off the frame.
set xrange [xlo:xhi]
if (logx) {
	set logscale x
	set format x "%.0s%c"
} else {
	set format x "%.3s%c"
}
set offsets 0, 0, graph 0.05, graph 0.05
if (chart eq 'cost') {
	set ylabel (peritem ? "median time per item, ns" : "median time per repetition, ns") . \
		" (bars: 95% CI)"
	if (logy) {
		set logscale y
		set autoscale yfix
		set format y "%g"
	} else {
		set yrange [0:*]
	}
} else {
	set ylabel "speedup over seq (bars: 95% CI)"
	set yrange [0:*]
	# Across the whole axis, whatever the sizes.
	set arrow 10 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 \
		linecolor "gray40" back
}
# Caches as dotted verticals: where one core's cache is filled by the
# kernel's memory.  Shared by all workers, L3 fills at its size; the
# private ones hold W times as much with W workers.
do for [i=1:nmarks] {
	x = value(sprintf("markx%d", i))
	set arrow i from first x, graph 0 to first x, graph 1 nohead dashtype 3 \
		linecolor "gray30" back
	set label i value(sprintf("markname%d", i)) at first x, graph 0.97 \
		right rotate by 90 offset -0.6, 0 textcolor rgb "gray30" noenhanced front
}

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,640 font "DejaVu Sans,11"
	} else {
		set terminal svg size 1100,640 dynamic font "DejaVu Sans,11"
	}
	set output outbase.".".fmt
	if (chart eq 'cost') {
		plot for [i=0:nseries-1] datafile index i using 1:2:3:4 with yerrorlines \
		         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2), \
		     for [i=nseries:nall-1] datafile index i using 1:2:3:4 with yerrorlines \
		         linecolor "gray30" dashtype 2 linewidth 2 pointtype 5 \
		         title columnheader(2).' (baseline)'
	} else {
		plot NaN with lines dashtype 2 linecolor "gray40" title "seq (baseline): 1", \
		     for [i=0:nseries-1] datafile index i using 1:5:6:7 with yerrorlines \
		         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2)
	}
	unset output
}
