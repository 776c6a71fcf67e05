# terminal_screen.tcl - an interim reader of a framebuffer screen for
# run/terminal.run and run/log_terminal.run until the tree's screendump
# tool (tools/screen-check) is there: QEMU's screendump (PPM) cut into
# 8x16 cells from pixel (0, 0), each cell's pixels that differ from its
# top-left pixel compared bit for bit with the glyphs of the console font
# (build/font/console.psf, PSF1 with a Unicode table); a cell that is no
# glyph reads as '#'. Needs qemu_monitor before the boot.

proc fbs_font {} {
    if {[info exists ::fbs_glyphs]} { return }
    set fh [open build/font/console.psf rb]
    set data [read $fh]
    close $fh
    binary scan $data cucucucu m0 m1 mode height
    if {$m0 != 0x36 || $m1 != 0x04} { fail "build/font/console.psf is no PSF1 font" }
    set count [expr {$mode & 1 ? 512 : 256}]
    set at [expr {4 + $count * $height}]
    set ::fbs_height $height
    set ::fbs_glyphs [dict create]
    for {set g 0} {$g < $count} {incr g} {
        set best ""
        set seq 0
        while 1 {
            binary scan $data @${at}su cp
            incr at 2
            if {$cp == 0xffff} { break }
            if {$cp == 0xfffe} { set seq 1 }
            if {!$seq && ($best eq "" || $cp < $best)} { set best $cp }
        }
        set bits [string range $data [expr {4 + $g * $height}] [expr {4 + ($g + 1) * $height - 1}]]
        if {$best ne "" && ![dict exists $::fbs_glyphs $bits]} {
            dict set ::fbs_glyphs $bits [format %c $best]
        }
    }
}

# fbs_screen_text rows - the top rows of the screen as text lines.
proc fbs_screen_text {rows} {
    fbs_font
    set file [file normalize $::boot_dir/screen.ppm]
    file delete -force $file
    set answer [monitor_command "screendump \"$file\""]
    if {$answer ne "" || ![file exists $file]} { fail "could not dump the screen: $answer" }
    set fh [open $file rb]
    set data [read $fh]
    close $fh
    if {![regexp {^P6\s+(\d+)\s+(\d+)\s+255\s} $data header width height]} { fail "screendump is no P6 PPM" }
    set base [string length $header]
    set h $::fbs_height
    set cols [expr {$width / 8}]
    set rows [expr {min($rows, $height / $h)}]
    set lines {}
    for {set r 0} {$r < $rows} {incr r} {
        set line ""
        for {set c 0} {$c < $cols} {incr c} {
            set origin [expr {$base + 3 * ($r * $h * $width + $c * 8)}]
            set bg [string range $data $origin [expr {$origin + 2}]]
            set bits ""
            for {set y 0} {$y < $h} {incr y} {
                set off [expr {$origin + 3 * $y * $width}]
                set byte 0
                for {set x 0} {$x < 8} {incr x} {
                    set p [expr {$off + 3 * $x}]
                    if {[string range $data $p [expr {$p + 2}]] ne $bg} { set byte [expr {$byte | (0x80 >> $x)}] }
                }
                append bits [binary format cu $byte]
            }
            append line [expr {[dict exists $::fbs_glyphs $bits] ? [dict get $::fbs_glyphs $bits] : "#"}]
        }
        lappend lines [string trimright $line]
    }
    return [join $lines "\n"]
}

# fbs_screen_until {re...} rows seconds - look at the top rows about
# every two seconds until lines match the regexps in this order.
proc fbs_screen_until {res rows seconds} {
    if {!$::qemu_booted} { qemu_boot }
    set deadline [expr {[clock milliseconds] + int($seconds * $::timeout_scale * 1000)}]
    while 1 {
        set text [fbs_screen_text $rows]
        set missing [screen_lines_in_order $res $text]
        if {$missing eq ""} {
            msg "screen:\n$text"
            return $text
        }
        if {[clock milliseconds] > $deadline} {
            msg "screen after $seconds s:\n$text"
            fail "timeout waiting for a screen line matching {$missing} (after those before it)"
        }
        if {$::qemu_id ne "" && [qemu_read 1] eq "eof"} {
            fail "[qemu_exit_reason] while waiting for the screen"
        }
        after 1000
    }
}
