# Median time per repetition against workers: one line per runner and
# schedule (the seq baseline included, as a level line), error bars from the
# median's 95% CI where the run has one, and the ideal scaling of seq's
# time, seq / workers.  Variables as in speedup.gp, and
#   nall      number of blocks (the seq block, when present, is the last)
#   seqtime   median time of seq, 0 for none
#   logy      1: logarithmic time axis (the times span more than 10x)
#   tscale    factor from seconds to tunit (1, 1e3, 1e6)
#   tunit     "s", "ms" or "us"
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
set grid xtics ytics mytics
set xlabel "workers"
set ylabel sprintf("median time per repetition, %s%s", tunit, haveci ? " (bars: 95% CI)" : "")
set title plottitle noenhanced
# A margin on both sides keeps the end points and their bars off the frame.
xpad = 0.04 * (xmax > 2 ? xmax - 1 : 1)
set xrange [1 - xpad:(xmax > 1 ? xmax : 2) + xpad]
set offsets graph 0.03, graph 0.03, graph 0.05, 0
if (logy) {
	set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
	set logscale y
	# Not out to whole decades: the data would fill a fraction of the axis.
	set autoscale yfix
	set format y "%g"
} else {
	set yrange [0:*]
	set format y "%.3g"
}
if (xmax <= 16) { set xtics 1 }
set pointsize 1.2
set errorbars small

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
	plot (seqtime > 0 ? seqtime * tscale : NaN) with lines dashtype 2 linecolor "gray40" \
	         title (seqtime > 0 ? "seq (baseline)" : ""), \
	     (seqtime > 0 ? seqtime * tscale / x : NaN) with lines dashtype 3 linewidth 1.5 \
	         linecolor "gray20" title (seqtime > 0 ? "ideal: seq / workers" : ""), \
	     for [i=0:nseries-1] datafile index i using 1:($5*tscale):($6*tscale):($7*tscale) with yerrorlines \
	         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2), \
	     for [i=nseries:nall-1] datafile index i using 1:($5*tscale):($6*tscale):($7*tscale) with yerrorbars \
	         linecolor "gray40" pointtype 5 notitle, \
	     for [i=0:nseries-1] datafile index i using 1:(over(5)*tscale) with points \
	         linecolor "white" pointtype 7 pointsize 0.9 notitle, \
	     for [i=0:nseries-1] datafile index i using 1:(over(5)*tscale) with points \
	         linecolor i+1 pointtype 6 notitle, \
	     (ovx > 0 ? NaN : 1/0) with points linecolor "black" pointtype 6 \
	         title (ovx > 0 ? "hollow: oversubscribed" : "")
	unset output
}
