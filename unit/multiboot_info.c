/*
 * Boot-loader information parsing: Multiboot1 and Multiboot2 structures
 * built in a fake physical memory, plus malformed ones. The reader hands
 * out a fresh heap copy of exactly the bytes asked for, at the alignment
 * of the physical address, so ASan catches a read past what the parser
 * asked for and UBSan a misaligned load; malformed input that used to hang
 * the parser is run under an alarm.
 */
#include "unit.h"
#include "boot_params.h"
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static uint8_t mem[65536] __attribute__((aligned(8)));
static void *copies[16384];
static unsigned copy_count;

static const void *rd(uint64_t phys, uint64_t len)
{
    if (phys == 0 || phys > sizeof(mem) || len > sizeof(mem) - phys || copy_count == 16384) {
        return NULL;
    }
    uint8_t *c = malloc((phys & 7) + len + 1);
    copies[copy_count++] = c;
    memcpy(c + (phys & 7), mem + phys, len);
    return c + (phys & 7);
}

/* Parses, then frees what the reader handed out; a hang ends the test binary. */
static bool parse(uint32_t magic, uint64_t info, struct boot_params *bp, const char **why)
{
    alarm(5);
    bool ok = boot_params_parse(magic, info, rd, bp, why);
    alarm(0);
    while (copy_count) {
        free(copies[--copy_count]);
    }
    return ok;
}

static void put32(uint64_t at, uint32_t v)
{
    memcpy(mem + at, &v, 4);
}
static void put64(uint64_t at, uint64_t v)
{
    memcpy(mem + at, &v, 8);
}

static void mb1_entry(uint64_t at, uint64_t base, uint64_t len, uint32_t type)
{
    put32(at, 20);
    put64(at + 4, base);
    put64(at + 12, len);
    put32(at + 20, type);
}

TEST(mb1_memory_map_modules_cmdline)
{
    memset(mem, 0, sizeof(mem));
    uint64_t info = 0x100;
    put32(info, (1u << 2) | (1u << 3) | (1u << 6));
    put32(info + 16, 0x800); /* cmdline */
    strcpy((char *)mem + 0x800, "kernel verbose");
    put32(info + 20, 2);     /* mods_count */
    put32(info + 24, 0x900); /* mods_addr */
    put32(0x900, 0x200000);
    put32(0x904, 0x201234);
    put32(0x908, 0xa00);
    put32(0x910, 0x300000);
    put32(0x914, 0x300010);
    put32(0x918, 0xa40);
    strcpy((char *)mem + 0xa00, "build/bin/core core");
    strcpy((char *)mem + 0xa40, "/boot/mods/config");
    put32(info + 44, 48);     /* mmap_length */
    put32(info + 48, 0x1000); /* mmap_addr */
    mb1_entry(0x1000, 0, 0x9fc00, 1);
    mb1_entry(0x1018, 0x100000, 0x7f00000, 1);
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(bp.protocol == 1);
    EXPECT(bp.region_count == 2 && bp.ram[1].base == 0x100000 && bp.ram[1].size == 0x7f00000);
    EXPECT(bp.module_count == 2);
    EXPECT(!strcmp(bp.module[0].name, "core"));
    EXPECT(!strcmp(bp.module[1].name, "config"));
    EXPECT(bp.module[0].end == 0x201234);
    EXPECT(!strcmp(bp.cmdline, "kernel verbose"));
}

TEST(mb1_without_memory_map_is_refused)
{
    memset(mem, 0, sizeof(mem));
    const char *why = "";
    struct boot_params bp;
    EXPECT(!parse(MB1_LOADER_MAGIC, 0x100, &bp, &why));
    EXPECT(strstr(why, "memory map") != NULL);
}

TEST(wrong_magic_is_refused)
{
    const char *why = "";
    struct boot_params bp;
    EXPECT(!parse(0x12345678, 0x100, &bp, &why));
    EXPECT(strstr(why, "Multiboot") != NULL);
}

static uint64_t mb2_tag(uint64_t at, uint32_t type, uint32_t size)
{
    put32(at, type);
    put32(at + 4, size);
    return at + ((size + 7) & ~7u);
}

TEST(mb2_tags)
{
    memset(mem, 0, sizeof(mem));
    uint64_t info = 0x2000, t = info + 8;
    strcpy((char *)mem + t + 8, "quiet");
    t = mb2_tag(t, 1, 8 + 6);
    put32(t + 8, 0x400000);
    put32(t + 12, 0x401000);
    strcpy((char *)mem + t + 16, "init");
    t = mb2_tag(t, 3, 16 + 5);
    put32(t + 8, 24);
    put32(t + 12, 0);
    put64(t + 16, 0x100000);
    put64(t + 24, 0x1000000);
    put32(t + 32, 1);
    put64(t + 40, 0xf0000000);
    put64(t + 48, 0x1000);
    put32(t + 56, 2);
    t = mb2_tag(t, 6, 16 + 48);
    memcpy(mem + t + 8, "RSD PTR ", 8);
    uint64_t rsdp_tag = t;
    t = mb2_tag(t, 14, 8 + 20);
    t = mb2_tag(t, 0, 8);
    put32(info, (uint32_t)(t - info));
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB2_LOADER_MAGIC, info, &bp, &why));
    EXPECT(bp.protocol == 2);
    EXPECT(!strcmp(bp.cmdline, "quiet"));
    EXPECT(bp.module_count == 1 && !strcmp(bp.module[0].name, "init"));
    EXPECT(bp.region_count == 1 && bp.ram[0].base == 0x100000);
    EXPECT(bp.rsdp_copy == rsdp_tag + 8);
}

