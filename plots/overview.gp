# All kernels on one page: a small speedup-vs-workers panel per kernel and
# size (gnuplot multiplot), each with the ideal line, and one key below
# them all.  `parbench plot` runs it in the plots folder with
#   panels     number of panels; cols: panels per row
#   file1..    data file of panel i (the format of speedup.gp)
#   nser1..    series to draw in panel i
#   colours1.. the colour of each of those series, space-separated: the
#              same series has the same colour on every panel
#   names      number of distinct series; name1..: their names, by colour
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
set pointsize 0.9

# Pixels: the page title on top, the panels, the key band at the bottom.
panel_w = cols == 1 ? 800 : 520  # one panel: room for the page title
panel_h = 400
title_h = 64
key_cols = cols * 3
key_h = 30 + 18 * ((names + 1 + key_cols - 1) / key_cols)
rows = (panels + cols - 1) / cols
width = panel_w * cols
height = panel_h * rows + title_h + key_h
over(c) = column(11) > 0 ? column(c) : NaN
v(name, i) = value(sprintf("%s%d", name, i))
colour(p, i) = word(v("colours", p), i + 1) + 0
# Past twelve series the colours come round again: another point shape
# (circle, square, triangle, diamond) keeps each series its own look.
shape(k) = word("7 5 9 13", 1 + ((k - 1) / 12) % 4) + 0

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size width,height font "DejaVu Sans,10"
	} else {
		set terminal svg size width,height dynamic font "DejaVu Sans,10"
	}
	set output outbase.".".fmt
	set multiplot title plottitle noenhanced font ",12"
	set grid xtics ytics
	set border
	set xlabel "workers" offset 0,0.5
	set ylabel "speedup over seq" offset 1,0
	set yrange [0:*]
	set offsets graph 0.03, graph 0.03, graph 0.05, 0
	unset key
	do for [p=1:panels] {
		row = (p - 1) / cols
		col = (p - 1) % cols
		set origin (col * panel_w) / (1.0 * width), \
			(key_h + (rows - 1 - row) * panel_h) / (1.0 * height)
		set size panel_w / (1.0 * width), panel_h / (1.0 * height)
		xm = v("xmax", p)
		xpad = 0.04 * (xm > 2 ? xm - 1 : 1)
		set xrange [1 - xpad:(xm > 1 ? xm : 2) + xpad]
		if (xm <= 16) { set xtics 1 } else { set xtics autofreq }
		set ytics autofreq
		set title v("title", p) noenhanced
		unset object 1
		unset label 1
		if (v("ovx", p) > 0) {
			set object 1 rect from first v("ovx", p), graph 0 to graph 1, graph 1 behind \
				fillcolor rgb "#e8e8e8" fillstyle solid 1.0 noborder
			set label 1 " oversubscribed" at first v("ovx", p), graph 0.05 \
				left front textcolor rgb "gray30" font ",9"
		}
		plot x with lines dashtype 2 linecolor "gray40", \
		     for [i=0:v("nser", p)-1] v("file", p) index i using 1:2:3:4 with yerrorlines \
		         linecolor colour(p, i) linewidth 2 pointtype shape(colour(p, i)), \
		     for [i=0:v("nser", p)-1] v("file", p) index i using 1:(over(2)) with points \
		         linecolor "white" pointtype 7 pointsize 0.7, \
		     for [i=0:v("nser", p)-1] v("file", p) index i using 1:(over(2)) with points \
		         linecolor colour(p, i) pointtype 6
	}

	# The key: every series once, in its colour, in a band of its own.
	set origin 0, 0
	set size 1, key_h / (1.0 * height)
	unset title
	unset xlabel
	unset ylabel
	unset tics
	unset border
	unset grid
	unset object 1
	unset label 1
	set xrange [0:1]
	set yrange [0:1]
	set key at screen 0.5, screen (key_h - 8.0) / height center top horizontal \
		maxcols key_cols Left reverse samplen 2 width 2 font ",10"
	plot NaN with lines dashtype 2 linecolor "gray40" title "ideal", \
	     for [k=1:names] NaN with linespoints linecolor k linewidth 2 pointtype shape(k) \
	         title v("name", k) noenhanced
	unset key
	unset multiplot
	unset output
}
