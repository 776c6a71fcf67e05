; The console font, $(FONT_PSF) of mk/font.mk (build/font/console.psf), in
; the kernel image for the screen console (kernel/screen_console.c), which
; reads its PSF header and Unicode table at boot.
global console_font, console_font_end

section .rodata
console_font:
    incbin "build/font/console.psf"
console_font_end:
section .note.GNU-stack noalloc noexec nowrite progbits