TEST(mb2_tag_past_end_is_refused)
{
    memset(mem, 0, sizeof(mem));
    uint64_t info = 0x2000;
    put32(info, 32);
    mb2_tag(info + 8, 6, 4000); /* claims far more than the total */
    const char *why = "";
    struct boot_params bp;
    EXPECT(!parse(MB2_LOADER_MAGIC, info, &bp, &why));
}

TEST(mb2_random_garbage_never_crashes)
{
    uint32_t seed = 1;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < 4096; i++) {
            seed = seed * 1103515245u + 12345u;
            mem[0x2000 + i] = (uint8_t)(seed >> 16);
        }
        put32(0x2000, 8 + (seed % 4000));
        const char *why = "";
        struct boot_params bp;
        (void)parse(MB2_LOADER_MAGIC, 0x2000, &bp, &why);
        EXPECT(bp.region_count <= BOOT_MAX_REGIONS && bp.module_count <= BOOT_MAX_MODULES);
    }
}

/* A Multiboot1 info at `info` with a memory map of one RAM entry. */
static void mb1_minimal(uint64_t info, uint32_t flags)
{
    memset(mem, 0, sizeof(mem));
    put32(info, flags | (1u << 6));
    put32(info + 44, 24);
    put32(info + 48, 0x1000);
    mb1_entry(0x1000, 0x100000, 0x7f00000, 1);
}

TEST(mb2_total_beyond_readable_memory_is_refused)
{
    memset(mem, 0, sizeof(mem));
    uint64_t info = sizeof(mem) - 16;
    put32(info, 4000); /* the first 8 bytes are readable, the rest is not */
    const char *why = "";
    struct boot_params bp;
    EXPECT(!parse(MB2_LOADER_MAGIC, info, &bp, &why));
    EXPECT(why && strstr(why, "unreadable") != NULL);
}

TEST(mb1_structures_at_odd_addresses_are_read)
{
    memset(mem, 0, sizeof(mem));
    uint64_t info = 0x101;
    put32(info, (1u << 3) | (1u << 6));
    put32(info + 20, 1);
    put32(info + 24, 0x903);
    put32(0x903, 0x200000);
    put32(0x907, 0x201000);
    put32(0x90b, 0xa01);
    strcpy((char *)mem + 0xa01, "/boot/core");
    put32(info + 44, 24);
    put32(info + 48, 0x1005);
    mb1_entry(0x1005, 0x100000, 0x7f00000, 1);
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(bp.module_count == 1 && !strcmp(bp.module[0].name, "core") && bp.module[0].end == 0x201000);
    EXPECT(bp.region_count == 1 && bp.ram[0].size == 0x7f00000);
}

TEST(mb1_framebuffer_fields_after_the_first_88_bytes_are_read)
{
    uint64_t info = 0x100;
    mb1_minimal(info, 1u << 12);
    put64(info + 88, 0xfd000000);
    put32(info + 96, 4096);
    put32(info + 100, 1024);
    put32(info + 104, 768);
    mem[info + 108] = 32;
    mem[info + 109] = 1;
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(bp.fb.phys == 0xfd000000 && bp.fb.pitch == 4096 && bp.fb.width == 1024 && bp.fb.height == 768);
    EXPECT(bp.fb.bpp == 32 && bp.fb.type == 1);
}

TEST(mb1_unterminated_command_line_ends_with_memory)
{
    uint64_t info = 0x100;
    mb1_minimal(info, 1u << 2);
    put32(info + 16, sizeof(mem) - 5);
    memcpy(mem + sizeof(mem) - 5, "quiet", 5); /* no NUL before the end */
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(!strcmp(bp.cmdline, "quiet"));
}

