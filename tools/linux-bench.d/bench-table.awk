# bench-table.awk - the one table of `make bench` (mk/bench.mk), as Markdown.
#
#   awk -v mode=icount -f bench-table.awk build/bench/sizes.txt \
#       build/bench/arbor-*.log build/bench/linux.log
#
# Reads "bench: KEY median=N min=N iters=N" lines of the Arbor parts
# (arbor-PART.log; arbor-PART-firmware.log holds the stub kernel's
# "boot_kernel_entry"), the first child's "bench_child: entry=N logged=N"
# of the system parts (and its "ram_4k=N ram_256k=N"), "lbench: KEY ..." lines of the Linux run and
# "size KEY N" lines, and prints one row per operation: Arbor median and
# minimum, iterations, the Linux counterpart's median, Linux/Arbor, and
# the target of issue 4 (instruction counts: icount mode only).

function part_of(file,    p) {
    p = file
    sub(/.*\//, "", p)
    sub(/\.log$/, "", p)
    sub(/^arbor-/, "", p)
    return p
}

function field(line, name,    s) {
    s = line
    if (!match(s, name "=[0-9]+")) {
        return ""
    }
    s = substr(s, RSTART + length(name) + 1, RLENGTH - length(name) - 1)
    return s + 0
}

/^bench: [a-z0-9_]+ median=/ {
    key = $2
    p = part_of(FILENAME)
    if (p ~ /-firmware$/) {
        sub(/-firmware$/, "", p)
        fw[p] = field($0, "median")
        next
    }
    if (p == "kernel" || (p == "smp" && key ~ /^smp_/)) {
        am[key] = field($0, "median"); an[key] = field($0, "min"); ai[key] = field($0, "iters")
    }
    next
}

# The stream part: "[init -> bench] bench: stream_KEY median=N min=N iters=N",
# instructions per MiB moved.
/\] bench: stream_[a-z0-9_]+ median=/ {
    if (part_of(FILENAME) == "stream" && match($0, /bench: stream_[a-z0-9_]+/)) {
        key = substr($0, RSTART + 7, RLENGTH - 7)
        am[key] = field($0, "median"); an[key] = field($0, "min"); ai[key] = field($0, "iters")
    }
    next
}

# The session part: "[init -> bench] bench: session_call median=N min=N iters=N".
/\] bench: session_call median=/ {
    if (part_of(FILENAME) == "session") {
        am["session_call"] = field($0, "median"); an["session_call"] = field($0, "min")
        ai["session_call"] = field($0, "iters")
    }
    next
}

# The C library's parts: "[init -> libc_bench] bench: KEY median=N min=N iters=N"
# and libc_start's "libc_main" (its median: the TSC since reset at main's first line).
/\[init -> libc_(bench|start)\] bench: [a-z0-9_]+ median=/ {
    p = part_of(FILENAME)
    if ((p == "libc" || p == "libc_start") && match($0, /bench: [a-z0-9_]+ /)) {
        key = substr($0, RSTART + 7, RLENGTH - 8)
        am[key] = field($0, "median"); an[key] = field($0, "min"); ai[key] = field($0, "iters")
    }
    next
}

# The storage part: "[init -> ext2] bench: disk_mount ..." and
# "[init -> storage_bench] bench: disk_KEY median=N min=N iters=N".
/\] bench: disk_[a-z0-9_]+ median=/ {
    if (part_of(FILENAME) == "storage" && match($0, /bench: disk_[a-z0-9_]+ /)) {
        key = substr($0, RSTART + 7, RLENGTH - 8)
        am[key] = field($0, "median"); an[key] = field($0, "min"); ai[key] = field($0, "iters")
    }
    next
}

# The net part: "[init -> net_bench] bench: udp_rt_64 median=N min=N iters=N".
/\[init -> net_bench\] bench: [a-z0-9_]+ median=/ {
    if (part_of(FILENAME) == "net" && match($0, /bench: [a-z0-9_]+ /)) {
        key = substr($0, RSTART + 7, RLENGTH - 8)
        am[key] = field($0, "median"); an[key] = field($0, "min"); ai[key] = field($0, "iters")
    }
    next
}

/\[init -> first\] bench_child: ram_4k=/ {
    if (part_of(FILENAME) == "system1") {
        derive("core_ram_4k", field($0, "ram_4k")); derive("core_ram_256k", field($0, "ram_256k"))
    }
    next
}

