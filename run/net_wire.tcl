# net_wire.tcl - a host on the guest's Ethernet, for run scripts
# (sourced by run/net_hostile.run; docs/network.md, "Tests").
#
# QEMU's `-netdev socket,connect=127.0.0.1:PORT` carries the guest NIC's
# frames over one TCP connection, each frame as a 4-byte big-endian
# length and the frame. wire_listen opens the port the script gives
# QEMU; once QEMU has connected, wire_send puts any frame (well formed
# or not) on the guest's wire and wire_frames hands out what the guest
# sent. The wire is a host of its own (::wire_mac, ::wire_ip): it
# answers ARP requests for its address, pings (wire_ping) and speaks
# just enough TCP to fetch a page over HTTP (wire_http_get), so an
# honest client keeps checking the guest while the script attacks it.

set wire_chan   ""
set wire_buf    ""
set wire_in     {}
set wire_mac    525400aa0001
set wire_ip     10.0.9.1
# A script run at each step of wire_pause (an attack that goes on while
# the honest host talks), or empty.
set wire_background ""

proc wire_listen {} {
    set ::wire_server [socket -server wire_accept -myaddr 127.0.0.1 0]
    return [lindex [fconfigure $::wire_server -sockname] 2]
}

proc wire_accept {chan addr port} {
    fconfigure $chan -translation binary -blocking 0 -buffering none
    set ::wire_chan $chan
}

proc ip_bytes {dotted} { return [binary format c4 [split $dotted .]] }

proc ip_dotted {bytes} {
    binary scan $bytes cu4 b
    return [join $b .]
}

# The Internet checksum of data (RFC 1071).
proc inet_sum {data {sum 0}} {
    if {[string length $data] % 2} { append data \0 }
    binary scan $data Su* words
    foreach w $words { incr sum $w }
    while {$sum > 0xffff} { set sum [expr {($sum & 0xffff) + ($sum >> 16)}] }
    return $sum
}

proc inet_checksum {data {sum 0}} { return [expr {~[inet_sum $data $sum] & 0xffff}] }

proc wire_send {frame} {
    if {$::wire_chan eq ""} { fail "the wire: QEMU has not connected" }
    puts -nonewline $::wire_chan [binary format I [string length $frame]]$frame
}

proc eth {dst src type payload} {
    return [binary format H12H12S $dst $src $type]$payload
}

# An IPv4 header (20 bytes, checksum right) before payload.
proc ipv4 {src dst proto payload {id 1} {frag 0} {ttl 64}} {
    set h [binary format ccSSSccSa4a4 0x45 0 [expr {20 + [string length $payload]}] $id $frag $ttl $proto 0 \
               [ip_bytes $src] [ip_bytes $dst]]
    set sum [inet_checksum $h]
    return [string replace $h 10 11 [binary format S $sum]]$payload
}

proc l4_checksum {src dst proto seg} {
    set pseudo [binary format a4a4ccS [ip_bytes $src] [ip_bytes $dst] 0 $proto [string length $seg]]
    return [inet_checksum $pseudo[string range $seg 0 end]]
}

# A TCP segment (checksum right) with flags (F 1, S 2, R 4, P 8, A 16).
proc tcp_seg {src sport dst dport seq ack flags {data ""} {win 65535}} {
    set seg [binary format SSIIccSSS $sport $dport $seq $ack [expr {5 << 4}] $flags $win 0 0]$data
    set sum [l4_checksum $src $dst 6 $seg]
    return [string replace $seg 16 17 [binary format S $sum]]
}

proc arp {op smac sip tmac tip} {
    return [binary format SSccSH12a4H12a4 1 0x0800 6 4 $op $smac [ip_bytes $sip] $tmac [ip_bytes $tip]]
}

# Read what QEMU sent on the wire; answer ARP requests for our address.
proc wire_poll {} {
    update
    if {$::wire_chan eq ""} { return }
    if {[catch {read $::wire_chan} data]} { fail "the wire: $data" }
    append ::wire_buf $data
    while {[string length $::wire_buf] >= 4} {
        binary scan $::wire_buf Iu len
        if {[string length $::wire_buf] < 4 + $len} { break }
        set f [string range $::wire_buf 4 [expr {3 + $len}]]
        set ::wire_buf [string range $::wire_buf [expr {4 + $len}] end]
        if {[string length $f] >= 42 && [binary scan $f H12H12S dst src type] == 3 && $type == 0x0806} {
            binary scan $f x20SH12a4x6a4 op smac sip tip
            if {$op == 1 && [ip_dotted $tip] eq $::wire_ip} {
                wire_send [eth $smac $::wire_mac 0x0806 [arp 2 $::wire_mac $::wire_ip $smac [ip_dotted $sip]]]
            }
            if {$op == 2} { set ::wire_arp([ip_dotted $sip]) $smac }
            continue
        }
        lappend ::wire_in $f
    }
}

# Take the frames received so far.
proc wire_frames {} {
    wire_poll
    set got $::wire_in
    set ::wire_in {}
    return $got
}

