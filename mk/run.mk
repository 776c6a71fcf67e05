# mk/run.mk - booting, testing and imaging run scripts (run/NAME.run).
#
# Included by the top-level Makefile after its build rules. Provides:
#   make run              interactive boot of run/$(DEFAULT_RUN).run
#   make run/NAME         interactive boot, serial console here, Ctrl-a x quits
#   make test/NAME        boot headless and check the output (exit 0 = passed)
#   make image/NAME       build/images/NAME.iso, a hybrid ISO for CD/USB stick
#   make run/NAME DEBUG=gdb  the same, QEMU halted until gdb attaches
#   make test             make unit and fuzz-quick, then every script marked
#                         `# arbor: test`
#                         under the boot matrix; last line "N passed, N failed"
#   make deps             install the Debian packages (tools/install-deps)
# The boot configuration of run/ and test/ targets comes from the environment
# or the command line: RUN_BOOT, RUN_MACHINE, RUN_MEM, RUN_CPU, ARBOR_KVM,
# RUN_TIMEOUT_SCALE (see README.md). The work is done by tools/run.

DEFAULT_RUN ?= console

RUN_SCRIPTS := $(sort $(wildcard run/*.run))
RUN_NAMES   := $(patsubst run/%.run,%,$(RUN_SCRIPTS))

# Scripts `make test` runs, and the configurations (boot/machine/memory):
# every test script boots in RUN_TEST_DEFAULT; scripts that also contain the
# line `# arbor: matrix` boot in each configuration of RUN_TEST_MATRIX too.
# A line `# arbor: matrix CFG...` boots the script in the configurations it
# lists instead (tools/test-suite).
RUN_TEST_SCRIPTS ?= $(shell grep -l -E '^\#[[:space:]]*arbor:[[:space:]]*test[[:space:]]*$$' \
                      $(RUN_SCRIPTS) /dev/null)
RUN_TEST_DEFAULT ?= kernel/q35/128M
RUN_TEST_MATRIX  ?= kernel/pc/4G iso/q35/128M iso/pc/4G uefi/q35/4G uefi/pc/128M
# Scripts `make test` also boots with their configs converted to HID
# (tools/run --config-syntax hid): all of them, since the 48 such boots
# took 158 s on the loaded 2-core machine (December 2026); `make test-hid`
# boots only those (docs/config-reference.md, "Every scenario in HID").
RUN_TEST_HID ?= $(RUN_TEST_SCRIPTS)

# Extra options for tools/run, e.g. RUN_ARGS="--timeout-scale 3".
# DEBUG=gdb adds --gdb: QEMU waits for gdb (docs/debugging.md).
RUN_ARGS ?=
ifeq ($(DEBUG),gdb)
RUN_ARGS += --gdb
else ifneq ($(DEBUG),)
$(error DEBUG=$(DEBUG): the only debugger is gdb (DEBUG=gdb))
endif

# test/NAME means run/NAME.run here and a test component test/NAME/
# elsewhere; the two kinds must never share a name.
RUN_CLASHES := $(filter $(RUN_NAMES),$(patsubst test/%/main.c,%,$(wildcard test/*/main.c)))
ifneq ($(RUN_CLASHES),)
$(error run/$(firstword $(RUN_CLASHES)).run and test/$(firstword $(RUN_CLASHES))/ share a name; rename one of them)
endif

.PHONY: run test test-hid deps deps-check
.PHONY: $(addprefix run/,$(RUN_NAMES)) $(addprefix test/,$(RUN_NAMES)) \
        $(addprefix image/,$(RUN_NAMES))

run: run/$(DEFAULT_RUN)

$(addprefix run/,$(RUN_NAMES)): run/%: deps-check
	@tools/run --mode interactive $(RUN_ARGS) run/$*.run

$(addprefix test/,$(RUN_NAMES)): test/%: deps-check
	@tools/run --mode test $(RUN_ARGS) run/$*.run

$(addprefix image/,$(RUN_NAMES)): image/%: deps-check
	@tools/run --mode image $(RUN_ARGS) run/$*.run

# The output of the unit tests and of the quick fuzz run (mk/fuzz.mk) goes
# to build/test/unit.log and fuzz.log; tools/test-suite reads their closing
# lines and adds the boots.
test: deps-check
	@echo "test: $(MAKE) unit (output in build/test/unit.log)"
	@mkdir -p build/test; \
	    $(MAKE) --no-print-directory unit >build/test/unit.log 2>&1; \
	    echo $$? >build/test/unit.status
	@echo "test: $(MAKE) fuzz-quick (output in build/test/fuzz.log)"
	@$(MAKE) --no-print-directory fuzz-quick >build/test/fuzz.log 2>&1; \
	    echo $$? >build/test/fuzz.status
	@tools/test-suite --unit build/test/unit --unit build/test/fuzz \
	    --default '$(RUN_TEST_DEFAULT)' --matrix '$(RUN_TEST_MATRIX)' \
	    --hid '$(RUN_TEST_HID)' --args '$(RUN_ARGS)' $(RUN_TEST_SCRIPTS)

test-hid: deps-check
	@tools/test-suite --default '$(RUN_TEST_DEFAULT)/hid' --args '$(RUN_ARGS)' $(RUN_TEST_SCRIPTS)

deps:
	@tools/install-deps

# Stops with the install command when a tool is missing (installs it as root).
deps-check:
	@tools/install-deps --if-missing
