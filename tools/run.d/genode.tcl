# genode.tcl - the procedures of Genode's run tool that Genode's own run
# scripts use, with Genode's semantics (../shared/genode-dialect.md §3,
# docs/config-reference.md "Run scripts from Genode"), on Arbor's
# components. Genode names a build target by its source directory
# (core, init, lib/ld, timer, server/report_rom), a boot module by the
# artifact the build left (core, ld.lib.so, timer, report_rom) and depot
# archives by user/type/name (genodelabs/src/init); each maps onto an
# Arbor component here, and one Arbor lacks is a clear error.

set genode_artifacts {}
set genode_recording 1 ;# imports are no build artifacts
set genode_specs {x86 x86_64 64bit nova}

# Genode build targets with another name in Arbor; "" means Arbor needs
# nothing for it (every Arbor binary is static: no ld.lib.so).
array set genode_target_map {
    lib/ld ""
    timer drivers/timer
    drivers/timer drivers/timer
    server/report_rom servers/report_rom
    app/rom_logger app/rom_logger
    test/log app/hello
}

# The artifact a target leaves in build/bin.
proc genode_artifact {target} {
    switch -- $target {
        lib/ld { return ld.lib.so }
        kernel { return "" }
        test/log { return test-log }
    }
    return [file tail $target]
}

# Genode artifact names whose Arbor binary has another name: the boot
# module is a copy of the binary under Genode's name, so a config's
# <start name="test-log"> finds it.
array set genode_artifact_binary {
    test-log hello
}

# Put a copy of each such artifact among the modules into the boot
# directory (build_boot_image, both forms).
proc genode_alias_modules {modules} {
    foreach m $modules {
        if {![info exists ::genode_artifact_binary($m)]} { continue }
        set bin build/bin/$::genode_artifact_binary($m)
        if {![file isfile $::boot_dir/$m] && [file isfile $bin]} {
            file mkdir $::boot_dir
            file copy -force $bin $::boot_dir/$m
        }
    }
}

# The Arbor component a target names, "" if there is none.
proc genode_find_target {target} {
    if {[info exists ::genode_target_map($target)]} { return $target }
    if {$target in {kernel core init font} || [file isdirectory $::root/$target]} {
        return $target
    }
    set name [file tail $target]
    foreach dir {app servers drivers test} {
        if {[file isfile $::root/$dir/$name/main.c]} { return $dir/$name }
    }
    return ""
}

# Arbor's make target for a Genode or Arbor build target ("" if none is
# needed); a clear failure for one Arbor does not have.
proc genode_build_target {target} {
    if {[info exists ::genode_target_map($target)]} {
        return $::genode_target_map($target)
    }
    set found [genode_find_target $target]
    if {$found ne ""} { return $found }
    fail "build target '$target': Arbor has no such component (no $target/, no\
          app|servers|drivers|test/[file tail $target]/)"
}

# build_artifacts - the sorted, unique list of what the builds so far
# produced, as boot module names.
proc build_artifacts {} { return [lsort -unique $::genode_artifacts] }

proc genode_record_artifact {target} {
    set a [genode_artifact $target]
    if {$a ne ""} { lappend ::genode_artifacts $a }
}

## Depot archives

proc depot_user {} {
    global argv
    set i [lsearch -exact $argv --depot-user]
    if {$i >= 0} { return [lindex $argv [expr {$i + 1}]] }
    return genodelabs
}

# The kernel-specific base archive: Arbor answers as Genode on NOVA does
# (have_spec nova); it stands for Arbor's kernel, core and timer.
proc base_src {} { return base-nova }

proc drivers_interactive_pkg {} { return drivers_interactive-pc }
proc drivers_nic_pkg {} { return drivers_nic-pc }

# What an archive stands for in Arbor: a list of build targets.
proc genode_depot_targets {archive} {
    set parts [split $archive /]
    if {[llength $parts] < 3} {
        fail "import_from_depot '$archive': expected <user>/<type>/<name>\[/<version>\]"
    }
    lassign $parts user type name
    switch -- $type {
        src {
            if {[string match base-* $name]} { return {kernel core drivers/timer} }
            if {$name eq "init"} { return {init} }
            if {[genode_find_target $name] eq ""} {
                fail "import_from_depot '$archive': Arbor has no component for the src archive\
                      '$name' (no app|servers|drivers|test/$name/)"
            }
            return [list [genode_build_target $name]]
        }
        pkg {
            switch -glob -- $name {
                test-init - test-log { return {init app/hello} }
                drivers_interactive-* { return {drivers/platform drivers/ps2} }
            }
        }
        raw { }
    }
    fail "import_from_depot '$archive': Arbor has no component for the $type archive '$name'\
          (Arbor maps src/<component>, src/[base_src], pkg/test-init and\
          pkg/drivers_interactive-pc onto its own components)"
}

