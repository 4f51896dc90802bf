# All kernels on one page: a small speedup-vs-workers panel per kernel and
# size (gnuplot multiplot), each with the ideal line.  `parbench plot` runs
# it in the plots folder with
#   panels     number of panels; cols: panels per row
#   file1..    data file of panel i (the format of speedup.gp)
#   nser1..    series to draw in panel i
#   xmax1..    largest worker count of panel i
#   ovx1..     oversubscription boundary of panel i (0: none)
#   title1..   title of panel i
#   plottitle  title of the page; outbase: output path without extension
# Twelve distinct colours: runner x schedule series outnumber gnuplot's eight.
set linetype 9 linecolor rgb "#8c564b"
set linetype 10 linecolor rgb "#e377c2"
set linetype 11 linecolor rgb "#bcbd22"
set linetype 12 linecolor rgb "#17becf"
set linetype cycle 12
set datafile separator whitespace
set datafile columnheaders
set grid xtics ytics
set key top left Left reverse box opaque samplen 2 spacing 1 font ",9"
set xlabel "workers" offset 0,0.5
set ylabel "speedup over seq" offset 1,0
set yrange [0:*]
set pointsize 0.9
set offsets graph 0.03, graph 0.03, graph 0.05, 0

rows = (panels + cols - 1) / cols
height = 400 * rows + 90
over(c) = column(11) > 0 ? column(c) : NaN
v(name, i) = value(sprintf("%s%d", name, i))

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 520*cols,height font "DejaVu Sans,10"
	} else {
		set terminal svg size 520*cols,height dynamic font "DejaVu Sans,10"
	}
	set output outbase.".".fmt
	# The page title takes the top 90 pixels; the panels share the rest.
	set multiplot layout rows,cols title plottitle noenhanced font ",12" \
		margins 0.06,0.98,(40.0/height),(1.0 - 90.0/height) spacing 0.07,(110.0/height)
	do for [p=1:panels] {
		xm = v("xmax", p)
		xpad = 0.04 * (xm > 2 ? xm - 1 : 1)
		set xrange [1 - xpad:(xm > 1 ? xm : 2) + xpad]
		if (xm <= 16) { set xtics 1 } else { set xtics autofreq }
		set title v("title", p) noenhanced
		unset object 1
		unset label 1
		if (v("ovx", p) > 0) {
			set object 1 rect from first v("ovx", p), graph 0 to graph 1, graph 1 behind \
				fillcolor rgb "#e8e8e8" fillstyle solid 1.0 noborder
			set label 1 " oversubscribed" at first v("ovx", p), graph 0.05 \
				left front textcolor rgb "gray30" font ",9"
		}
		plot x with lines dashtype 2 linecolor "gray40" title "ideal", \
		     for [i=0:v("nser", p)-1] v("file", p) index i using 1:2:3:4 with yerrorlines \
		         linecolor i+1 linewidth 2 pointtype 7 title columnheader(2), \
		     for [i=0:v("nser", p)-1] v("file", p) index i using 1:(over(2)) with points \
		         linecolor "white" pointtype 7 pointsize 0.7 notitle, \
		     for [i=0:v("nser", p)-1] v("file", p) index i using 1:(over(2)) with points \
		         linecolor i+1 pointtype 6 notitle
	}
	unset multiplot
	unset output
}
