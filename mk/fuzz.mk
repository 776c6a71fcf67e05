# mk/fuzz.mk - libFuzzer targets for the parsers of untrusted bytes.
#
# One target per file fuzz/NAME.c, built with clang's libFuzzer, ASan and
# UBSan into build/fuzz/NAME together with the code it fuzzes
# (FUZZ_SRC_NAME). Provides:
#   make fuzz           every target for FUZZ_TIME seconds (default 300)
#   make fuzz/NAME      one target for FUZZ_TIME seconds
#   make fuzz-quick     every target for FUZZ_QUICK_TIME seconds (default 5);
#                       last line "N passed, N failed"; part of `make test`
# tools/fuzz runs them (seeds, corpus, crashes: see docs/fuzzing.md).

FUZZ_CC         ?= clang
FUZZ_TIME       ?= 300
FUZZ_QUICK_TIME ?= 5
FUZZ_TARGETS    := $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c))
FUZZ_CFLAGS     := -std=gnu11 $(WARN) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
                   -Iinclude -Ikernel -Ilibc/include

FUZZ_SRC_xml            := libc/src/xml.c libc/src/xml_node.c
FUZZ_SRC_hid            := libc/src/hid.c libc/src/hid_write.c libc/src/config_parse.c libc/src/xml.c \
                           libc/src/xml_node.c
FUZZ_SRC_route          := libc/src/route.c libc/src/xml.c libc/src/xml_node.c
FUZZ_SRC_args           := libc/src/args.c
FUZZ_SRC_request        := libc/src/args.c
FUZZ_SRC_elf            := common/elf.c
FUZZ_SRC_multiboot_info := kernel/multiboot_info.c
FUZZ_SRC_fat             := servers/fat/cache.c servers/fat/super.c servers/fat/name.c servers/fat/dir.c \
                            servers/fat/file.c
FUZZ_SRC_vt              := servers/terminal/vt.c servers/terminal/vt_parse.c
FUZZ_SRC_line_editor     := app/shell/line_editor.c libc/src/utf8.c
FUZZ_SRC_posix_line_edit := libc/posix/line_edit.c
FUZZ_SRC_nic_router      := servers/nic_router/route.c servers/nic_router/link.c servers/nic_router/dhcp.c \
                           servers/nic_router/net.c
FUZZ_SRC_http_request    := app/httpd/request.c
FUZZ_SRC_http_answer     := app/fetch/http.c

# request fuzzes the generated interface headers, on a stand-in for rt/session.h.
$(BUILD)/fuzz/obj/fuzz/request.c.o: FUZZ_CFLAGS := -Ifuzz/shim -I$(BUILD)/gen/include $(FUZZ_CFLAGS)
$(BUILD)/fuzz/obj/fuzz/request.c.o: $(SESSION_HEADERS)

# Compiled freestanding as in Arbor (clang refuses rt.h's main() in a
# hosted build) and instrumented for coverage; libFuzzer's main comes in
# at the link.
$(BUILD)/fuzz/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -ffreestanding -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

define fuzz_rule
$(BUILD)/fuzz/$(1): $$(patsubst %,$(BUILD)/fuzz/obj/%.o,fuzz/$(1).c $$(FUZZ_SRC_$(1)))
	@mkdir -p $$(dir $$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$^
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

$(BUILD)/fuzz/seed/%: fuzz/seed/%.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -std=gnu11 $(WARN) -O1 -o $@ $<

FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS)) \
             $(patsubst fuzz/seed/%.c,$(BUILD)/fuzz/seed/%,$(wildcard fuzz/seed/*.c))

.PHONY: fuzz fuzz-quick $(addprefix fuzz/,$(FUZZ_TARGETS))
fuzz: deps-check $(FUZZ_BINS)
	@tools/fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

$(addprefix fuzz/,$(FUZZ_TARGETS)): fuzz/%: deps-check $(FUZZ_BINS)
	@tools/fuzz $(FUZZ_TIME) $*

fuzz-quick: deps-check $(FUZZ_BINS)
	@tools/fuzz $(FUZZ_QUICK_TIME) $(FUZZ_TARGETS)

-include $(shell find $(BUILD)/fuzz -name '*.d' 2>/dev/null)
