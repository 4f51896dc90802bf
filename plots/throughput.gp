# Latency-bound work: tasks per second against concurrency (workers x
# tasks each keeps in flight), one line per runner, beside the ideal,
# concurrency / latency, where every wait overlaps.  `parbench plot` calls
# it with
#   datafile   blocks of "concurrency tasks_per_s", one per runner; each
#              block's first line holds its title in quotes
#   nseries    number of blocks
#   xmax       largest concurrency
#   latency    each task's wait, microseconds
#   plottitle, outbase as in speedup.gp
set linetype 9 linecolor rgb "#8c564b"
set linetype 10 linecolor rgb "#e377c2"
set linetype cycle 10
set datafile separator whitespace
set datafile columnheaders
set key outside right top Left reverse box samplen 3 spacing 1.1 width 1
set grid xtics ytics mxtics mytics
set logscale xy
set format y "%.0s%c"
set xlabel "concurrency: workers x tasks in flight per worker"
set ylabel "tasks per second (median repetition)"
set title plottitle noenhanced
set xrange [0.8:(xmax > 1 ? xmax * 1.25 : 2)]
set offsets 0, 0, graph 0.05, graph 0.05
set pointsize 1.2
ideal(x) = x * 1e6 / latency
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,640 font "DejaVu Sans,11"
	} else {
		set terminal svg size 1100,640 dynamic font "DejaVu Sans,11"
	}
	set output outbase.".".fmt
	plot ideal(x) with lines dashtype 2 linecolor "gray40" title "ideal: concurrency / latency", \
	     for [i=0:nseries-1] datafile index i using 1:2 with linespoints linecolor i+1 \
	         linewidth 2 pointtype 7 title columnheader(2)
	unset output
}
