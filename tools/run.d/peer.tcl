# peer.tcl - a second Arbor machine beside the one a run script boots
# (two PCs on one network: run/net_two_machines.run, docs/network.md).
#
#   peer_boot {config} {qemu_args}  after build_boot_image: start a second
#       QEMU (boot mode kernel) with the same boot modules but this config
#       text, and these extra arguments (its NIC and -netdev). Its serial
#       output goes to build/run/NAME/peer/serial.log, not to the console.
#   peer_until {re} seconds         wait until the peer's output matches re
#       (the main machine's output is read meanwhile); fails after seconds
#       (times --timeout-scale) or when the peer's QEMU ends.
#   peer_output                     all the peer's serial output so far.
#   peer_stop                       stop it (qemu_stop and fail do too).
#
# The two machines share a network through QEMU's socket backend: the one
# booted first gets `-netdev socket,id=n0,listen=127.0.0.1:PORT`, the other
# `connect=` the same port (it must start after the listener).

set peer_pid 0

proc peer_dir {} { return $::boot_dir/peer }

proc peer_boot {config extra} {
    if {$::boot_mode ne "kernel"} { fail "peer_boot: only in boot mode kernel" }
    if {![llength $::boot_modules]} { fail "peer_boot before build_boot_image" }
    set dir [peer_dir]
    file delete -force $dir
    file mkdir $dir
    foreach name $::boot_modules {
        if {$name ne "config"} { file copy [mods_dir]/$name $dir/$name }
    }
    set fh [open $dir/config w]
    puts $fh $config
    close $fh
    set cmd [list qemu-system-x86_64 -machine $::machine -m $::mem -smp 1 -cpu [qemu_cpu] -no-reboot \
                 -display none -serial file:serial.log -monitor none \
                 -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
                 -kernel $::root/$::kernel_bin -initrd [join $::boot_modules ,]]
    if {[qemu_use_kvm]} { lappend cmd -enable-kvm }
    set cmd [concat $cmd $extra]
    set fh [open $dir/qemu.sh w]
    puts $fh "#!/bin/sh\ncd [sh_quote [file normalize $::root/$dir]]"
    puts $fh "exec [join [lmap w $cmd {sh_quote $w}]] \"\$@\""
    close $fh
    msg "booting the peer: [join $cmd]"
    if {[catch {exec sh $dir/qemu.sh > $dir/qemu.out 2>@1 &} pid]} { fail "could not start the peer's QEMU: $pid" }
    set ::peer_pid $pid
}

proc peer_output {} {
    if {[catch {open [peer_dir]/serial.log} fh]} { return "" }
    set text [string map {"\r" ""} [read $fh]]
    close $fh
    return $text
}

proc peer_until {re seconds} {
    set deadline [expr {[clock milliseconds] + int($seconds * $::timeout_scale * 1000)}]
    while {![regexp -- $re [peer_output]]} {
        if {[clock milliseconds] > $deadline} {
            set tail [join [lrange [split [string trimright [peer_output] \n] \n] end-20 end] "\n"]
            fail "timeout after $seconds s waiting for the peer's: $re\n\[peer\] last lines:\n$tail"
        }
        if {!$::peer_pid || ![process_alive $::peer_pid]} {
            fail "the peer's QEMU ended while waiting for: $re"
        }
        if {$::qemu_id ne ""} {
            if {[qemu_read 0] eq "eof"} { fail "[qemu_exit_reason] while waiting for the peer" }
        }
        after 100
    }
}

proc peer_stop {} {
    if {!$::peer_pid} { return }
    set pid $::peer_pid
    set ::peer_pid 0
    catch {exec kill -TERM $pid}
    set until [expr {[clock milliseconds] + 3000}]
    while {[clock milliseconds] < $until && [process_alive $pid]} { after 50 }
    if {[process_alive $pid]} { catch {exec kill -KILL $pid} }
}
