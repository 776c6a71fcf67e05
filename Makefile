# Arbor top-level Makefile: `make` builds everything into build/,
# `make run` boots the default scenario, `make test` runs all tests.
# Build rules live in mk/build.mk (the C library in mk/libc.mk), run/test/image targets in mk/run.mk,
# fuzzing in mk/fuzz.mk.

.DEFAULT_GOAL := all
include mk/build.mk
include mk/libc.mk
include mk/net.mk
include mk/ports.mk
include mk/newlib-tests.mk
include mk/font.mk
include mk/run.mk
include mk/bench.mk
include mk/fuzz.mk
