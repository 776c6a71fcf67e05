# mk/bench.mk - `make bench`: Arbor's benchmarks beside Linux's, one table.
#
# Included by the top-level Makefile after mk/run.mk. `make bench`
#   1. boots the parts of run/bench.run (among them "smp", with -smp 4) (test/bench_test as the first
#      task; core + init + one test/bench_child; the same with two
#      children), each followed by the stub kernel test/bench_stub that
#      measures the firmware, in QEMU mode BENCH_MODE. It runs a copy,
#      build/bench/bench_measure.run, whose boot directory
#      build/run/bench_measure/ no concurrent `make test` touches;
#   2. boots Debian's Linux kernel with the same mode (tools/linux-bench),
#      once on one CPU and once with -smp 4 for the SMP rows;
#   3. prints the table (tools/linux-bench.d/bench-table.awk), the mode and
#      the QEMU command lines; everything stays in build/bench/.
# BENCH_MODE: icount (default: one TSC tick per instruction, exact and
# repeatable), tcg (plain TCG: TSC cycles of the emulator, noisy) or kvm
# (hardware; only with VT-x/SVM). BENCH_ITERS, BENCH_WARMUP, BENCH_HEAVY:
# iterations of light operations, their warm-up rounds, iterations of
# heavy operations. BENCH_LINUX=0 leaves Linux out. Method and results:
# docs/performance.md.

BENCH_MODE   ?= icount
BENCH_ITERS  ?= 1000
BENCH_WARMUP ?= 100
BENCH_HEAVY  ?= 100
BENCH_LINUX  ?= 1
BENCH_TIMEOUT ?= 300
# Linux with -smp 4 (the SMP rows): under icount QEMU 7.2 it never
# finished booting (docs/performance.md, "SMP"), so in icount mode it is
# tried only with BENCH_LINUX_SMP=1; otherwise (tcg, kvm) always. Rows it
# does not give are left out with a note.
BENCH_LINUX_SMP ?= $(if $(filter icount,$(BENCH_MODE)),0,1)
BENCH_LINUX_SMP_TIMEOUT ?= 300
BENCH_DIR    := $(BUILD)/bench

$(BENCH_DIR)/bench_stub.bin: test/bench_stub/stub.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -c $< -o $(BENCH_DIR)/bench_stub.o
	$(Q)$(LD) -m elf_i386 -Ttext=0x100000 -e start -o $(BENCH_DIR)/bench_stub.elf $(BENCH_DIR)/bench_stub.o
	$(Q)$(OBJCOPY) -O binary $(BENCH_DIR)/bench_stub.elf $@

.PHONY: bench bench-check-mode
bench-check-mode:
	@case "$(BENCH_MODE)" in \
	icount|tcg) ;; \
	kvm) if [ ! -w /dev/kvm ] || ! grep -qwE 'vmx|svm' /proc/cpuinfo; then \
	         echo "bench: BENCH_MODE=kvm needs a usable /dev/kvm and a CPU with VT-x or SVM;" \
	              "this machine has none (use icount or tcg)"; exit 1; fi ;; \
	*) echo "bench: BENCH_MODE must be icount, tcg or kvm, not '$(BENCH_MODE)'"; exit 1 ;; \
	esac

