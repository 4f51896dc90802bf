# Memory bandwidth of a memory-bound kernel against workers: one line per
# runner and schedule, and dashed in the same colour the STREAM-like
# reference (best of copy, triad, dot) that runner reached with as many
# workers in the same run.  Variables as in speedup.gp and time.gp:
#   datafile nseries nall xmax ovx haveref plottitle outbase, and
#   ref0..     1 where series i draws its runner's reference (the first
#              series of each runner: schedules share the reference)
# Twelve distinct colours: runner x schedule series outnumber gnuplot's eight.
set linetype 9 linecolor rgb "#8c564b"
set linetype 10 linecolor rgb "#e377c2"
set linetype 11 linecolor rgb "#bcbd22"
set linetype 12 linecolor rgb "#17becf"
set linetype cycle 12
set datafile separator whitespace
set datafile columnheaders
# Outside the plot: it never hides a point, whatever the data.
set key outside right top Left reverse box samplen 3 spacing 1.1 width 1
set grid xtics ytics
set xlabel "workers"
set ylabel "memory bandwidth, GB/s (10^9 bytes/s)" noenhanced
set title plottitle noenhanced
# A margin on both sides keeps the end points and their bars off the frame.
xpad = 0.04 * (xmax > 2 ? xmax - 1 : 1)
set xrange [1 - xpad:(xmax > 1 ? xmax : 2) + xpad]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
set yrange [0:*]
if (xmax <= 16) { set xtics 1 }
set pointsize 1.2

if (ovx > 0) {
	set object 1 rect from first ovx, graph 0 to graph 1, graph 1 behind \
		fillcolor rgb "#e8e8e8" fillstyle solid 1.0 noborder
	set label 1 " oversubscribed:\n more workers than CPUs" at first ovx, graph 0.06 \
		left front textcolor rgb "gray30" noenhanced
}

over(c) = column(11) > 0 ? column(c) : NaN

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,640 font "DejaVu Sans,11"
	} else {
		set terminal svg size 1100,640 dynamic font "DejaVu Sans,11"
	}
	set output outbase.".".fmt
	# seq, the last block when present, in grey; the others by index.
	plot for [i=0:nseries-1] datafile index i using 1:9 with linespoints \
	         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2), \
	     for [i=nseries:nall-1] datafile index i using 1:9 with points \
	         linecolor "gray30" pointtype 5 title columnheader(2), \
	     for [i=0:nseries-1] datafile index i using 1:(value(sprintf("ref%d", i)) ? $10 : NaN) with lines \
	         linecolor i+1 dashtype 2 linewidth 1.5 notitle, \
	     for [i=nseries:nall-1] datafile index i using 1:10 with points \
	         linecolor "gray30" pointtype 4 notitle, \
	     (haveref ? NaN : 1/0) with lines linecolor "black" dashtype 2 \
	         title (haveref ? "dashed: reference (best of copy, triad, dot)" : ""), \
	     for [i=0:nseries-1] datafile index i using 1:(over(9)) with points \
	         linecolor "white" pointtype 7 pointsize 0.9 notitle, \
	     for [i=0:nseries-1] datafile index i using 1:(over(9)) with points \
	         linecolor i+1 pointtype 6 notitle, \
	     (ovx > 0 ? NaN : 1/0) with points linecolor "black" pointtype 6 \
	         title (ovx > 0 ? "hollow: oversubscribed" : "")
	unset output
}
