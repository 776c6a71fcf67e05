/*
 * The kernel's screen console: what the kernel console prints (print.c)
 * also on the PC's screen, from the first line on, drawn with the console
 * font ($(FONT_PSF), embedded by arch/x86_64/console_font.asm) in cells
 * of the font's size from the top-left corner. One module keeps the
 * cells and the cursor (screen_console.c); a back-end draws one cell:
 * VGA text mode (arch/x86_64/vga_text.c) or a linear framebuffer, GOP or
 * VBE (screen_fb.c). See docs/drivers.md, "The kernel's screen console".
 */
#ifndef KERNEL_SCREEN_CONSOLE_H
#define KERNEL_SCREEN_CONSOLE_H

#include <stdint.h>
#include <stdbool.h>
#include <arbor/psf.h>

struct boot_params;

/* A way to put glyphs on the screen. */
struct screen_backend {
    const char *what;    /* "VGA text", "framebuffer" */
    uint32_t glyphs;     /* glyphs it can show: 0 .. glyphs - 1 */
    uint64_t at;         /* physical address of the picture */
    uint64_t phys, size; /* the device memory it draws into */
    unsigned device;     /* enum kernel_device of that memory */
    void (*draw)(unsigned row, unsigned col, uint32_t glyph);
};

/* The back-ends: each sets up the screen and says how many cells it has,
 * or returns NULL with the reason in *why. */
const struct screen_backend *vga_text_open(const struct boot_params *bp, const struct psf_font *font,
                                           unsigned *cols, unsigned *rows, const char **why);
const struct screen_backend *screen_fb_open(const struct boot_params *bp, const struct psf_font *font,
                                            unsigned *cols, unsigned *rows, const char **why);

/* print.c: one byte of the console's output (UTF-8). Before
 * screen_console_init it is kept and shown then. */
void screen_console_putc(char c);

/* main.c: pick the back-end from what the loader says; log the result. */
void screen_console_init(const struct boot_params *bp);

/* root_task.c: the device memory the console draws into, or false. */
bool screen_console_memory(uint64_t *phys, uint64_t *size, unsigned *device);

/* The handover (syscall SCREEN_RELEASE): stop drawing; the cells are
 * still kept. False if the kernel does not draw (any more). */
bool screen_console_release(void);

/* panic(): take the screen back and show the cells again, so that the
 * panic that follows can be read on a PC without a serial port. */
void screen_console_reclaim(void);

#endif
