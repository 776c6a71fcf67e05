# screen.tcl - the PC's screen as a user in front of it sees it, read
# back through QEMU's monitor (qemu_monitor, monitor.tcl): a screendump
# (the picture QEMU shows, PPM) decoded into text by tools/screen-check
# against the console font, cell by cell with exact pixels. The same way
# for every mode: VGA text (the kernel loads the console font into the
# VGA font plane and makes the cells 8 pixels wide), VBE and GOP
# framebuffers, and whatever a component draws with the font in 8x16
# cells from the top-left corner. For run scripts that check the screen,
# also on a machine without a serial port (qemu_serial none, qemu.tcl).

set screen_check_built 0

# screen_text - the screen's lines (trailing blanks dropped); a cell that
# is no glyph of the font shows as U+FFFD.
proc screen_text {} {
    if {!$::screen_check_built} {
        if {[catch {exec make -s -C $::root build/tools/screen-check build/font/console.psf} out]} {
            fail "could not build tools/screen-check: $out"
        }
        set ::screen_check_built 1
    }
    set file [file normalize $::boot_dir/screen.ppm]
    file delete -force $file
    set answer [monitor_command "screendump \"$file\""]
    if {$answer ne "" || ![file exists $file]} { fail "could not read the screen: $answer" }
    if {[catch {exec $::root/build/tools/screen-check --font $::root/build/font/console.psf $file} text]} {
        fail "tools/screen-check could not read the screen: $text"
    }
    return $text
}

# screen_console_line - the kernel's line naming its screen console in
# this configuration: VGA text where the screen stays in text mode (QEMU
# -kernel; BIOS GRUB with --gfx text), else the loader's framebuffer
# (VBE under SeaBIOS, GOP under OVMF).
proc screen_console_line {} {
    if {$::boot_mode eq "kernel" || ($::boot_mode in {iso usb} && $::gfx eq "text")} {
        return {^kernel: screen console on VGA text, 80x25 cells of 8x16 pixels at 0xb8000$}
    }
    return {^kernel: screen console on framebuffer, [0-9]+x[0-9]+ cells of 8x16 pixels at 0x[0-9a-f]+$}
}

# screen_lines_in_order {re...} text - the regexps match lines of text, in
# this order; returns the first one that does not, or "" if all do.
proc screen_lines_in_order {res text} {
    set lines [split $text "\n"]
    set at 0
    foreach re $res {
        while {$at < [llength $lines] && ![regexp -- $re [lindex $lines $at]]} { incr at }
        if {$at == [llength $lines]} { return $re }
        incr at
    }
    return ""
}

# screen_until {re...} seconds - boot if not yet booted, then look at the
# screen about every second until its lines match the regexps in order.
# Needs qemu_monitor before the boot. Returns the screen's text.
proc screen_until {res seconds} {
    if {!$::qemu_booted} { qemu_boot }
    set limit [expr {($seconds + [qemu_boot_allowance]) * $::timeout_scale}]
    set deadline [expr {[clock milliseconds] + int($limit * 1000)}]
    while 1 {
        set text [screen_text]
        set missing [screen_lines_in_order $res $text]
        if {$missing eq ""} {
            msg "screen:\n$text"
            return $text
        }
        if {[clock milliseconds] > $deadline} {
            msg "screen after [format %g $limit] s:\n$text"
            fail "timeout waiting for a screen line matching {$missing} (after those before it)"
        }
        if {$::qemu_id ne "" && [qemu_read 1] eq "eof"} {
            fail "[qemu_exit_reason] while waiting for the screen"
        }
        after 100
    }
}
