# mk/libc.mk - the C library for C programs: Newlib built from its
# pristine Debian source (tools/port, ports/newlib.port) and Arbor's
# system layer under it (libc/posix/), linked with the component runtime.
#
#   make libc     build/newlib/install/x86_64-elf/{include,lib/libc.a,lib/libm.a}
#                 and build/lib/libarbor_posix.a; tools/arbor-cc links with them
#
# Newlib is configured with its own build system for a bare x86_64 ELF
# target with the host gcc: no supplied system calls (libc/posix gives
# them, under their reentrant names), no malloc (the runtime's heap is
# the one heap), no locks (single threaded). It is built once per
# configuration; its log is build/newlib/build.log.

NEWLIB_PORT   := $(BUILD)/ports/newlib-3.3.0
NEWLIB_PREFIX := $(abspath $(BUILD))/newlib/install
NEWLIB_INC    := $(NEWLIB_PREFIX)/x86_64-elf/include
NEWLIB_LIBC   := $(NEWLIB_PREFIX)/x86_64-elf/lib/libc.a
NEWLIB_LIBM   := $(NEWLIB_PREFIX)/x86_64-elf/lib/libm.a
NEWLIB_CFLAGS := -O2 -g -D__arbor__ -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none \
                 -fno-asynchronous-unwind-tables -U__linux__ -U__linux -Ulinux -U__gnu_linux__ \
                 -DMALLOC_PROVIDED -DREENTRANT_SYSCALLS_PROVIDED
NEWLIB_CONFIGURE := --target=x86_64-elf --prefix=$(NEWLIB_PREFIX) --disable-multilib \
                 --disable-newlib-supplied-syscalls --disable-newlib-multithread \
                 --enable-newlib-io-long-long --enable-newlib-io-c99-formats --disable-nls \
                 CC_FOR_TARGET=$(CC) AR_FOR_TARGET=$(AR) AS_FOR_TARGET=as LD_FOR_TARGET=$(LD) \
                 RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm OBJDUMP_FOR_TARGET=objdump

$(NEWLIB_LIBC): ports/newlib.port $(wildcard ports/newlib/*.patch) tools/port mk/libc.mk
	$(Q)BUILD=$(BUILD) sh tools/port prepare newlib >/dev/null
	@echo "newlib: configure and build (log in $(BUILD)/newlib/build.log)"
	$(Q)rm -rf $(BUILD)/newlib && mkdir -p $(BUILD)/newlib/obj
	$(Q)cd $(BUILD)/newlib/obj && $(abspath $(NEWLIB_PORT))/configure $(NEWLIB_CONFIGURE) \
	    'CFLAGS_FOR_TARGET=$(NEWLIB_CFLAGS)' >../build.log 2>&1 && \
	    $(MAKE) all-target-newlib >>../build.log 2>&1 && \
	    $(MAKE) install-target-newlib >>../build.log 2>&1 || \
	    { tail -n 30 ../build.log; echo "newlib: build failed, see $(BUILD)/newlib/build.log"; exit 1; }
$(NEWLIB_LIBM): $(NEWLIB_LIBC)

# The system layer is compiled against Newlib's headers, after the
# compiler's own (stddef.h, stdarg.h, ...), as everything else with
# warnings as errors.
POSIX_CFLAGS := $(USER_CFLAGS) -D__arbor__ -isystem libc/posix/include -isystem $(NEWLIB_INC)
POSIX_OBJ := $(patsubst %,$(BUILD)/obj/posix/%.o,$(wildcard libc/posix/*.c))
$(BUILD)/obj/posix/%.c.o: %.c | $(SESSION_HEADERS) $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(POSIX_CFLAGS) -MMD -MP -c $< -o $@

# A C program's libraries: the system layer and the runtime without what
# Newlib has (printf and friends, string functions) and without the
# runtime's own C entry (main(uint64_t)); Newlib's libc and libm; libgcc.
LIBC_POSIX := $(BUILD)/lib/libarbor_posix.a
LIBC_POSIX_RT := $(filter-out $(BUILD)/obj/user/libc/src/main_entry.c.o $(BUILD)/obj/user/libc/src/print.c.o \
                   $(BUILD)/obj/user/common/string.c.o,$(LIBC_OBJ))
$(LIBC_POSIX): $(POSIX_OBJ) $(LIBC_POSIX_RT)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

.PHONY: libc
libc: $(LIBC_POSIX) $(NEWLIB_LIBC) $(NEWLIB_LIBM)
