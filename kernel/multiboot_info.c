/*
 * Multiboot1 and Multiboot2 information -> struct boot_params.
 * Layouts from the Multiboot specifications 0.6.96 and 2.0. Pure code.
 *
 * Everything here comes from the boot loader and is trusted no further
 * than the reader allows: every address goes through the reader for
 * exactly the bytes used, offsets and bounds are computed in 64 bits,
 * loads go bytewise (the loader aligns little), every loop advances, and
 * a malformed structure is refused with a message the kernel prints.
 */
#include "boot_params.h"
#include <stddef.h>

#define MB1_INFO_SIZE 88    /* flags .. the VBE fields */
#define MB1_FB_INFO_END 116 /* .. framebuffer address, pitch, size, bpp, type, colours */
#define MB_FB_TYPE_RGB 1
#define MB1_STRING_MAX 128 /* longest loader string kept, with its NUL */

static uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t max)
{
    size_t i = 0;
    for (; i + 1 < cap && i < max && src[i]; i++) {
        dst[i] = src[i];
    }
    dst[i] = 0;
}

/* A NUL-terminated string at phys, one byte at a time through the reader:
 * it ends at its NUL, at cap - 1 bytes or where readable memory ends.
 * False if not even its first byte can be read. */
static bool read_str(boot_phys_reader rd, uint64_t phys, char *dst, size_t cap)
{
    size_t i = 0;
    for (; i + 1 < cap; i++) {
        const char *c = rd(phys + i, 1);
        if (!c && i == 0) {
            return false;
        }
        if (!c || !*c) {
            break;
        }
        dst[i] = *c;
    }
    dst[i] = 0;
    return true;
}

static void add_ram(struct boot_params *bp, uint64_t base, uint64_t len)
{
    if (len && bp->region_count < BOOT_MAX_REGIONS) {
        bp->ram[bp->region_count].base = base;
        bp->ram[bp->region_count].size = len;
        bp->region_count++;
    }
}

/*
 * A module's name: loaders put the path first when they pass one (QEMU
 * -initrd "path name"), GRUB gives what follows the path. So: the second
 * word if there are two, else the last path component of the only word.
 */
static void module_name(char *dst, size_t cap, const char *s, size_t max)
{
    size_t len = 0, word2 = 0, slash = 0;
    while (len < max && s[len]) {
        if (s[len] == ' ' && !word2) {
            word2 = len + 1;
        } else if (s[len] == '/' && !word2) {
            slash = len + 1;
        }
        len++;
    }
    size_t from = word2 ? word2 : slash, n = 0;
    while (from + n < len && s[from + n] != ' ') {
        n++;
    }
    copy_str(dst, cap, s + from, n);
}

/* NULL, or why the module cannot be taken. */
static const char *add_module(struct boot_params *bp, uint64_t start, uint64_t end, const char *name,
                              size_t max)
{
    if (end < start) {
        return "boot module ends before it starts";
    }
    if (bp->module_count == BOOT_MAX_MODULES) {
        return "too many boot modules (at most 32)";
    }
    struct boot_module *m = &bp->module[bp->module_count++];
    m->start = start;
    m->end = end;
    module_name(m->name, sizeof(m->name), name, max);
    return NULL;
}

/* Each entry: start, end, string address, reserved (16 bytes). */
static const char *mb1_modules(boot_phys_reader rd, uint64_t addr, uint64_t count, struct boot_params *bp)
{
    const uint8_t *mods = rd(addr, count * 16);
    if (!mods) {
        return "Multiboot1 module list unreadable";
    }
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = mods + 16 * i;
        char raw[MB1_STRING_MAX];
        if (!read_str(rd, ld32(e + 8), raw, sizeof(raw))) {
            return "Multiboot1 module string unreadable";
        }
        const char *bad = add_module(bp, ld32(e), ld32(e + 4), raw, sizeof(raw));
        if (bad) {
            return bad;
        }
    }
    return NULL;
}

