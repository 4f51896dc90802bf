# Parallel efficiency (speedup / workers) against workers: one line per
# runner and schedule, the 1.0 line of perfect scaling, error bars from the
# speedup's 95% CI where the run has one.  Variables as in speedup.gp:
#   datafile nseries xmax ovx haveci plottitle outbase
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
set ylabel (haveci ? "efficiency = speedup / workers (bars: 95% CI)" : "efficiency = speedup / workers")
set title plottitle noenhanced
# A margin on both sides keeps the end points and their bars off the frame.
xpad = 0.04 * (xmax > 2 ? xmax - 1 : 1)
set xrange [1 - xpad:(xmax > 1 ? xmax : 2) + xpad]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
set yrange [0:*]
if (xmax <= 16) { set xtics 1 }
set pointsize 1.2
set errorbars small

if (ovx > 0) {
	set object 1 rect from first ovx, graph 0 to graph 1, graph 1 behind \
		fillcolor rgb "#e8e8e8" fillstyle solid 1.0 noborder
	set label 1 " oversubscribed:\n more workers than CPUs" at first ovx, graph 0.94 \
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
	plot 1 with lines dashtype 2 linecolor "gray40" title "1.0: perfect scaling", \
	     for [i=0:nseries-1] datafile index i using 1:8:($3/$1):($4/$1) with yerrorlines \
	         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2), \
	     for [i=0:nseries-1] datafile index i using 1:(over(8)) with points \
	         linecolor "white" pointtype 7 pointsize 0.9 notitle, \
	     for [i=0:nseries-1] datafile index i using 1:(over(8)) with points \
	         linecolor i+1 pointtype 6 notitle, \
	     (ovx > 0 ? NaN : 1/0) with points linecolor "black" pointtype 6 \
	         title (ovx > 0 ? "hollow: oversubscribed" : "")
	unset output
}
