# qemu.tcl - start QEMU for tools/run and watch its serial console.
#
# The command line follows the boot mode (kernel: -kernel/-initrd; iso: the
# ISO as CD with SeaBIOS; uefi: the same ISO with OVMF; usb and uefi_usb:
# the ISO as a USB stick, usb-storage on an xHCI controller, no CD, with
# SeaBIOS or OVMF: what a PC booted from the stick sees). It is also written
# to build/run/NAME/qemu.sh so a boot can be repeated by hand. The serial
# output, cleaned of carriage returns and terminal escapes, accumulates in
# the global `output` (all of it, also in build/run/NAME/serial.log) and in
# `pending` (what no run_until has consumed yet).

set output        ""
set pending       ""
set qemu_args     ""
set qemu_booted   0
set qemu_id       ""
set qemu_pid      0
set qemu_waits    0
set esc_carry     ""
set mid_line      0
set panicked      0
# COM1's backend: a script may set `none` to boot a PC without a UART
# (then only the screen, tools/run.d/screen.tcl, shows what happens).
set qemu_serial   mon:stdio
# Options for the kernel's command line (e.g. test_panic_after_ms=N,
# docs/debugging.md): QEMU -append, or after the kernel in grub.cfg, so
# a script sets it before build_boot_image.
set kernel_args   ""
# CPUs of the guest: a script sets qemu_smp before the boot, else RUN_SMP
# (default 1). TCG runs them round robin on one host thread unless
# RUN_TCG_THREAD=multi (one host thread per CPU, really at the same time):
# on this project's loaded 2-core test machine QEMU 7.2's multi-threaded
# TCG made run/kernel.run with 4 CPUs take 115 s instead of 2 s.
set qemu_smp      ""
# Printed by the kernel on a broken invariant or an unexpected CPU exception.
set panic_re      {KERNEL PANIC|kernel exception}
set ovmf_code     /usr/share/OVMF/OVMF_CODE.fd
set ovmf_vars     /usr/share/OVMF/OVMF_VARS.fd

match_max 65536
# Serial output is shown by take_output, cleaned; not by expect itself.
log_user 0

# KVM only where it really works: a usable /dev/kvm on a CPU with VT-x/SVM.
# ARBOR_KVM=0 or 1 overrides.
proc qemu_use_kvm {} {
    switch -- [env_or ARBOR_KVM ""] { 0 { return 0 } 1 { return 1 } }
    if {![file readable /dev/kvm] || ![file writable /dev/kvm]} { return 0 }
    if {[catch {open /proc/cpuinfo} fh]} { return 0 }
    set info [read $fh]
    close $fh
    return [regexp {(?n)^flags\s*:.*\m(vmx|svm)\M} $info]
}

proc qemu_cpu {} {
    if {[qemu_use_kvm]} { return [env_or RUN_CPU host,-arch-capabilities] }
    return [env_or RUN_CPU max]
}

proc qemu_accel_note {} {
    if {[qemu_use_kvm]} { return ", KVM, cpu [qemu_cpu]" }
    return ", TCG, cpu [qemu_cpu]"
}

# Firmware and GRUB take time before the kernel's first line; the first
# run_until gets this much on top of the script's own timeout.
proc qemu_boot_allowance {} {
    if {[incr ::qemu_waits] > 1} { return 0 }
    return [dict get {kernel 0 iso 40 uefi 90 usb 60 uefi_usb 110} $::boot_mode]
}

proc qemu_smp_count {} {
    if {$::qemu_smp ne ""} { return $::qemu_smp }
    set n [env_or RUN_SMP 1]
    return [expr {$n eq "" ? 1 : $n}]
}