/* Each entry: size (not counting itself, at least 20), base, length, type. */
static const char *mb1_memory_map(boot_phys_reader rd, uint64_t addr, uint64_t len, struct boot_params *bp)
{
    const uint8_t *p = rd(addr, len);
    if (!p) {
        return "Multiboot1 memory map unreadable";
    }
    for (uint64_t off = 0; off + 24 <= len; off += 4 + (uint64_t)ld32(p + off)) {
        if (ld32(p + off) < 20) {
            return "Multiboot1 memory map entry shorter than 20 bytes";
        }
        if (ld32(p + off + 20) == 1) {
            add_ram(bp, ld64(p + off + 4), ld64(p + off + 12));
        }
    }
    return NULL;
}

/* Multiboot1 (at info + 88) and Multiboot2 (tag + 8) lay the framebuffer
 * out alike: address 64, pitch, width, height 32, bpp and type 8 bits;
 * for type RGB the colour fields follow (position and size of red, green,
 * blue), at `colours` (Multiboot1 22, Multiboot2 24 after a reserved
 * word), or NULL where the loader's structure is too short to hold them:
 * then the usual layout of the depth (x8r8g8b8, r8g8b8, r5g6b5). */
static void read_framebuffer(const uint8_t *p, const uint8_t *colours, struct boot_params *bp)
{
    bp->fb.phys = ld64(p);
    bp->fb.pitch = ld32(p + 8);
    bp->fb.width = ld32(p + 12);
    bp->fb.height = ld32(p + 16);
    bp->fb.bpp = p[20];
    bp->fb.type = p[21];
    if (bp->fb.type != MB_FB_TYPE_RGB) {
        return;
    }
    static const uint8_t rgb888[6] = {16, 8, 8, 8, 0, 8}, rgb565[6] = {11, 5, 5, 6, 0, 5};
    const uint8_t *c = colours ? colours : bp->fb.bpp == 16 ? rgb565 : rgb888;
    bp->fb.red_pos = c[0];
    bp->fb.red_size = c[1];
    bp->fb.green_pos = c[2];
    bp->fb.green_size = c[3];
    bp->fb.blue_pos = c[4];
    bp->fb.blue_size = c[5];
}

static const char *mb1_framebuffer(boot_phys_reader rd, uint64_t info, struct boot_params *bp)
{
    const uint8_t *mbi = rd(info, MB1_FB_INFO_END);
    if (!mbi) {
        return "Multiboot1 framebuffer info unreadable";
    }
    read_framebuffer(mbi + 88, mbi + 110, bp);
    return NULL;
}

static const char *parse_mb1(uint64_t info, boot_phys_reader rd, struct boot_params *bp)
{
    const uint8_t *mbi = rd(info, MB1_INFO_SIZE);
    if (!mbi) {
        return "Multiboot1 info unreadable";
    }
    uint32_t flags = ld32(mbi);
    if ((flags & (1u << 2)) && !read_str(rd, ld32(mbi + 16), bp->cmdline, sizeof(bp->cmdline))) {
        return "Multiboot1 command line unreadable";
    }
    const char *bad = NULL;
    if (flags & (1u << 3)) {
        bad = mb1_modules(rd, ld32(mbi + 24), ld32(mbi + 20), bp);
    }
    if (!bad && !(flags & (1u << 6))) {
        bad = "Multiboot1 loader gave no memory map";
    }
    if (!bad) {
        bad = mb1_memory_map(rd, ld32(mbi + 48), ld32(mbi + 44), bp);
    }
    if (!bad && (flags & (1u << 12))) {
        bad = mb1_framebuffer(rd, info, bp);
    }
    return bad;
}

/* Tags with fields beyond type and size, and the bytes those take. */
static const struct {
    uint32_t type, min_size;
    const char *too_short;
} mb2_tag_min[] = {
    {3, 16, "Multiboot2 module tag shorter than its fields"},
    {6, 16, "Multiboot2 memory map tag shorter than its fields"},
    {8, 30, "Multiboot2 framebuffer tag shorter than its fields"},
    {14, 8 + 20, "Multiboot2 ACPI 1.0 RSDP tag shorter than an RSDP"},
    {15, 8 + 36, "Multiboot2 ACPI 2.0 RSDP tag shorter than an RSDP"},
};

