# mk/ports.mk - programs from third-party sources (tools/port, ports/),
# compiled with tools/arbor-cc like any user's C program.
#
#   make ports/lua   build/bin/lua: the Lua 5.4 interpreter (lua.c and the library)
#   make ports/zlib  build/bin/zlib_example (zlib's own test) and build/bin/gz
#   make ports/sqlite  build/bin/sqlite3: the SQLite shell
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

# zlib: its library sources with its own test (example.c), and gz.c of
# test/zlib_test; HAVE_UNISTD_H is what zlib's configure would find.
ZLIB_DIR := $(BUILD)/ports/zlib-1.2.13.dfsg
ZLIB_SRC := adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate \
            inftrees trees uncompr zutil
ZLIB_CC  := sh tools/arbor-cc -O2 -Wall -DHAVE_UNISTD_H -I$(ZLIB_DIR)
$(ZLIB_DIR)/.arbor-port: ports/zlib.port $(wildcard ports/zlib/*.patch) tools/port
	$(Q)BUILD=$(BUILD) sh tools/port prepare zlib >/dev/null
$(BUILD)/bin/zlib_example: $(ZLIB_DIR)/.arbor-port tools/arbor-cc $(LIBC_POSIX) $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)$(ZLIB_CC) -o $@ $(addprefix $(ZLIB_DIR)/,$(addsuffix .c,$(ZLIB_SRC))) $(ZLIB_DIR)/test/example.c
$(BUILD)/bin/gz: test/zlib_test/gz.c $(ZLIB_DIR)/.arbor-port tools/arbor-cc $(LIBC_POSIX) $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)$(ZLIB_CC) -o $@ $(addprefix $(ZLIB_DIR)/,$(addsuffix .c,$(ZLIB_SRC))) test/zlib_test/gz.c

.PHONY: ports/zlib
ports/zlib: $(BUILD)/bin/zlib_example $(BUILD)/bin/gz

# SQLite: the amalgamation is made by SQLite's own build on the host
# (configure, then make sqlite3.c shell.c, which needs tclsh), then the
# shell is compiled for Arbor; no threads, extensions, WAL or mmap.
SQLITE_DIR := $(BUILD)/ports/sqlite3-3.40.1
SQLITE_GEN := $(BUILD)/sqlite-gen
SQLITE_FLAGS := -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_MAX_MMAP_SIZE=0 \
                -DSQLITE_OMIT_WAL -DSQLITE_DEFAULT_MEMSTATUS=0
$(SQLITE_DIR)/.arbor-port: ports/sqlite.port $(wildcard ports/sqlite/*.patch) tools/port
	$(Q)BUILD=$(BUILD) sh tools/port prepare sqlite >/dev/null
$(SQLITE_GEN)/sqlite3.c: $(SQLITE_DIR)/.arbor-port
	@echo "sqlite: making the amalgamation (log in $(SQLITE_GEN)/build.log)"
	$(Q)rm -rf $(SQLITE_GEN) && mkdir -p $(SQLITE_GEN)
	$(Q)cd $(SQLITE_GEN) && $(abspath $(SQLITE_DIR))/configure --disable-tcl --disable-readline \
	    --disable-threadsafe >build.log 2>&1 && $(MAKE) sqlite3.c shell.c >>build.log 2>&1 || \
	    { tail -n 20 build.log; echo "sqlite: amalgamation failed, see $(SQLITE_GEN)/build.log"; exit 1; }
$(BUILD)/bin/sqlite3: $(SQLITE_GEN)/sqlite3.c tools/arbor-cc $(LIBC_POSIX) $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)sh tools/arbor-cc -O2 $(SQLITE_FLAGS) -I$(SQLITE_GEN) -o $@ $(SQLITE_GEN)/sqlite3.c $(SQLITE_GEN)/shell.c

.PHONY: ports/sqlite
ports/sqlite: $(BUILD)/bin/sqlite3

# test/libc_bench: the C library's benchmarks of make bench (libc_bench with Lua's
# library: all of Lua but lua.c and luac.c; libc_start); tools/linux-bench builds the
# same sources for Linux with the host gcc and the same options.
$(BUILD)/bin/libc_bench: test/libc_bench/libc_bench.c $(BUILD)/bin/lua
	@mkdir -p $(dir $@)
	$(Q)sh tools/arbor-cc -O2 -Wall -I$(LUA_SRC_DIR) -o $@ test/libc_bench/libc_bench.c \
	    $$(ls $(LUA_SRC_DIR)/*.c | grep -v '/luac\?\.c$$') -lm

$(BUILD)/bin/libc_start: test/libc_bench/start.c tools/arbor-cc $(LIBC_POSIX) $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)sh tools/arbor-cc -O2 -Wall -Wextra -Werror -o $@ test/libc_bench/start.c

.PHONY: test/libc_bench
test/libc_bench: $(BUILD)/bin/libc_bench $(BUILD)/bin/libc_start