TEST(mb1_unreadable_command_line_is_refused)
{
    uint64_t info = 0x100;
    mb1_minimal(info, 1u << 2);
    put32(info + 16, 0); /* the reader refuses address 0 */
    const char *why = "";
    struct boot_params bp;
    EXPECT(!parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(why && strstr(why, "command line") != NULL);
}

TEST(mb1_memory_map_offset_that_wraps_32_bits_ends_the_map)
{
    uint64_t info = 0x100;
    mb1_minimal(info, 0);
    put32(info + 44, 48);
    put32(0x1000, 0xfffffff0); /* next entry at 0xfffffff4: 32-bit bounds wrap */
    put32(0x1000 + 20, 1);
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(bp.region_count == 1 && bp.ram[0].base == 0x100000);
}

TEST(mb1_memory_map_entry_of_size_2_pow_32_minus_4_ends_the_map)
{
    uint64_t info = 0x100;
    mb1_minimal(info, 0);
    put32(info + 44, 48);
    mb1_entry(0x1018, 0x10000000, 0x1000, 1);
    put32(0x1018, 0xfffffffc); /* size + 4 is 0 in 32 bits: no advance */
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(bp.region_count == 2);
}

TEST(mb1_memory_map_entry_shorter_than_20_bytes_is_refused)
{
    uint64_t info = 0x100;
    mb1_minimal(info, 0);
    put32(0x1000, 8);
    const char *why = "";
    struct boot_params bp;
    EXPECT(!parse(MB1_LOADER_MAGIC, info, &bp, &why));
    EXPECT(why && strstr(why, "shorter") != NULL);
}

/* A Multiboot2 info at 0x2000 with a memory map, then one tag (type,
 * size, content already in place) that ends the info; its address. */
static uint64_t mb2_with_last_tag(uint32_t type, uint32_t size)
{
    uint64_t info = 0x2000, t = info + 8;
    put32(t + 8, 24);
    put64(t + 16, 0x100000);
    put64(t + 24, 0x1000000);
    put32(t + 32, 1);
    t = mb2_tag(t, 6, 16 + 24);
    uint64_t last = t;
    t = mb2_tag(t, type, size);
    put32(info, (uint32_t)(last + size - info));
    return last;
}

TEST(mb2_tags_shorter_than_their_fields_are_refused)
{
    static const uint32_t types[] = {3, 6, 8, 14, 15};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        memset(mem, 0, sizeof(mem));
        mb2_with_last_tag(types[i], 8);
        const char *why = "";
        struct boot_params bp;
        EXPECT(!parse(MB2_LOADER_MAGIC, 0x2000, &bp, &why));
        EXPECT(why && strstr(why, "shorter") != NULL);
    }
}

TEST(mb2_tag_size_near_2_pow_32_is_refused)
{
    static const uint32_t sizes[] = {0xfffffff9, 0xfffffffc, 0xffffffff, 0xfffffff8};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        memset(mem, 0, sizeof(mem));
        uint64_t info = 0x2000;
        put32(info, 64);
        mb2_tag(info + 8, 5, sizes[i]);
        const char *why = "";
        struct boot_params bp;
        EXPECT(!parse(MB2_LOADER_MAGIC, info, &bp, &why));
        EXPECT(why && strstr(why, "past the end") != NULL);
    }
}

TEST(mb2_framebuffer_tag_is_read)
{
    memset(mem, 0, sizeof(mem));
    uint64_t t = mb2_with_last_tag(8, 32);
    put64(t + 8, 0xfd000000);
    put32(t + 16, 4096);
    put32(t + 20, 1024);
    put32(t + 24, 768);
    mem[t + 28] = 32;
    mem[t + 29] = 1;
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB2_LOADER_MAGIC, 0x2000, &bp, &why));
    EXPECT(bp.fb.phys == 0xfd000000 && bp.fb.width == 1024 && bp.fb.bpp == 32 && bp.fb.type == 1);
    EXPECT(bp.info_size == t + 32 - 0x2000);
}

TEST(mb2_framebuffer_colour_fields_are_read)
{
    memset(mem, 0, sizeof(mem));
    uint64_t t = mb2_with_last_tag(8, 40);
    put64(t + 8, 0xc0000000);
    put32(t + 16, 1600);
    put32(t + 20, 800);
    put32(t + 24, 600);
    mem[t + 28] = 16;
    mem[t + 29] = 1;
    const uint8_t bgr555[6] = {0, 5, 5, 5, 10, 5};
    memcpy(mem + t + 32, bgr555, 6);
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB2_LOADER_MAGIC, 0x2000, &bp, &why));
    EXPECT(bp.fb.bpp == 16 && bp.fb.red_pos == 0 && bp.fb.red_size == 5 && bp.fb.green_pos == 5);
    EXPECT(bp.fb.green_size == 5 && bp.fb.blue_pos == 10 && bp.fb.blue_size == 5);
}

TEST(mb2_framebuffer_tag_without_colour_fields_gets_the_usual_layout)
{
    memset(mem, 0, sizeof(mem));
    uint64_t t = mb2_with_last_tag(8, 32);
    put64(t + 8, 0xfd000000);
    put32(t + 16, 4096);
    put32(t + 20, 1024);
    put32(t + 24, 768);
    mem[t + 28] = 32;
    mem[t + 29] = 1;
    const char *why = "";
    struct boot_params bp;
    EXPECT(parse(MB2_LOADER_MAGIC, 0x2000, &bp, &why));
    EXPECT(bp.fb.red_pos == 16 && bp.fb.red_size == 8 && bp.fb.green_pos == 8 && bp.fb.blue_pos == 0);
}
