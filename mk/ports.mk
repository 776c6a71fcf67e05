# mk/ports.mk - programs from third-party sources (tools/port, ports/),
# compiled with tools/arbor-cc like any user's C program.
#
#   make ports/lua   build/bin/lua: the Lua 5.4 interpreter (lua.c and the library)
#
# A port's make target is its directory ports/NAME/ (patches, README), so
# that a run script's build line can name it.

LUA_SRC_DIR := $(BUILD)/ports/lua-5.4.4/src
$(BUILD)/bin/lua: ports/lua.port $(wildcard ports/lua/*.patch) tools/port tools/arbor-cc $(LIBC_POSIX) $(NEWLIB_LIBC)
	$(Q)BUILD=$(BUILD) sh tools/port prepare lua >/dev/null
	@mkdir -p $(dir $@)
	$(Q)sh tools/arbor-cc -O2 -Wall -o $@ $$(ls $(LUA_SRC_DIR)/*.c | grep -v '/luac\.c$$') -lm

.PHONY: ports/lua
ports/lua: $(BUILD)/bin/lua