/* Entries: base, length, type, reserved; entry size at least 24. */
static const char *mb2_memory_map(const uint8_t *t, uint32_t size, struct boot_params *bp)
{
    uint32_t esize = ld32(t + 8);
    if (esize < 24) {
        return "Multiboot2 memory map entries shorter than 24 bytes";
    }
    for (uint64_t off = 16; off + esize <= size; off += esize) {
        if (ld32(t + off + 16) == 1) {
            add_ram(bp, ld64(t + off), ld64(t + off + 8));
        }
    }
    return NULL;
}

/* One tag of `size` bytes (at least 8, all readable) at t; NULL or why not. */
static const char *mb2_tag(struct boot_params *bp, uint32_t type, uint32_t size, const uint8_t *t,
                           uint64_t tag_phys)
{
    for (size_t i = 0; i < sizeof(mb2_tag_min) / sizeof(mb2_tag_min[0]); i++) {
        if (mb2_tag_min[i].type == type && size < mb2_tag_min[i].min_size) {
            return mb2_tag_min[i].too_short;
        }
    }
    switch (type) {
    case 1: /* command line */
        copy_str(bp->cmdline, sizeof(bp->cmdline), (const char *)t + 8, size - 8);
        return NULL;
    case 3: /* module */
        return add_module(bp, ld32(t + 8), ld32(t + 12), (const char *)t + 16, size - 16);
    case 6:
        return mb2_memory_map(t, size, bp);
    case 8: /* framebuffer */
        read_framebuffer(t + 8, size >= 8 + 30 ? t + 8 + 24 : NULL, bp);
        return NULL;
    case 14: /* ACPI 1.0 RSDP copy */
    case 15: /* ACPI 2.0 RSDP copy */
        if (!bp->rsdp_copy || type == 15) {
            bp->rsdp_copy = tag_phys + 8;
        }
        return NULL;
    default:
        return NULL;
    }
}

static const char *parse_mb2(uint64_t info, boot_phys_reader rd, struct boot_params *bp)
{
    const uint8_t *hdr = rd(info, 8);
    uint32_t total = hdr ? ld32(hdr) : 0;
    if (total < 16 || total > (16u << 20)) {
        return "Multiboot2 info has a bad size";
    }
    const uint8_t *base = rd(info, total);
    if (!base) {
        return "Multiboot2 info unreadable";
    }
    bp->info_size = total;
    for (uint64_t off = 8; off + 8 <= total; off += ((uint64_t)ld32(base + off + 4) + 7) & ~7ull) {
        uint32_t type = ld32(base + off);
        uint32_t size = ld32(base + off + 4);
        if (type == 0) {
            break;
        }
        if (size < 8 || off + size > total) {
            return "Multiboot2 tag runs past the end";
        }
        const char *bad = mb2_tag(bp, type, size, base + off, info + off);
        if (bad) {
            return bad;
        }
    }
    return NULL;
}

bool boot_params_parse(uint32_t magic, uint64_t info, boot_phys_reader rd, struct boot_params *bp,
                       const char **why)
{
    *bp = (struct boot_params){0};
    if (magic == MB1_LOADER_MAGIC) {
        bp->protocol = 1;
        *why = parse_mb1(info, rd, bp);
    } else if (magic == MB2_LOADER_MAGIC) {
        bp->protocol = 2;
        *why = parse_mb2(info, rd, bp);
    } else {
        *why = "not started by a Multiboot loader";
    }
    if (!*why && bp->region_count == 0) {
        *why = bp->protocol == 1 ? "Multiboot1 memory map has no usable RAM"
                                 : "Multiboot2 loader gave no memory map with usable RAM";
    }
    return *why == NULL;
}