# import_from_depot archive... - the archives' components become boot
# modules: built now and copied into the boot directory, where
# build_boot_image takes every file from.
proc import_from_depot {args} {
    set targets {}
    foreach archive [concat {*}$args] {
        foreach t [genode_depot_targets $archive] {
            if {$t ni $targets} { lappend targets $t }
        }
    }
    set ::genode_recording 0
    build $targets
    set ::genode_recording 1
    file mkdir $::boot_dir
    foreach t $targets {
        set a [genode_artifact $t]
        if {$a ne "" && [file isfile build/bin/$a]} {
            file copy -force build/bin/$a $::boot_dir/$a
        }
    }
}

## Conditions

# assert expr ?msg? - expr in the caller's scope; false: exit 1.
proc assert {expr {msg ""}} {
    set value [uplevel 1 [list expr $expr]]
    if {![string is boolean -strict $value]} {
        fail "assert {$expr}: not a boolean: $value"
    }
    if {!$value} {
        puts stderr [expr {$msg ne "" ? $msg : "Test requires '$expr'"}]
        new_line
        puts "run/$::run_name: FAILED ([config_text]): Test requires '$expr'"
        exit 1
    }
}

proc have_spec {spec} { return [expr {$spec in $::genode_specs}] }

proc have_board {board} { return [expr {$board eq "pc"}] }

# Arbor always boots in QEMU (power_on/qemu, log/qemu) in its test runs.
proc have_include {include} { return [expr {$include in {power_on/qemu log/qemu}}] }

proc have_cmd_switch {switch} { return [expr {$switch in $::argv}] }

proc append_if {condition var args} {
    upvar 1 $var v
    if {$condition} { append v [join $args ""] }
}

proc lappend_if {condition var args} {
    upvar 1 $var v
    if {$condition} { foreach a $args { lappend v $a } }
}

## Output

# grep_output re - keep the lines of $output that match re.
proc grep_output {re} {
    regsub -all {\x1b\[[0-9;]*m} $::output "" text
    regsub -all {[\r\n]+} $text "\n" text
    set kept {}
    foreach line [split $text "\n"] {
        if {[regexp -- $re $line]} { lappend kept $line }
    }
    set ::output [join $kept "\n"]
}

# compare_output_to text - line i of $output equals line i of text, both
# trimmed; surplus output is ignored; a mismatch fails (-1 in Genode).
proc compare_output_to {text} {
    set want [split [string trim $text] "\n"]
    set got [split [string trim $::output] "\n"]
    for {set i 0} {$i < [llength $want]} {incr i} {
        set w [string trim [lindex $want $i]]
        set g [string trim [lindex $got $i]]
        if {$w ne $g} {
            msg "compare_output_to: line [expr {$i + 1}]: expected \"$w\", got \"$g\""
            fail "the output differs from the expected lines"
        }
    }
}

# install_boot_module name args... - a boot module from text, like
# install_config.
proc install_boot_module {name args} {
    file mkdir $::boot_dir
    set fh [open $::boot_dir/$name w]
    puts $fh [join $args ""]
    close $fh
}

# The boot modules of a Genode-style build_boot_image: the list given
# (Genode's artifact names, ld.lib.so dropped: Arbor's binaries are
# static) and every file in the boot directory, config included; core
# first, init second.
proc genode_boot_modules {modules} {
    set all {}
    foreach m $modules {
        if {$m ne "ld.lib.so" && $m ni $all} { lappend all $m }
    }
    foreach f [lsort [glob -nocomplain -type f -tails -directory $::boot_dir *]] {
        if {$f ni {serial.log qemu.sh gdb.cmd} && ![string match *.iso $f] && $f ni $all} {
            lappend all $f
        }
    }
    set ordered {}
    foreach first {core init} {
        if {$first in $all} { lappend ordered $first }
    }
    foreach m $all {
        if {$m ni {core init}} { lappend ordered $m }
    }
    return $ordered
}
