# screen.tcl - the PC's VGA text screen as a user in front of it sees it,
# read back through QEMU's monitor (qemu_monitor, monitor.tcl): the 80x25
# cells at physical 0xb8000, character and attribute bytes, saved with
# pmemsave. For run scripts that check the kernel's screen console, also
# on a machine without a serial port (qemu_serial none, qemu.tcl).

# screen_text - the screen's 25 lines, trailing blanks dropped.
proc screen_text {} {
    set file [file normalize $::boot_dir/screen.bin]
    file delete -force $file
    set answer [monitor_command "pmemsave 0xb8000 4000 \"$file\""]
    if {$answer ne "" || ![file exists $file]} { fail "could not read the screen: $answer" }
    set fh [open $file rb]
    set cells [read $fh]
    close $fh
    set lines {}
    for {set r 0} {$r < 25} {incr r} {
        set line ""
        for {set c 0} {$c < 80} {incr c} {
            binary scan $cells @[expr {2 * (80 * $r + $c)}]cu ch
            append line [expr {$ch >= 32 && $ch < 127 ? [format %c $ch] : " "}]
        }
        lappend lines [string trimright $line]
    }
    return [join $lines "\n"]
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
