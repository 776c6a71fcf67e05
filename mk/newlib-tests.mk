# mk/newlib-tests.mk - Newlib's own test suite (newlib/testsuite of the
# unpacked pristine source, build/ports/newlib-3.3.0), the programs that
# apply to Arbor, each built with tools/arbor-cc into a component
# build/newlib-tests/newlib_NAME; run/newlib_tests.run boots them all.
#
#   make test/newlib_testsuite
#
# NEWLIB_TESTS lists DIR/FILE of newlib/testsuite; the component's name
# is newlib_ and the file's name without .c, "-" made "_". The programs
# Newlib's suite has but Arbor does not run, and why, are the run
# script's list and docs/libc.md's ("Newlib's own tests").

NEWLIB_TESTSUITE := $(NEWLIB_PORT)/newlib/testsuite
NEWLIB_TESTS := newlib.search/hsearchtest.c newlib.stdio/nulprintf.c newlib.stdio/swprintf.c \
                newlib.stdlib/atexit.c newlib.stdlib/size_max.c newlib.string/memcpy-1.c \
                newlib.string/memmove1.c newlib.string/strcmp-1.c newlib.string/tstring.c \
                newlib.wctype/tiswctype.c newlib.wctype/twctrans.c newlib.wctype/twctype.c
NEWLIB_TEST_DIR  := $(BUILD)/newlib-tests
newlib_test_bin = $(NEWLIB_TEST_DIR)/newlib_$(subst -,_,$(basename $(notdir $(1))))
NEWLIB_TEST_BINS := $(foreach t,$(NEWLIB_TESTS),$(call newlib_test_bin,$(t)))
# tstring keeps seven buffers of up to 2.1 x MAX_1 bytes on the stack
# (33000: 340 KiB); a component's stack is 64 KiB, so the test's own
# knob (SPU targets set it to 11000) makes them 4000 (41 KiB).
NEWLIB_TEST_FLAGS_tstring := -DMAX_1=4000

define newlib_test_rule
$(call newlib_test_bin,$(1)): $(NEWLIB_LIBC) $(LIBC_POSIX) tools/arbor-cc mk/newlib-tests.mk
	@mkdir -p $(NEWLIB_TEST_DIR)
	$(Q)sh tools/arbor-cc -O2 -I$(NEWLIB_TESTSUITE)/include $(NEWLIB_TEST_FLAGS_$(basename $(notdir $(1)))) \
	    -o $$@ $(NEWLIB_TESTSUITE)/$(1) -lm
endef
$(foreach t,$(NEWLIB_TESTS),$(eval $(call newlib_test_rule,$(t))))

.PHONY: test/newlib_testsuite
test/newlib_testsuite: $(NEWLIB_TEST_BINS)
