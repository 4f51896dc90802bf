# Weak-scaling efficiency against workers: T(1 worker, base n) over
# T(p workers, n grown so the work is p times the base work), one line per
# runner and schedule; 1 is perfect weak scaling.  `parbench plot` calls it
# with
#   datafile   blocks of "workers efficiency", one per series; each block's
#              first line holds the series title in quotes
#   nseries    number of blocks
#   xmax       largest worker count
#   plottitle  title line
#   outbase    output path without extension (.png and .svg are written)
# Twelve distinct colours: runner x schedule series outnumber gnuplot's eight.
set linetype 9 linecolor rgb "#8c564b"
set linetype 10 linecolor rgb "#e377c2"
set linetype 11 linecolor rgb "#bcbd22"
set linetype 12 linecolor rgb "#17becf"
set linetype cycle 12
set datafile separator whitespace
set key bottom left box opaque samplen 2
set grid xtics ytics
set xlabel "workers (problem size grows with them)"
set ylabel "weak-scaling efficiency T(1, n) / T(p, p-fold work)"
set title plottitle noenhanced
set xrange [1:(xmax > 1 ? xmax : 2)]
set offsets graph 0.03, graph 0.03, graph 0.08, 0
set yrange [0:*]
if (xmax <= 16) { set xtics 1 }
set style data linespoints
set pointsize 1.2

perfect(x) = 1
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 960,640 font "DejaVu Sans,11"
	} else {
		set terminal svg size 960,640 dynamic font "DejaVu Sans,11"
	}
	set output outbase.".".fmt
	plot perfect(x) with lines dashtype 2 linecolor "gray40" title "perfect", \
	     for [i=0:nseries-1] datafile index i using 1:2 linewidth 2 \
	         title columnheader(2)
	unset output
}
