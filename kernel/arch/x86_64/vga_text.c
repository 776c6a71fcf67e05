/*
 * Early screen console: everything the kernel console prints (print.c)
 * also appears on the PC's VGA text screen, 80x25 cells of character and
 * attribute at physical 0xb8000, light grey on black, scrolling up.
 *
 * The kernel prints before it knows whether there is a text screen (the
 * boot loader's information is read once its own page tables are up), so
 * characters go to a shadow of the screen first; vga_text_init shows the
 * shadow and from then on every change goes to both. The shadow is the
 * truth: scrolling moves it and rewrites the screen, never reading device
 * memory. paging.c maps 0xa0000-0xbffff uncached, and root_task.c keeps
 * it out of the device memory core can hand out while the console is on.
 *
 * A text screen: Multiboot1 without framebuffer information (QEMU
 * -kernel: the BIOS left VGA in text mode), or Multiboot2 from GRUB under
 * BIOS saying EGA text or giving no framebuffer at all.
 * TODO: under UEFI the loader gives a GOP linear framebuffer (Multiboot2
 * framebuffer type 1) and there may be no VGA at all; a framebuffer
 * console with a font belongs here. Until then 0xb8000 is never touched
 * there and the console is serial only.
 */
#include "../../kernel.h"
#include "../../boot_params.h"
#include "arch.h"

#define VGA_TEXT_PHYS 0xb8000ull
#define COLS 80
#define ROWS 25
#define BLANK 0x0720 /* a space, light grey on black */

#define FB_TYPE_RGB 1
#define FB_TYPE_EGA_TEXT 2

static uint16_t shadow[ROWS * COLS];
static volatile uint16_t *screen; /* NULL: not shown (not yet, or no screen) */
static unsigned row, col;

static void show_all(void)
{
    for (unsigned i = 0; screen && i < ROWS * COLS; i++) {
        screen[i] = shadow[i] ? shadow[i] : BLANK;
    }
}

static void new_line(void)
{
    col = 0;
    if (++row < ROWS) {
        return;
    }
    row = ROWS - 1;
    memcpy(shadow, shadow + COLS, (ROWS - 1) * COLS * sizeof(shadow[0]));
    for (unsigned i = 0; i < COLS; i++) {
        shadow[(ROWS - 1) * COLS + i] = BLANK;
    }
    show_all();
}

void vga_text_putc(char c)
{
    if (c == '\r') {
        col = 0;
        return;
    }
    if (c == '\n') {
        new_line();
        return;
    }
    if (col == COLS) {
        new_line(); /* wrap only when the next character comes */
    }
    unsigned i = row * COLS + col++;
    shadow[i] = (uint16_t)(0x0700 | (uint8_t)c);
    if (screen) {
        screen[i] = shadow[i];
    }
}

/* Why there is no text screen to write to, or NULL if there is one. */
static const char *no_text_screen(const struct boot_params *bp)
{
    if (bp->fb.phys == 0) {
        return NULL; /* no framebuffer information: BIOS text mode */
    }
    if (bp->fb.type == FB_TYPE_EGA_TEXT) {
        bool standard = bp->fb.phys == VGA_TEXT_PHYS && bp->fb.width == COLS && bp->fb.height == ROWS;
        return standard ? NULL : "EGA text mode other than 80x25 at 0xb8000";
    }
    if (bp->fb.type == FB_TYPE_RGB) {
        return "linear framebuffer (UEFI GOP or VBE), no font console yet";
    }
    return "indexed-colour framebuffer, no font console yet";
}

void vga_text_init(const struct boot_params *bp)
{
    const char *why = no_text_screen(bp);
    if (why) {
        kprintf("kernel: no screen console: %s (%ux%u, type %u at 0x%lx); serial only\n", why, bp->fb.width,
                bp->fb.height, bp->fb.type, bp->fb.phys);
        return;
    }
    screen = phys_to_virt(VGA_TEXT_PHYS);
    show_all();
    kprintf("kernel: screen console on VGA text, %ux%u at 0xb8000\n", COLS, ROWS);
}

bool vga_text_active(void)
{
    return screen != NULL;
}