# Let the guest run (its serial output read) for ms milliseconds.
proc wire_pause {ms} {
    set until [expr {[clock milliseconds] + $ms}]
    while {[clock milliseconds] < $until} {
        wire_poll
        if {$::wire_background ne ""} { uplevel #0 $::wire_background }
        if {$::qemu_id ne "" && [qemu_read 0] eq "eof"} { fail "QEMU ended: [qemu_exit_reason]" }
        after 10
    }
}

# Parse an IPv4 frame: a dict (src dst proto l4) or "" if it is none.
proc ipv4_parse {f} {
    if {[string length $f] < 34 || [binary scan $f x12S type] != 1 || $type != 0x0800} { return "" }
    binary scan $f x14cux1Sux5cux2a4a4 vihl total proto src dst
    set hl [expr {($vihl & 15) * 4}]
    return [dict create src [ip_dotted $src] dst [ip_dotted $dst] proto $proto \
                l4 [string range $f [expr {14 + $hl}] [expr {13 + $total}]]]
}

# The router's MAC on the wire, by ARP.
proc wire_resolve {ip seconds} {
    set until [expr {[clock milliseconds] + int($seconds * 1000 * $::timeout_scale)}]
    while {![info exists ::wire_arp($ip)]} {
        if {[clock milliseconds] > $until} { return "" }
        wire_send [eth ffffffffffff $::wire_mac 0x0806 [arp 1 $::wire_mac $::wire_ip 000000000000 $ip]]
        wire_pause 500
    }
    return $::wire_arp($ip)
}

# An echo request to ip (through its MAC mac): 1 if answered in time.
proc wire_ping {mac ip id seconds} {
    set echo [binary format ccSSSa32 8 0 0 $id 1 "arbor-wire-ping-0123456789abcdef"]
    set echo [string replace $echo 2 3 [binary format S [inet_checksum $echo]]]
    set until [expr {[clock milliseconds] + int($seconds * 1000 * $::timeout_scale)}]
    while {[clock milliseconds] < $until} {
        wire_send [eth $mac $::wire_mac 0x0800 [ipv4 $::wire_ip $ip 1 $echo $id]]
        set next [expr {[clock milliseconds] + 1000}]
        while {[clock milliseconds] < $next} {
            foreach f [wire_frames] {
                set p [ipv4_parse $f]
                if {$p eq "" || [dict get $p proto] != 1 || [dict get $p src] ne $ip} { continue }
                binary scan [dict get $p l4] cux3Su type rid
                if {$type == 0 && $rid == $id} { return 1 }
            }
            wire_pause 20
        }
    }
    return 0
}

# GET path from ip:80 (through MAC mac) from our port sport: the
# response (head and body), or "error: why".
proc wire_http_get {mac ip sport path seconds} {
    set me $::wire_ip
    set iss [expr {($sport * 7919) & 0x7fffffff}]
    set until [expr {[clock milliseconds] + int($seconds * 1000 * $::timeout_scale)}]
    set request "GET $path HTTP/1.1\r\nHost: $ip\r\nConnection: close\r\n\r\n"
    set state syn
    set got ""
    set last [tcp_seg $me $sport $ip 80 $iss 0 2]
    set sent 0
    while {[clock milliseconds] < $until} {
        if {[clock milliseconds] - $sent > 2000} {
            wire_send [eth $mac $::wire_mac 0x0800 [ipv4 $me $ip 6 $last]]
            set sent [clock milliseconds]
        }
        foreach f [wire_frames] {
            set p [ipv4_parse $f]
            if {$p eq "" || [dict get $p proto] != 6 || [dict get $p src] ne $ip} { continue }
            set seg [dict get $p l4]
            binary scan $seg SuSuIuIucucu from to seq ack off flags
            if {$from != 80 || $to != $sport} { continue }
            set data [string range $seg [expr {($off >> 4) * 4}] end]
            if {$flags & 4} { return "error: reset by the server in state $state" }
            if {$state eq "syn"} {
                if {($flags & 18) != 18 || $ack != ($iss + 1) % (1 << 32)} { continue }
                set rcv [expr {($seq + 1) % (1 << 32)}]
                set snd [expr {($iss + 1) % (1 << 32)}]
                set last [tcp_seg $me $sport $ip 80 $snd $rcv 24 $request]
                wire_send [eth $mac $::wire_mac 0x0800 [ipv4 $me $ip 6 $last]]
                set sent [clock milliseconds]
                set state data
                continue
            }
            if {$seq == $rcv && [string length $data]} {
                append got $data
                set rcv [expr {($rcv + [string length $data]) % (1 << 32)}]
            }
            if {($flags & 1) && ($seq + [string length $data]) % (1 << 32) == $rcv} {
                set rcv [expr {($rcv + 1) % (1 << 32)}]
                set fin [tcp_seg $me $sport $ip 80 [expr {($snd + [string length $request]) % (1 << 32)}] $rcv 17]
                wire_send [eth $mac $::wire_mac 0x0800 [ipv4 $me $ip 6 $fin]]
                return $got
            }
            set ackseg [tcp_seg $me $sport $ip 80 [expr {($snd + [string length $request]) % (1 << 32)}] $rcv 16]
            wire_send [eth $mac $::wire_mac 0x0800 [ipv4 $me $ip 6 $ackseg]]
            if {$ack == ($snd + [string length $request]) % (1 << 32)} { set sent [clock milliseconds] }
        }
        wire_pause 20
    }
    return "error: no answer in state $state after [string length $got] bytes"
}
