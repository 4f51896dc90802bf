# Speedup over the sequential baseline against workers: one line per runner
# and schedule with its 95% CI as error bars, the ideal (linear) line and,
# where the run has fits.csv, each series' Amdahl fit.  `parbench plot`
# runs it in the plots folder with
#   datafile   blocks of "workers speedup lo hi median lo hi eff gbps ref over",
#              one per series; each block's first line holds its title in
#              column 2 (see bench/report/chartdata.h)
#   nseries    number of blocks to draw (the parallel series)
#   xmax       largest worker count
#   ovx        workers beyond which runs are oversubscribed (0: none)
#   haveci     1 when the error bars are confidence intervals
#   name0..    title of series i (as in the data block)
#   fit0..     serial fraction of series i's Amdahl fit, -1 for none
#   plottitle  title line(s)
#   outbase    output path without extension (.png and .svg are written)
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
set ylabel (haveci ? "speedup over seq (bars: 95% CI)" : "speedup over seq (ratio of median times)")
set title plottitle noenhanced
# A margin on both sides keeps the end points and their bars off the frame.
xpad = 0.04 * (xmax > 2 ? xmax - 1 : 1)
set xrange [1 - xpad:(xmax > 1 ? xmax : 2) + xpad]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
set yrange [0:*]
if (xmax <= 16) { set xtics 1 }
set pointsize 1.2
set samples 400
set errorbars small

if (ovx > 0) {
	set object 1 rect from first ovx, graph 0 to graph 1, graph 1 behind \
		fillcolor rgb "#e8e8e8" fillstyle solid 1.0 noborder
	set label 1 " oversubscribed:\n more workers than CPUs" at first ovx, graph 0.06 \
		left front textcolor rgb "gray30" noenhanced
}

ideal(x) = x
amdahl(p, f) = 1.0 / (f + (1.0 - f) / p)
fitf(i) = value(sprintf("fit%d", i))
over(c) = column(11) > 0 ? column(c) : NaN

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1100,640 font "DejaVu Sans,11"
	} else {
		set terminal svg size 1100,640 dynamic font "DejaVu Sans,11"
	}
	set output outbase.".".fmt
	plot ideal(x) with lines dashtype 2 linecolor "gray40" title "ideal (linear)", \
	     for [i=0:nseries-1] datafile index i using 1:2:3:4 with yerrorlines \
	         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2), \
	     for [i=0:nseries-1] (fitf(i) >= 0 ? amdahl(x, fitf(i)) : NaN) with lines \
	         linecolor i+1 dashtype 3 linewidth 1.5 \
	         title (fitf(i) >= 0 ? sprintf("%s: Amdahl fit, f = %.3g", \
	                value(sprintf("name%d", i)), fitf(i)) : ""), \
	     for [i=0:nseries-1] datafile index i using 1:(over(2)) with points \
	         linecolor "white" pointtype 7 pointsize 0.9 notitle, \
	     for [i=0:nseries-1] datafile index i using 1:(over(2)) with points \
	         linecolor i+1 pointtype 6 notitle, \
	     (ovx > 0 ? NaN : 1/0) with points linecolor "black" pointtype 6 \
	         title (ovx > 0 ? "hollow: oversubscribed" : "")
	unset output
}