bench: bench-check-mode deps-check $(BENCH_DIR)/bench_stub.bin
	@rm -f $(BENCH_DIR)/arbor-*.log $(BENCH_DIR)/linux.log $(BENCH_DIR)/linux-smp.log $(BENCH_DIR)/qemu-*.sh \
	    $(BENCH_DIR)/table.md
	@echo "bench: Arbor, mode $(BENCH_MODE), $(BENCH_ITERS) iterations (heavy: $(BENCH_HEAVY))"
	@cp run/bench.run $(BENCH_DIR)/bench_measure.run
	@BENCH_MODE=$(BENCH_MODE) BENCH_ITERS=$(BENCH_ITERS) BENCH_WARMUP=$(BENCH_WARMUP) \
	    BENCH_HEAVY=$(BENCH_HEAVY) BENCH_TIMEOUT=$(BENCH_TIMEOUT) BENCH_OUT=$(BENCH_DIR) BENCH_STUB=1 \
	    tools/run --mode test $(RUN_ARGS) $(BENCH_DIR)/bench_measure.run >$(BENCH_DIR)/arbor-run.txt 2>&1 || \
	    { tail -n 40 $(BENCH_DIR)/arbor-run.txt; echo "bench: the Arbor run failed;" \
	      "whole output in $(BENCH_DIR)/arbor-run.txt"; exit 1; }
	@linux=ok; linux_smp=ok; \
	if [ "$(BENCH_LINUX)" != 0 ]; then \
	    echo "bench: Linux, mode $(BENCH_MODE)"; \
	    tools/linux-bench --mode $(BENCH_MODE) --iters $(BENCH_ITERS) --warmup $(BENCH_WARMUP) \
	        --heavy $(BENCH_HEAVY) >$(BENCH_DIR)/linux-run.txt 2>&1 || linux=failed; \
	    if [ $$linux = failed ]; then tail -n 20 $(BENCH_DIR)/linux-run.txt; fi; \
	    if [ "$(BENCH_LINUX_SMP)" != 0 ]; then \
	    echo "bench: Linux, mode $(BENCH_MODE), -smp 4 (at most $(BENCH_LINUX_SMP_TIMEOUT) s)"; \
	    tools/linux-bench --mode $(BENCH_MODE) --iters $(BENCH_ITERS) --warmup $(BENCH_WARMUP) \
	        --heavy $(BENCH_HEAVY) --smp 4 --timeout $(BENCH_LINUX_SMP_TIMEOUT) \
	        >$(BENCH_DIR)/linux-smp-run.txt 2>&1 || linux_smp=failed; \
	    else linux_smp=skipped; fi; \
	fi; \
	{ echo "size kernel_bin $$(stat -c %s $(BUILD)/kernel/kernel.bin)"; \
	  size $(BUILD)/kernel/kernel.elf $(BUILD)/bin/core $(BUILD)/bin/init | \
	      awk 'NR > 1 { n = $$6; sub(/.*\//, "", n); if (n == "kernel.elf") n = "kernel"; \
	                    print "size " n "_text " $$1 + $$2 }'; \
	  echo "size kernel_lines $$(find kernel \( -name '*.[chS]' -o -name '*.asm' \) -exec cat {} + | wc -l)"; \
	  echo "size core_lines $$(find core \( -name '*.[chS]' -o -name '*.asm' \) -exec cat {} + | wc -l)"; \
	  k=$$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1); \
	  [ -z "$$k" ] || echo "size vmlinuz $$(stat -c %s $$k)"; \
	} >$(BENCH_DIR)/sizes.txt; \
	{ echo "Arbor benchmarks, mode $(BENCH_MODE), $$(date -u '+%Y-%m-%d %H:%M UTC'), host" \
	       "$$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	       "$$(nproc) CPUs, QEMU $$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')"; \
	  echo; \
	  awk -v mode=$(BENCH_MODE) -f tools/linux-bench.d/bench-table.awk $(BENCH_DIR)/sizes.txt \
	      $(BENCH_DIR)/arbor-*.log $$([ $$linux = ok ] && [ -f $(BENCH_DIR)/linux.log ] && echo $(BENCH_DIR)/linux.log) \
	      $$([ $$linux_smp = ok ] && [ -f $(BENCH_DIR)/linux-smp.log ] && echo $(BENCH_DIR)/linux-smp.log); \
	  echo; \
	  echo "Arbor (kernel part): $$(sed -n 's/^exec //; s/ "$$@"$$//p' $(BENCH_DIR)/qemu-kernel.sh)"; \
	  if [ $$linux = ok ] && [ -f $(BENCH_DIR)/qemu-linux.sh ]; then \
	      echo "Linux: $$(sed -n 's/^exec //p' $(BENCH_DIR)/qemu-linux.sh)"; fi; \
	  echo "Arbor (smp part): $$(sed -n 's/^exec //; s/ "$$@"$$//p' $(BENCH_DIR)/qemu-smp.sh)"; \
	  if [ $$linux_smp = ok ] && [ -f $(BENCH_DIR)/qemu-linux-smp.sh ]; then \
	      echo "Linux (SMP rows): $$(sed -n 's/^exec //p' $(BENCH_DIR)/qemu-linux-smp.sh)"; fi; \
	} >$(BENCH_DIR)/table.md; \
	echo; cat $(BENCH_DIR)/table.md; \
	if [ "$(BENCH_LINUX)" != 0 ] && [ $$linux_smp = skipped ]; then \
	    echo "bench: Linux's SMP rows are left out: under icount its -smp 4 boot never finished here" \
	         "(docs/performance.md, \"SMP\"); BENCH_LINUX_SMP=1 tries it"; \
	fi; \
	if [ "$(BENCH_LINUX)" != 0 ] && [ $$linux_smp = failed ]; then \
	    echo "bench: Linux's SMP rows are missing: its -smp 4 boot did not finish" \
	         "($(BENCH_DIR)/linux-smp-run.txt; under icount QEMU 7.2 runs Linux's 4 CPUs too slowly," \
	         "docs/performance.md, \"SMP\")"; \
	fi; \
	if [ $$linux = failed ]; then \
	    echo "bench: the Linux column is missing: tools/linux-bench failed (above; $(BENCH_DIR)/linux-run.txt)"; \
	    exit 1; \
	fi
