# Speedup over the sequential baseline against workers: one line per runner
# and schedule, and the ideal (linear) line.  `parbench plot` calls it with
#   datafile   blocks of "workers speedup", one per series; each block's
#              first line holds the series title in quotes
#   nseries    number of blocks
#   xmax       largest worker count
#   plottitle  title line
#   outbase    output path without extension (.png and .svg are written)
set datafile separator whitespace
set key top left box opaque samplen 2
set grid xtics ytics
set xlabel "workers"
set ylabel "speedup over seq (ratio of median times)"
set title plottitle noenhanced
set xrange [1:(xmax > 1 ? xmax : 2)]
set offsets graph 0.03, graph 0.03, 0, 0
set yrange [0:*]
if (xmax <= 16) { set xtics 1 }
set style data linespoints
set pointsize 1.2
set samples 200

ideal(x) = x
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 960,640 font "DejaVu Sans,11"
	} else {
		set terminal svg size 960,640 dynamic font "DejaVu Sans,11"
	}
	set output outbase.".".fmt
	plot ideal(x) with lines dashtype 2 linecolor "gray40" title "ideal", \
	     for [i=0:nseries-1] datafile index i using 1:2 linewidth 2 \
	         title columnheader(2)
	unset output
}
