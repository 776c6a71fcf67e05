/*
 * Multiboot1 and Multiboot2 information -> struct boot_params.
 * Layouts from the Multiboot specifications 0.6.96 and 2.0. Pure code.
 */
#include "boot_params.h"
#include <stddef.h>

/* Loader structures are only 4-byte aligned in places: load bytewise. */
static uint64_t ld64(const void *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static uint32_t ld32(const void *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t max)
{
    size_t i = 0;
    for (; src && i + 1 < cap && i < max && src[i]; i++) {
        dst[i] = src[i];
    }
    dst[i] = 0;
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
    while (s && len < max && s[len]) {
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
    copy_str(dst, cap, s ? s + from : s, n);
}

static void add_module(struct boot_params *bp, uint64_t start, uint64_t end, const char *name, size_t max)
{
    if (bp->module_count < BOOT_MAX_MODULES && end >= start) {
        struct boot_module *m = &bp->module[bp->module_count++];
        m->start = start;
        m->end = end;
        module_name(m->name, sizeof(m->name), name, max);
    }
}

static bool parse_mb1(uint64_t info, boot_phys_reader rd, struct boot_params *bp, const char **why)
{
    const uint32_t *mbi = rd(info, 88);
    if (!mbi) {
        *why = "Multiboot1 info unreadable";
        return false;
    }
    uint32_t flags = mbi[0];
    if (flags & (1u << 2)) {
        copy_str(bp->cmdline, sizeof(bp->cmdline), rd(mbi[4], 1), 127);
    }
    if (flags & (1u << 3)) {
        const uint32_t *mods = rd(mbi[6], (uint64_t)mbi[5] * 16);
        for (uint32_t i = 0; mods && i < mbi[5]; i++) {
            add_module(bp, mods[4 * i], mods[4 * i + 1], rd(mods[4 * i + 2], 1), 47);
        }
    }
    if (!(flags & (1u << 6))) {
        *why = "Multiboot1 loader gave no memory map";
        return false;
    }
    const uint8_t *p = rd(mbi[12], mbi[11]);
    for (uint32_t off = 0; p && off + 24 <= mbi[11];) {
        uint32_t size = ld32(p + off);
        if (size < 20) {
            break; /* malformed: entries are at least 20 bytes */
        }
        uint64_t base = ld64(p + off + 4);
        uint64_t len = ld64(p + off + 12);
        uint32_t type = ld32(p + off + 20);
        if (type == 1) {
            add_ram(bp, base, len);
        }
        off += size + 4;
    }
    if (flags & (1u << 12)) {
        bp->fb.phys = ld64(&mbi[22]);
        bp->fb.pitch = mbi[24];
        bp->fb.width = mbi[25];
        bp->fb.height = mbi[26];
        bp->fb.bpp = ((const uint8_t *)mbi)[108];
        bp->fb.type = ((const uint8_t *)mbi)[109];
    }
    return true;
}

static void mb2_tag(struct boot_params *bp, uint32_t type, uint32_t size, const uint8_t *t, uint64_t tag_phys,
                    boot_phys_reader rd)
{
    (void)rd;
    switch (type) {
    case 1: /* command line */
        copy_str(bp->cmdline, sizeof(bp->cmdline), (const char *)t + 8, size - 8);
        break;
    case 3: /* module */
        add_module(bp, ld32(t + 8), ld32(t + 12), (const char *)t + 16, size - 16);
        break;
    case 6: { /* memory map */
        uint32_t esize = ld32(t + 8);
        for (uint32_t off = 16; esize >= 24 && off + esize <= size; off += esize) {
            if (ld32(t + off + 16) == 1) {
                add_ram(bp, ld64(t + off), ld64(t + off + 8));
            }
        }
        break;
    }
    case 8: /* framebuffer */
        bp->fb.phys = ld64(t + 8);
        bp->fb.pitch = ld32(t + 16);
        bp->fb.width = ld32(t + 20);
        bp->fb.height = ld32(t + 24);
        bp->fb.bpp = t[28];
        bp->fb.type = t[29];
        break;
    case 14: /* ACPI 1.0 RSDP copy */
    case 15: /* ACPI 2.0 RSDP copy */
        if (!bp->rsdp_copy || type == 15) {
            bp->rsdp_copy = tag_phys + 8;
        }
        break;
    default:
        break;
    }
}

static bool parse_mb2(uint64_t info, boot_phys_reader rd, struct boot_params *bp, const char **why)
{
    const uint32_t *hdr = rd(info, 8);
    if (!hdr || hdr[0] < 16 || hdr[0] > (16u << 20)) {
        *why = "Multiboot2 info has a bad size";
        return false;
    }
    uint32_t total = hdr[0];
    const uint8_t *base = rd(info, total);
    for (uint32_t off = 8; off + 8 <= total;) {
        uint32_t type = ld32(base + off);
        uint32_t size = ld32(base + off + 4);
        if (type == 0) {
            break;
        }
        if (size < 8 || off + size > total) {
            *why = "Multiboot2 tag runs past the end";
            return false;
        }
        mb2_tag(bp, type, size, base + off, info + off, rd);
        off += (size + 7) & ~7u;
    }
    if (bp->region_count == 0) {
        *why = "Multiboot2 loader gave no memory map";
        return false;
    }
    return true;
}

bool boot_params_parse(uint32_t magic, uint64_t info, boot_phys_reader rd, struct boot_params *bp,
                       const char **why)
{
    *bp = (struct boot_params){0};
    if (magic == MB1_LOADER_MAGIC) {
        bp->protocol = 1;
        return parse_mb1(info, rd, bp, why);
    }
    if (magic == MB2_LOADER_MAGIC) {
        bp->protocol = 2;
        return parse_mb2(info, rd, bp, why);
    }
    *why = "not started by a Multiboot loader";
    return false;
}