proc qemu_command {} {
    global boot_mode root
    set smp [qemu_smp_count]
    set cmd [list qemu-system-x86_64 -machine $::machine -m $::mem -smp $smp \
                 -cpu [qemu_cpu] -no-reboot -display none -serial $::qemu_serial \
                 -device isa-debug-exit,iobase=0xf4,iosize=0x04]
    if {[qemu_use_kvm]} {
        lappend cmd -enable-kvm
    } elseif {$smp > 1 && [string first icount $::qemu_args] < 0} {
        # QEMU's own default for x86 guests on x86 hosts is multi
        lappend cmd -accel tcg,thread=[env_or RUN_TCG_THREAD single]
    }
    switch $boot_mode {
        kernel {
            # QEMU runs in the module directory, so each module's path (the
            # part of its command line QEMU keeps) is just its name.
            lappend cmd -kernel $root/$::kernel_bin \
                -initrd [join $::boot_modules ,]
            if {$::kernel_args ne ""} { lappend cmd -append $::kernel_args }
        }
        iso {
            lappend cmd -cdrom $root/[iso_file] -boot d
        }
        uefi {
            lappend cmd {*}[ovmf_args] -cdrom $root/[iso_file] -boot d
        }
        usb {
            lappend cmd {*}[usb_stick_args]
        }
        uefi_usb {
            lappend cmd {*}[ovmf_args] {*}[usb_stick_args]
        }
    }
    return [concat $cmd [gdb_qemu_args] [monitor_qemu_args] $::qemu_args]
}

proc ovmf_args {} {
    set vars $::root/$::boot_dir/ovmf_vars.fd
    file copy -force $::ovmf_vars $vars
    return [list -drive if=pflash,format=raw,readonly=on,file=$::ovmf_code \
                -drive if=pflash,format=raw,file=$vars]
}

# The ISO written to a USB stick (it is a hybrid image), the only boot disk.
proc usb_stick_args {} {
    return [list -device qemu-xhci,id=xhci \
                -drive if=none,id=stick,format=raw,readonly=on,file=$::root/[iso_file] \
                -device usb-storage,bus=xhci.0,drive=stick,bootindex=1]
}

proc sh_quote {word} {
    if {[regexp {^[A-Za-z0-9_./:=,+-]+$} $word]} { return $word }
    return '[string map {' '\\''} $word]'
}

proc qemu_boot {} {
    global qemu_id qemu_pid
    if {![llength $::boot_modules]} {
        fail "run_until before build_boot_image: there is nothing to boot"
    }
    set cmd [qemu_command]
    set cwd [expr {$::boot_mode eq "kernel" ? [mods_dir] : "."}]
    set fh [open $::boot_dir/qemu.sh w]
    puts $fh "#!/bin/sh\n# boots run/$::run_name as tools/run did"
    puts $fh "cd [sh_quote [file normalize $::root/$cwd]]"
    puts $fh "exec [join [lmap w $cmd {sh_quote $w}]] \"\$@\""
    close $fh
    file attributes $::boot_dir/qemu.sh -permissions 0755
    set ::serial_log [open $::boot_dir/serial.log w]

    msg "booting: [join $cmd]"
    gdb_announce
    cd $cwd
    set failed [catch {spawn -noecho {*}$cmd} qemu_pid]
    cd $::root
    if {$failed} { fail "could not start qemu-system-x86_64: $qemu_pid" }
    set qemu_id $spawn_id
    set ::qemu_booted 1
}

