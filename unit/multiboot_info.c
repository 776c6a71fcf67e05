/*
 * Boot-loader information parsing: Multiboot1 and Multiboot2 structures
 * built in a fake physical memory, plus malformed ones.
 */
#include "unit.h"
#include "boot_params.h"
#include <stdint.h>

static uint8_t mem[65536] __attribute__((aligned(8)));

static const void *rd(uint64_t phys, uint64_t len)
{
    if (phys == 0 || phys > sizeof(mem) || len > sizeof(mem) - phys) {
        return NULL;
    }
    return mem + phys;
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
    EXPECT(boot_params_parse(MB1_LOADER_MAGIC, info, rd, &bp, &why));
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
    EXPECT(!boot_params_parse(MB1_LOADER_MAGIC, 0x100, rd, &bp, &why));
    EXPECT(strstr(why, "memory map") != NULL);
}

TEST(wrong_magic_is_refused)
{
    const char *why = "";
    struct boot_params bp;
    EXPECT(!boot_params_parse(0x12345678, 0x100, rd, &bp, &why));
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
    EXPECT(boot_params_parse(MB2_LOADER_MAGIC, info, rd, &bp, &why));
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
    EXPECT(!boot_params_parse(MB2_LOADER_MAGIC, info, rd, &bp, &why));
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
        (void)boot_params_parse(MB2_LOADER_MAGIC, 0x2000, rd, &bp, &why);
        EXPECT(bp.region_count <= BOOT_MAX_REGIONS && bp.module_count <= BOOT_MAX_MODULES);
    }
}
