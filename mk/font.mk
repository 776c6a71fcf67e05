# The console font: Uni2-VGA16 (8x16 cells, 512 glyphs with a Unicode
# table, PSF version 1) from Debian's console-setup-linux package, which
# tools/install-deps installs. Both the kernel's early console and
# servers/terminal draw with it, and tools that read the screen back
# compare against it, so every picture of a character comes from this one
# file. $(FONT_PSF) is the uncompressed font under build/.
FONT_SOURCE := /usr/share/consolefonts/Uni2-VGA16.psf.gz
FONT_PSF    := $(BUILD)/font/console.psf

$(FONT_PSF): $(FONT_SOURCE)
	@mkdir -p $(dir $@)
	$(Q)gzip -dc $< > $@.tmp && mv $@.tmp $@
$(FONT_SOURCE):
	@echo "missing $(FONT_SOURCE): run tools/install-deps (package console-setup-linux)" >&2; exit 1

.PHONY: font
font: $(FONT_PSF)

# The kernel's screen console embeds the font (incbin).
$(BUILD)/obj/kernel/arch/x86_64/console_font.asm.o: $(FONT_PSF)
