# terminal_screen.tcl - for the run scripts of servers/terminal: its
# font as a boot module, and the framebuffer screen as text, QEMU's
# screendump (PPM) decoded by tools/screen-check (8x16 cells from pixel
# 0,0, exact glyphs of the console font; a cell that is no glyph reads
# U+FFFD; the screen procedures need qemu_monitor before the boot).

# fbs_screen_text rows - the top rows of the screen as text lines.
proc fbs_screen_text {rows} {
    set file [file normalize $::boot_dir/screen.ppm]
    file delete -force $file
    set answer [monitor_command "screendump \"$file\""]
    if {$answer ne "" || ![file exists $file]} { fail "could not dump the screen: $answer" }
    set fh [open [list | tools/screen-check $file] r]
    fconfigure $fh -encoding utf-8
    set text [read $fh]
    if {[catch {close $fh} err]} { fail "tools/screen-check: $err" }
    return [join [lrange [split $text "\n"] 0 [expr {$rows - 1}]] "\n"]
}

# fbs_screen_until {re...} rows seconds - look at the top rows about
# every second until lines match the regexps in this order.
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

# terminal_font - the console font ($(FONT_PSF) of mk/font.mk), built if
# needed, as the boot module "font.psf" servers/terminal reads. After
# create_boot_directory.
proc terminal_font {} {
    if {[catch {exec make -s -C $::root build/font/console.psf} err]} { fail "the console font: $err" }
    file copy -force $::root/build/font/console.psf [run_dir]/font.psf
}