# Terminal escapes (GRUB and OVMF draw menus) and CRs are dropped; an escape
# sequence cut at the end of a chunk waits for the next one.
proc clean_chunk {chunk} {
    set chunk $::esc_carry$chunk
    set ::esc_carry ""
    if {[regexp {\x1b(\[[0-?]*[ -/]*)?$|\x1b[()]$} $chunk carry]} {
        set ::esc_carry $carry
        set chunk [string range $chunk 0 end-[string length $carry]]
    }
    regsub -all {\x1b(\[[0-?]*[ -/]*[@-~]|[()][A-Za-z0-9]|[@-_a-z=>])} $chunk "" chunk
    return [string map {"\r" "" "\x1b" ""} $chunk]
}

proc take_output {raw} {
    set chunk [clean_chunk $raw]
    set from [expr {max(0, [string length $::output] - 64)}]
    append ::output $chunk
    append ::pending $chunk
    puts -nonewline $::serial_log $chunk
    puts -nonewline $chunk
    flush stdout
    if {$chunk ne ""} { set ::mid_line [expr {[string index $chunk end] ne "\n"}] }
    if {$::run_mode eq "test" && !$::panicked &&
        [regexp -start $from -- $::panic_re $::output]} {
        set ::panicked 1
        qemu_drain
        regexp -line -start $from -- "^.*(?:$::panic_re).*$" $::output line
        fail "the kernel reported a bug: [string trim $line]"
    }
}

# Read what QEMU printed within `seconds`: returns data, timeout or eof.
proc qemu_read {seconds} {
    expect -i $::qemu_id -timeout $seconds -re {.+} {
        take_output $expect_out(0,string)
        return data
    } timeout {
        return timeout
    } eof {
        if {[info exists expect_out(buffer)]} { take_output $expect_out(buffer) }
        return eof
    }
}

# After a panic, collect the rest of the report (up to 3 s).
proc qemu_drain {} {
    set until [expr {[clock milliseconds] + 3000}]
    while {[clock milliseconds] < $until} {
        if {[catch {qemu_read 1} what] || $what ne "data"} { return }
    }
}

# Reap QEMU after eof and say how it ended. The guest ends QEMU with status
# (v << 1) | 1 by writing v to isa-debug-exit; 1 is also QEMU's own error.
proc qemu_exit_reason {} {
    set result [wait -i $::qemu_id]
    set ::qemu_id ""
    set status [lindex $result 3]
    if {[lindex $result 4] eq "CHILDKILLED"} {
        return "QEMU was killed by [lindex $result 5]"
    }
    switch -- $status {
        0 { return "QEMU exited (status 0)" }
        1 { return "QEMU exited with status 1 (a QEMU error, or the guest wrote 0 to isa-debug-exit)" }
    }
    if {$status & 1} {
        return "the guest ended QEMU through isa-debug-exit with value\
                [expr {$status >> 1}] (status $status)"
    }
    return "QEMU exited with status $status"
}

# Test mode: wait up to `seconds` for `re` in the pending output.
proc qemu_wait {re seconds} {
    set deadline [expr {[clock milliseconds] + int($seconds * 1000)}]
    while 1 {
        if {$re ne "forever" && [regexp -indices -- $re $::pending m]} {
            set ::pending [string range $::pending [lindex $m 1]+1 end]
            return
        }
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} {
            fail "timeout after [format %g $seconds] s waiting for: $re"
        }
        if {[qemu_read [expr {($left + 999) / 1000}]] eq "eof"} {
            set reason [qemu_exit_reason]
            if {$re eq "forever"} { msg $reason; return }
            fail "$reason while waiting for: $re"
        }
    }
}

# qemu_boot_again - stop QEMU and forget its output: the next run_until
# boots a new machine (a script that boots more than one; the boot
# directory's serial.log is then the last boot's).
proc qemu_boot_again {} {
    qemu_stop
    catch {close $::serial_log}
    # the monitor connection was to the QEMU that is gone
    if {$::monitor_sock ne ""} { catch {close $::monitor_sock} }
    set ::monitor_sock ""
    set ::monitor_port ""
    set ::output ""
    set ::pending ""
    set ::esc_carry ""
    set ::mid_line 0
    set ::qemu_booted 0
}

# Interactive mode: the terminal belongs to QEMU until it exits. Without a
# terminal on stdin, the output is shown until QEMU exits or is killed.
proc qemu_interact {} {
    if {[catch {exec sh -c {test -t 0} <@ stdin}]} {
        msg "stdin is no terminal: showing the serial output until QEMU exits"
        while {[qemu_read 3600] ne "eof"} {}
        msg [qemu_exit_reason]
        return
    }
    msg "serial console attached; quit with Ctrl-a x (log: $::boot_dir/serial.log)"
    close $::serial_log
    log_file -noappend $::boot_dir/serial.log
    set spawn_id $::qemu_id
    interact
    log_file
    # interact returns when QEMU exits, or when stdin ends with QEMU running.
    qemu_stop
}

# Stop QEMU if it runs: SIGTERM, then SIGKILL after 3 s. Safe to repeat.
proc qemu_stop {} {
    if {$::qemu_id eq ""} { return }
    set pid $::qemu_pid
    catch {exec kill -TERM $pid}
    set until [expr {[clock milliseconds] + 3000}]
    while {[clock milliseconds] < $until && [process_alive $pid]} { after 50 }
    if {[process_alive $pid]} { catch {exec kill -KILL $pid} }
    catch {close -i $::qemu_id}
    catch {wait -i $::qemu_id}
    set ::qemu_id ""
}

# Alive and not a zombie.
proc process_alive {pid} {
    if {[catch {open /proc/$pid/stat} fh]} { return 0 }
    set stat [read $fh]
    close $fh
    return [expr {![regexp {\) Z } $stat]}]
}

# The last `n` lines of serial output, for failure reports.
proc output_tail {n} {
    set lines [split [string trimright $::output "\n"] "\n"]
    return [join [lrange $lines end-[expr {$n - 1}] end] "\n"]
}