/\[init -> first\] bench_child: entry=/ {
    p = part_of(FILENAME)
    entry[p] = field($0, "entry"); logged[p] = field($0, "logged")
    next
}

/^lbench: [a-z0-9_]+ median=/ {
    key = $2
    lm[key] = field($0, "median"); ln[key] = field($0, "min"); li[key] = field($0, "iters")
    next
}

/^size [a-z_]+ [0-9]+$/ {
    am[$2] = $3 + 0; an[$2] = $3 + 0; ai[$2] = "-"
    next
}

function num(v) {
    if (v == "" || v == "-") {
        return "-"
    }
    return sprintf("%.0f", v) # %d is 32 bits in mawk
}

# One row: label, Arbor key, Linux key ("" for none), target ("" for none).
function row(label, akey, lkey, target,    a, l, ratio, t, over) {
    a = (akey in am) ? am[akey] : ""
    l = (lkey != "" && lkey in lm) ? lm[lkey] : ""
    ratio = (a != "" && l != "" && a > 0) ? sprintf("%.1f", l / a) : "-"
    t = ""
    if (target != "" && a != "") {
        if (mode != "icount") {
            t = "≤ " target " (icount only)"
        } else if (a <= target) {
            t = "≤ " target ": met"
        } else {
            over = a - target
            t = sprintf("≤ %d: **missed by %.0f (%.1fx)**", target, over, a / target)
        }
    } else if (target != "") {
        t = "≤ " target
    }
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", label, num(a), num(akey in an ? an[akey] : ""),
        (akey in ai) ? ai[akey] : "-", (l == "" ? "-" : num(l) " " lname[lkey]), ratio, t
}

# A throughput row: the logs give instructions per MiB (median, min); the
# row shows MiB per million instructions (the min column: the best round)
# and, as Linux/Arbor, how many times Arbor's throughput Linux's is.
function rate(v) {
    return (v == "" || v <= 0) ? "-" : sprintf("%.2f", 1000000 / v)
}
function rate_row(label, akey, lkey,    a, l) {
    a = (akey != "" && akey in am) ? am[akey] : ""
    l = (lkey != "" && lkey in lm) ? lm[lkey] : ""
    printf "| %s | %s | %s | %s | %s | %s |  |\n", label, rate(a), rate(akey != "" && akey in an ? an[akey] : ""),
        (akey != "" && akey in ai) ? ai[akey] " MiB" : "-", (l == "" ? "-" : rate(l) " " lname[lkey]),
        (a != "" && l != "" && a > 0) ? sprintf("%.1f", l / a) : "-"
}

function derive(key, value) {
    am[key] = value; an[key] = value; ai[key] = 1
}

