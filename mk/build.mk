# Build rules: kernel, component runtime, components, host unit tests.
#
# A component is a directory with a main.c under app/ or test/; every .c
# (and .S or .asm) in it is compiled and linked with the runtime into
# build/bin/<directory name>. `make <dir>` builds one (e.g. make app/hello).
# The kernel's and the runtime's own assembly is NASM (.asm).

CROSS   ?=
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
AR      := $(CROSS)ar
OBJCOPY := $(CROSS)objcopy
HOSTCC  ?= gcc
BUILD   := build
Q       ?= @

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes
BASE_CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fno-pic -fno-pie \
               -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
               -nostdinc -isystem $(shell $(CC) -print-file-name=include) -Iinclude
KERNEL_CFLAGS := $(BASE_CFLAGS) -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
                 -fno-omit-frame-pointer -Ikernel
USER_CFLAGS := $(BASE_CFLAGS) -Ilibc/include -I$(BUILD)/gen/include

# Session interfaces: include/session/NAME.def -> <session/NAME.h> (tools/ifgen).
SESSION_DEFS := $(wildcard include/session/*.def)
SESSION_HEADERS := $(patsubst include/session/%.def,$(BUILD)/gen/include/session/%.h,$(SESSION_DEFS))
$(BUILD)/gen/include/session/%.h: include/session/%.def tools/ifgen
	@mkdir -p $(dir $@)
	$(Q)sh tools/ifgen $< > $@.tmp && mv $@.tmp $@
.PHONY: interfaces
interfaces: $(SESSION_HEADERS)
ASFLAGS := -Iinclude
NASM    := nasm
NASMFLAGS := -f elf64 -g -F dwarf -w+all -w+error -I$(BUILD)/gen/

# ---- kernel -------------------------------------------------------------
ASM_CONSTS := kernel/arch/x86_64/asm_consts.c
KERNEL_SRC := $(filter-out $(ASM_CONSTS),$(wildcard kernel/*.c kernel/arch/x86_64/*.c)) \
              common/elf.c common/string.c common/psf.c
KERNEL_ASM := $(wildcard kernel/arch/x86_64/*.asm)
KERNEL_OBJ := $(patsubst %,$(BUILD)/obj/%.o,$(KERNEL_SRC) $(KERNEL_ASM))

# The IPC fast path keeps no frame pointer: two instructions per pass, in
# a function that never returns through its frame (docs/performance.md).
$(BUILD)/obj/kernel/ipc_fast.c.o: KERNEL_CFLAGS += -fomit-frame-pointer
$(BUILD)/obj/kernel/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@
# Constants the assembly shares with C (struct offsets, selectors,
# vectors): asm_consts.c compiled to assembler text, its "@asm NAME value"
# lines turned into NASM %defines. No value is written down twice.
$(BUILD)/gen/asm_consts.inc: $(ASM_CONSTS)
	@mkdir -p $(dir $@) $(BUILD)/obj/kernel/arch/x86_64
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MF $(BUILD)/obj/kernel/arch/x86_64/asm_consts.inc.d -MT $@ \
	    -S $< -o $(BUILD)/gen/asm_consts.s
	$(Q)sed -n 's/.*"@asm \([A-Za-z0-9_]*\) \(-\{0,1\}[0-9]*\)".*/%define \1 \2/p' \
	    $(BUILD)/gen/asm_consts.s >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/kernel/%.asm.o: kernel/%.asm $(BUILD)/gen/asm_consts.inc
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MT $@ -MP -o $@ $<
$(BUILD)/obj/common/%.c.o: common/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/obj/user/common/%.c.o: common/%.c | $(SESSION_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/kernel.elf: $(KERNEL_OBJ) kernel/arch/x86_64/kernel.ld
	@mkdir -p $(dir $@)
	$(Q)$(LD) -n -nostdlib -z max-page-size=0x1000 --no-warn-rwx-segments -T kernel/arch/x86_64/kernel.ld -o $@ $(KERNEL_OBJ)
$(BUILD)/kernel/kernel.bin: $(BUILD)/kernel/kernel.elf
	$(Q)$(OBJCOPY) -O binary $< $@

.PHONY: kernel
kernel: $(BUILD)/kernel/kernel.elf $(BUILD)/kernel/kernel.bin

# ---- component runtime (libc/) -------------------------------------------
LIBC_SRC := $(wildcard libc/src/*.c) common/elf.c common/string.c common/psf.c
LIBC_ASM := $(wildcard libc/src/*.asm)
LIBC_OBJ := $(patsubst %,$(BUILD)/obj/user/%.o,$(filter-out common/%,$(LIBC_SRC)) $(LIBC_ASM)) \
            $(BUILD)/obj/user/common/elf.c.o $(BUILD)/obj/user/common/string.c.o \
            $(BUILD)/obj/user/common/psf.c.o
LIBC := $(BUILD)/lib/libarbor.a

$(BUILD)/obj/user/%.c.o: %.c | $(SESSION_HEADERS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/obj/user/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ASFLAGS) -MMD -c $< -o $@
$(BUILD)/obj/user/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MT $@ -MP -o $@ $<
$(LIBC): $(LIBC_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# ---- components ---------------------------------------------------------
COMPONENT_DIRS := $(patsubst %/main.c,%,$(wildcard core/main.c init/main.c app/*/main.c test/*/main.c servers/*/main.c drivers/*/main.c))
USER_LD := libc/user.ld

define component_rule
$(1)_OBJ := $$(patsubst %,$(BUILD)/obj/user/%.o,$$(wildcard $(1)/*.c $(1)/*.S $(1)/*.asm))
$(BUILD)/bin/$(notdir $(1)): $$($(1)_OBJ) $(LIBC) $(USER_LD)
	@mkdir -p $$(dir $$@)
	$(Q)$(LD) -nostdlib -static -z max-page-size=0x1000 -T $(USER_LD) -o $$@ $$($(1)_OBJ) $(LIBC)
.PHONY: $(1)
$(1): $(BUILD)/bin/$(notdir $(1))
endef
$(foreach c,$(COMPONENT_DIRS),$(eval $(call component_rule,$(c))))

.PHONY: all components
components: $(addprefix $(BUILD)/bin/,$(notdir $(COMPONENT_DIRS)))
all: kernel components

# ---- host unit tests (unit/) --------------------------------------------
UNIT_TESTS := $(patsubst unit/%.c,%,$(filter-out unit/unit.c,$(wildcard unit/*.c)))
UNIT_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
               -Iinclude -Ikernel -Icore -Iunit -Ilibc/include
UNIT_SRC_cap_tree := kernel/cap_tree.c
UNIT_SRC_phys_mem := kernel/phys_mem.c
UNIT_SRC_multiboot_info := kernel/multiboot_info.c
UNIT_SRC_elf := common/elf.c
UNIT_SRC_account := core/account.c
UNIT_SRC_heap := libc/src/heap.c
UNIT_SRC_args := libc/src/args.c
UNIT_SRC_affinity := libc/src/affinity.c
UNIT_SRC_packet_stream := libc/src/packet_stream.c libc/src/packet_source.c libc/src/packet_sink.c
UNIT_SRC_xml := libc/src/xml.c libc/src/xml_node.c
UNIT_SRC_vfs := libc/posix/vfs.c libc/src/xml.c libc/src/xml_node.c
UNIT_SRC_line_edit := libc/posix/line_edit.c
UNIT_SRC_route := libc/src/route.c libc/src/xml.c libc/src/xml_node.c
UNIT_SRC_rom_module := libc/src/rom_module.c
UNIT_SRC_ps2 := drivers/ps2/scancode.c drivers/ps2/keymap.c drivers/ps2/mouse.c
UNIT_SRC_timer_deadline := drivers/timer/deadline.c
UNIT_SRC_rtc := drivers/rtc/cmos.c
UNIT_SRC_uart_line := drivers/uart/line.c
UNIT_SRC_part_table := servers/part_block/table.c
UNIT_SRC_nic_router_net := servers/nic_router/net.c
UNIT_SRC_fetch := app/fetch/http.c
$(BUILD)/unit/fetch: app/fetch/http.c app/fetch/fetch.h
UNIT_SRC_block_watchdog := libc/src/block_watchdog.c
$(BUILD)/unit/httpd: app/httpd/httpd.c app/httpd/request.c app/httpd/request.h
UNIT_SRC_terminal := servers/terminal/font.c common/psf.c servers/terminal/vt.c servers/terminal/vt_parse.c \
                     drivers/framebuffer/blit.c
UNIT_SRC_hid := libc/src/hid.c libc/src/hid_write.c libc/src/config_parse.c libc/src/xml.c libc/src/xml_node.c
UNIT_SRC_shell := app/shell/line_editor.c app/shell/log_ring.c app/shell/offers.c app/shell/state_report.c \
                  libc/src/xml.c libc/src/xml_node.c libc/src/utf8.c
UNIT_SRC_ext2 := $(filter-out servers/ext2/main.c servers/ext2/backend.c,\
                 $(wildcard servers/ext2/*.c))
$(BUILD)/unit/ext2: $(UNIT_SRC_ext2) servers/ext2/ext2.h
UNIT_SRC_fat := $(filter-out servers/fat/main.c servers/fat/backend.c,\
                 $(wildcard servers/fat/*.c))
$(BUILD)/unit/fat: $(UNIT_SRC_fat) servers/fat/fat.h servers/fat/dir.h
$(BUILD)/unit/args: $(UNIT_SRC_args) libc/include/rt/args.h
$(BUILD)/unit/affinity: $(UNIT_SRC_affinity) libc/include/rt/affinity.h
$(BUILD)/unit/ps2: $(UNIT_SRC_ps2) $(wildcard drivers/ps2/*.h) include/input/keycodes.h
$(BUILD)/unit/packet_stream: $(UNIT_SRC_packet_stream) libc/include/rt/packet_stream.h
$(BUILD)/unit/account: $(UNIT_SRC_account) core/account.h
$(BUILD)/unit/rom_module: $(UNIT_SRC_rom_module) libc/include/rt/rom_module.h
$(BUILD)/unit/timer_deadline: $(UNIT_SRC_timer_deadline) drivers/timer/deadline.h
$(BUILD)/unit/rtc: $(UNIT_SRC_rtc) drivers/rtc/cmos.h
$(BUILD)/unit/uart_line: $(UNIT_SRC_uart_line) drivers/uart/line.h
$(BUILD)/unit/serial: kernel/arch/x86_64/serial.c kernel/arch/x86_64/serial.h unit/serial_host.h
$(BUILD)/unit/part_table: $(UNIT_SRC_part_table) servers/part_block/table.h
$(BUILD)/unit/nic_router_net: $(UNIT_SRC_nic_router_net) servers/nic_router/net.h
$(BUILD)/unit/block_watchdog: $(UNIT_SRC_block_watchdog) libc/include/rt/block_watchdog.h
# reads the console font at run time
$(BUILD)/unit/terminal: $(UNIT_SRC_terminal) $(wildcard servers/terminal/*.h) drivers/framebuffer/blit.h \
                        $(BUILD)/font/console.psf
$(BUILD)/unit/heap: $(UNIT_SRC_heap) libc/include/rt/heap.h
$(BUILD)/unit/xml: $(UNIT_SRC_xml) libc/include/rt/xml.h libc/src/xml_scan.h
# vfs.c maps the File_system session's errors
$(BUILD)/unit/vfs: $(UNIT_SRC_vfs) libc/posix/posix.h libc/include/rt/xml.h $(BUILD)/gen/include/session/file_system.h
$(BUILD)/unit/vfs: UNIT_CFLAGS += -I$(BUILD)/gen/include
$(BUILD)/unit/line_edit: $(UNIT_SRC_line_edit) libc/posix/line_edit.h
$(BUILD)/unit/hid: $(UNIT_SRC_hid) libc/include/rt/xml.h libc/include/rt/hid.h libc/src/xml_scan.h
$(BUILD)/unit/shell: $(UNIT_SRC_shell) $(wildcard app/shell/*.h) libc/include/rt/xml.h
$(BUILD)/unit/route: $(UNIT_SRC_route) libc/include/rt/xml.h libc/include/rt/route.h libc/src/xml_scan.h

# ---- host tools (tools/) ------------------------------------------------
CONFIG_CONVERT_SRC := tools/config-convert.d/main.c $(UNIT_SRC_hid)
$(BUILD)/tools/config-convert: $(CONFIG_CONVERT_SRC) libc/include/rt/xml.h libc/include/rt/hid.h libc/src/xml_scan.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 $(WARN) -O2 -Ilibc/include -o $@ $(CONFIG_CONVERT_SRC)

SCREEN_CHECK_SRC := tools/screen-check.d/main.c common/psf.c
$(BUILD)/tools/screen-check: $(SCREEN_CHECK_SRC) include/arbor/psf.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 $(WARN) -O2 -Iinclude -o $@ $(SCREEN_CHECK_SRC)

$(BUILD)/unit/%: unit/%.c unit/unit.c unit/unit.h $(wildcard kernel/*.c kernel/*.h common/*.c include/arbor/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< unit/unit.c $(UNIT_SRC_$*)

.PHONY: unit
unit: $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))
	@pass=0; fail=0; \
	for t in $(UNIT_TESTS); do \
	    if out=$$($(BUILD)/unit/$$t 2>&1); then \
	        n=$$(printf '%s\n' "$$out" | sed -n 's/^unit: \([0-9]*\) passed.*/\1/p'); \
	        pass=$$((pass + $${n:-0})); echo "unit/$$t: $$(printf '%s\n' "$$out" | tail -1)"; \
	    else \
	        printf '%s\n' "$$out"; fail=$$((fail + 1)); echo "unit/$$t: FAILED"; \
	    fi; \
	done; \
	echo "$$pass passed, $$fail failed"; test $$fail -eq 0

.PHONY: clean
clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
