# monitor.tcl - QEMU's monitor for run scripts that act as the user at
# the machine: typing (sendkey) and moving the mouse (mouse_move,
# mouse_button). `qemu_monitor`, before the first run_until, boots QEMU
# with a second human monitor on a loopback TCP port (the first stays
# multiplexed with the serial console on stdio, for Ctrl-a c by hand);
# each command is sent there and answered before the next, so nothing
# the monitor prints mixes into the serial output the script checks.

set monitor_port ""
set monitor_sock ""

proc qemu_monitor {} {
    if {$::qemu_booted} { fail "qemu_monitor after the boot: call it before the first run_until" }
    set sock [socket -server {apply {{args} {}}} -myaddr 127.0.0.1 0]
    set ::monitor_port [lindex [fconfigure $sock -sockname] 2]
    close $sock
}

proc monitor_qemu_args {} {
    if {$::monitor_port eq ""} { return {} }
    return [list -monitor tcp:127.0.0.1:$::monitor_port,server=on,wait=off]
}

# Read from the monitor until its prompt, up to 10 s; the serial output
# keeps flowing meanwhile. Returns what the monitor said.
proc monitor_read_prompt {what} {
    set got ""
    set deadline [expr {[clock milliseconds] + 10000}]
    while {![string match "*(qemu) " $got]} {
        if {[clock milliseconds] > $deadline} { fail "QEMU's monitor did not answer $what" }
        append got [read $::monitor_sock]
        if {[eof $::monitor_sock]} { fail "QEMU's monitor closed the connection ($what)" }
        if {$::qemu_id ne ""} { catch {qemu_read 0} }
        after 10
    }
    return $got
}

proc monitor_connect {} {
    if {$::monitor_sock ne ""} { return }
    if {$::monitor_port eq ""} { fail "no monitor: call qemu_monitor before the first run_until" }
    if {!$::qemu_booted} { fail "the monitor needs a booted QEMU: call run_until first" }
    # Right after the boot QEMU may not listen yet: up to 10 s.
    set deadline [expr {[clock milliseconds] + 10000}]
    while {[catch {socket 127.0.0.1 $::monitor_port} sock]} {
        if {[clock milliseconds] > $deadline} { fail "cannot reach QEMU's monitor: $sock" }
        after 100
    }
    set ::monitor_sock $sock
    fconfigure $sock -blocking 0 -buffering none -translation {auto lf}
    monitor_read_prompt "on connect"
}

# monitor_command {text} - one monitor command; returns its answer.
proc monitor_command {text} {
    monitor_connect
    puts $::monitor_sock $text
    set answer [monitor_read_prompt "to \"$text\""]
    # The monitor echoes the command line; the rest is its answer.
    regsub {^[^\n]*\n} $answer "" answer
    set answer [string trim [string range $answer 0 end-7]]
    if {$answer ne ""} { msg "monitor: $text: $answer" }
    return $answer
}

# send_keys {keys} - type each key (QEMU's names: a, shift-c, ret, ...),
# each held 100 ms as QEMU's sendkey does; the next starts after it.
proc send_keys {keys} {
    foreach key $keys {
        set answer [monitor_command "sendkey $key"]
        if {$answer ne ""} { fail "sendkey $key: $answer" }
    }
}

# mouse_move dx dy [dz] - relative motion (y down) and wheel (dz > 0: up).
proc mouse_move {dx dy {dz 0}} {
    monitor_command "mouse_move $dx $dy $dz"
}

# mouse_button state - the buttons held: bit 0 left, 1 right, 2 middle.
proc mouse_button {state} {
    monitor_command "mouse_button $state"
}