END {
    lname["getppid"] = "(getppid)"
    lname["pipe_rt"] = "(pipe, 1 B)"
    lname["futex_rt"] = "(futex, 2 processes)"
    lname["unix_rt"] = "(UNIX socket, 1 B)"
    lname["unix_rt_64"] = "(UNIX socket, 64 B)"
    lname["unix_rt_256"] = "(UNIX socket, 256 B)"
    lname["thread_create_join"] = "(pthread_create + join)"
    lname["fork_exit_wait"] = "(fork + exit + wait)"
    lname["fork_exec_wait"] = "(fork + exec + exit + wait)"
    lname["page_fault"] = "(first-touch page fault)"
    lname["mmap_touch_4k"] = "(mmap + touch 4 KiB)"
    lname["mmap_touch_1m"] = "(mmap + touch 1 MiB)"
    lname["pipe_mib"] = "(pipe, 4 KiB writes)"
    lname["unix_mib"] = "(UNIX socket, 4 KiB writes)"
    lname["boot_init"] = "(reset → /init)"
    lname["vmlinuz"] = "(vmlinuz)"
    lname["exec_to_main"] = "(fork + exec → main of a static glibc program)"
    lname["malloc_free_32"] = "(glibc)"
    lname["malloc_free_batch"] = "(glibc)"
    lname["file_rw_1m"] = "(tmpfs)"
    lname["lua_script"] = "(the same Lua, glibc)"
    lname["udp_rt_64"] = "(the same program, virtio-net driver)"
    lname["tcp_tx_mib"] = "(the same program)"
    lname["tcp_rx_mib"] = "(the same program)"
    lname["disk_mount"] = "(mount(2), ext4 driver)"
    lname["disk_list"] = "(opendir + readdir)"
    lname["disk_rand_4k"] = "(O_DIRECT pread of /dev/vda)"
    lname["disk_write_mib"] = "(buffered write + fsync)"
    lname["disk_read_mib"] = "(buffered read, cache dropped)"
    lname["disk_write_mib_direct"] = "(O_DIRECT write + fsync)"
    lname["disk_read_mib_direct"] = "(O_DIRECT read)"
    lname["pipe_rt_smp_same"] = "(pipe, 1 B, both on CPU 0)"
    lname["pipe_rt_smp_cross"] = "(pipe, 1 B, CPU 0 ↔ CPU 1)"
    lname["futex_rt_smp_same"] = "(futex, 2 processes on CPU 0)"
    lname["futex_rt_smp_cross"] = "(futex, CPU 0 ↔ CPU 1)"

    # Boot: the stub kernel measures the firmware (reset → kernel entry).
    if ("kernel" in fw && "boot_first_task" in am) {
        derive("boot_kernel_entry", fw["kernel"])
        derive("boot_to_first_task", am["boot_first_task"] - fw["kernel"])
    }
    if ("system1" in entry) {
        derive("boot_reset_to_child", entry["system1"])
        if ("system1" in fw) {
            derive("boot_to_child", entry["system1"] - fw["system1"])
        }
        derive("child_first_log", logged["system1"] - entry["system1"])
    }
    if ("system1" in entry && "system2" in entry) {
        derive("init_start_child", entry["system2"] - entry["system1"])
        derive("child_start_to_log", entry["system2"] - entry["system1"] + logged["system1"] - entry["system1"])
    }
    if ("libc_main" in am && "system1" in entry) {
        derive("libc_start_extra", am["libc_main"] - entry["system1"])
        if ("init_start_child" in am) {
            derive("libc_start_to_main", am["init_start_child"] + am["libc_start_extra"])
        }
    }
    if ("vmlinuz" in am) {
        lm["vmlinuz"] = am["vmlinuz"]
        delete am["vmlinuz"]
    }

    unit = mode == "icount" ? "instructions" : "TSC cycles"
    printf "| operation (%s) | Arbor median | Arbor min | iterations | Linux median | Linux/Arbor | target |\n", unit
    print "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
    row("null syscall", "null_syscall", "getppid", 50)
    row("IPC round trip, 2 PDs, 0 words", "ipc_pd_0w", "pipe_rt", 300)
    row("call through the session layer: counter_inc (client stub, badge lookup, generated dispatch, reply; 0 words in, 1 out)",
        "session_call", "", ("ipc_pd_0w" in am) ? am["ipc_pd_0w"] + 60 : "")
    row("IPC round trip, 2 PDs, 4 words (registers)", "ipc_pd_4w", "", 300)
    row("IPC round trip, 2 PDs, 8 words (registers)", "ipc_pd_8w", "unix_rt_64", 300)
    row("IPC round trip, 2 PDs, 32 words (UTCB)", "ipc_pd_32w", "unix_rt_256", "")
    row("IPC round trip, 2 PDs, 1 cap to the receiving endpoint (unwrapped)", "ipc_pd_cap_unwrap", "", "")
    row("IPC round trip, 2 PDs, 1 cap copied into the window (+ receiver's delete)", "ipc_pd_cap_copy", "", "")
    row("IPC round trip, 2 PDs, 0 words, deferred: reply_save, then reply_wait through the reply cap",
        "ipc_pd_deferred_0w", "", ("ipc_pd_0w" in am) ? am["ipc_pd_0w"] + 100 : "")
    row("IPC round trip, 2 PDs, 8 words, deferred: reply_save, then reply_wait through the reply cap",
        "ipc_pd_deferred_8w", "", ("ipc_pd_8w" in am) ? am["ipc_pd_8w"] + 100 : "")
    row("IPC round trip, 2 PDs, 0 words, deferred: reply_save, reply_to, reply_wait", "ipc_pd_deferred_to_0w", "", "")
    row("IPC round trip, 2 PDs, 8 words, deferred: reply_save, reply_to, reply_wait", "ipc_pd_deferred_to_8w", "", "")
    row("IPC round trip, 2 threads of one PD, 0 words", "ipc_thread_0w", "", "")
    row("IPC round trip, 2 threads of one PD, 8 words", "ipc_thread_8w", "", "")
    row("UNIX socket round trip, 1 byte (Linux only)", "", "unix_rt", "")
    row("notification: signal wakes a waiter in another PD (one way)", "notify_wake", "", "")
    row("notification ping-pong between 2 PDs (round trip)", "notify_pingpong", "futex_rt", "")
    # The SMP part (-smp 4; Linux's rows from its own -smp 4 boot): every
    # figure counts the instructions of all CPUs (icount: one clock).
    row("SMP (-smp 4): IPC round trip, 2 threads of one PD on one CPU, 0 words (target: within 5 % of the one-CPU figure)",
        "smp_ipc_same_cpu", "pipe_rt_smp_same", ("ipc_thread_0w" in am) ? int(am["ipc_thread_0w"] * 1.05) : "")
    row("SMP: IPC round trip across CPUs (client on CPU 0, server thread on CPU 1), 0 words", "smp_ipc_cross_cpu",
        "pipe_rt_smp_cross", "")
    row("SMP: notification ping-pong between 2 PDs on one CPU", "smp_notify_same_cpu", "futex_rt_smp_same", "")
    row("SMP: notification ping-pong across CPUs (two IPI wake-ups per round)", "smp_notify_cross_cpu",
        "futex_rt_smp_cross", "")
    row("SMP scaling: 1 client/server pair on 1 CPU, instructions of all CPUs per round trip", "smp_scale_1", "", "")
    row("SMP scaling: 2 pairs on 2 CPUs at once (target: work per instruction ≥ 90 % of 1 pair's)", "smp_scale_2", "",
        ("smp_scale_1" in am) ? int(am["smp_scale_1"] / 0.9) : "")
    row("SMP scaling: 4 pairs on 4 CPUs at once (target: the same)", "smp_scale_4", "",
        ("smp_scale_1" in am) ? int(am["smp_scale_1"] / 0.9) : "")
    row("fault round trip: ud2 → handler in another PD → resume", "fault_rt", "", 1000)
    row("page fault resolved by a user-level pager (map of a page zeroed at allocation), per 4 KiB", "pager_fault_4k", "page_fault", 2000)
    row("the same over 8x the pages and regions (flat?)", "pager_fault_4k_x8", "", 2000)
    row("the same with fault-ahead of 16 pages (a chunk per fault), per 4 KiB", "pager_ahead_4k", "", 2000)
    row("pager's allocation of that memory: retype of a zeroed 4 KiB frame", "pager_alloc_4k", "", "")
    row("page fault, pager retypes at fault time (zeroing and overlap walk on the fault path)", "pager_retype_4k", "", "")
    row("RAM from core: alloc + attach (mapped whole, no fault) + touch, 4 KiB", "core_ram_4k", "mmap_touch_4k", "")
    row("RAM from core: alloc + attach + touch, 256 KiB, per 4 KiB", "core_ram_256k", "", "")
    row("frame retype + map + touch, 4 KiB", "frame_4k", "mmap_touch_4k", "")
    row("frame retype + map + touch, per MiB", "frame_1m", "mmap_touch_1m", "")
    rate_row("bulk data between 2 PDs, MiB per million instructions (higher is better): packet stream, 4 KiB packets, zero copy (written in place, not read)", "stream_zero_mib", "pipe_mib")
    rate_row("… packet stream, 4 KiB packets, copied in by the producer and out by the consumer (what a pipe does)", "stream_copy_mib", "pipe_mib")
    rate_row("… UNIX socket, 4 KiB writes (Linux only)", "", "unix_mib")
    row("interrupt → user handler, PIT one-shot (from the programmed expiry)", "irq_pit", "", "")
    row("interrupt → user handler in another PD, UART (from the triggering port write)", "irq_uart", "", "")
    row("thread create + start + exit + destroy", "thread_create", "thread_create_join", "")
    row("PD create + destroy", "pd_create", "", "")
    row("fork + exit + wait (Linux only)", "", "fork_exit_wait", "")
    row("process: ELF into a new PD + run + exit + destroy", "process_create", "fork_exec_wait", "")
    row("init starts one more child (sessions, ELF, thread)", "init_start_child", "", "")
    row("child: main() → first log line written (LOG session via init and core)", "child_first_log", "", "")
    row("component started by init → its first log line", "child_start_to_log", "", "")
    row("C library: Lua 5.4 runs a CPU-bound script (test/libc_bench/bench.lua), one run",
        "lua_script", "lua_script", ("lua_script" in lm) ? int(lm["lua_script"] * 1.05) : "")
    row("C library: malloc(32) + free", "malloc_free_32", "malloc_free_32", "")
    row("C library: 64 blocks of 16–256 B malloc'd, then freed, per block", "malloc_free_batch", "malloc_free_batch", "")
    row("C library: a file written and read back, 1 MiB in 4 KiB calls, open → unlink (RAM fs)", "file_rw_1m", "file_rw_1m", "")
    row("C library: a C program as init's only child, reset → main()", "libc_main", "", "")
    row("… minus the same for a runtime component (bench_child): what Newlib and the system layer add to a start", "libc_start_extra", "", "")
    row("C library: init starts a C program → its main() (init starts one more child + the above)", "libc_start_to_main", "exec_to_main", "")
    row("storage: mount a 1 GiB ext2 disk (virtio_blk + servers/ext2; from the Block session's opening)", "disk_mount", "disk_mount", "")
    row("storage: list a directory of 10,000 files right after the mount (File_system session)", "disk_list", "disk_list", "")
    row("storage: 4 KiB read at a random offset from the Block session alone (virtio_blk)", "disk_rand_4k", "disk_rand_4k", "")
    row("storage: 64 MiB written to a file on ext2 in 1 MiB calls + sync, per MiB", "disk_write_mib", "disk_write_mib",
        ("disk_write_mib" in lm) ? int(lm["disk_write_mib"] * 1.5) : "")
    row("… the same against Linux's O_DIRECT", "disk_write_mib", "disk_write_mib_direct",
        ("disk_write_mib_direct" in lm) ? int(lm["disk_write_mib_direct"] * 1.5) : "")
    row("storage: 64 MiB read back from the file on ext2 in 1 MiB calls, per MiB (nothing of it cached)", "disk_read_mib", "disk_read_mib",
        ("disk_read_mib" in lm) ? int(lm["disk_read_mib"] * 1.5) : "")
    row("… the same against Linux's O_DIRECT", "disk_read_mib", "disk_read_mib_direct",
        ("disk_read_mib_direct" in lm) ? int(lm["disk_read_mib_direct"] * 1.5) : "")
    row("network: UDP echo round trip, 64 bytes, to a host echo server over QEMU user networking (test/net_bench: virtio_net + lwIP in the program)",
        "udp_rt_64", "udp_rt_64", "")
    row("network: TCP, guest → host, 1 MiB in 64 KiB sends, per MiB (instructions; target within 1.5x of Linux)", "tcp_tx_mib", "tcp_tx_mib",
        ("tcp_tx_mib" in lm) ? int(lm["tcp_tx_mib"] * 1.5) : "")
    row("network: TCP, host → guest, 1 MiB in 64 KiB receives, per MiB (instructions; target within 1.5x of Linux)", "tcp_rx_mib", "tcp_rx_mib",
        ("tcp_rx_mib" in lm) ? int(lm["tcp_rx_mib"] * 1.5) : "")
    row("boot: reset → kernel entry (firmware, stub kernel)", "boot_kernel_entry", "", "")
    row("boot: kernel entry → first task (bench_test) in main()", "boot_to_first_task", "", "")
    row("boot: kernel entry → init's first and last child in main() (log.run-like)", "boot_to_child", "", 5000000)
    row("boot: reset → init's first child in main()", "boot_reset_to_child", "boot_init", "")
    row("size: kernel image (kernel.bin), bytes", "kernel_bin", "vmlinuz", "")
    row("size: kernel text+data, bytes", "kernel_text", "", "")
    row("size: core text+data, bytes", "core_text", "", "")
    row("size: init text+data, bytes", "init_text", "", "")
    row("lines: kernel/ (*.c *.h *.asm)", "kernel_lines", "", "")
    row("lines: core/ (*.c *.h *.asm)", "core_lines", "", "")
}
