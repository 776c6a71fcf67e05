/*
 * Seed inputs for fuzz/multiboot_info.c: one well-formed Multiboot1 and
 * one Multiboot2 information, each with a command line, modules, a
 * memory map and a framebuffer, laid out in the target's input format
 * (byte 0 the protocol, bytes 1-2 the info address, byte N physical N).
 *
 *   multiboot_info DIR   writes DIR/mb1 and DIR/mb2
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t mem[1024];

static void put32(size_t at, uint32_t v)
{
    memcpy(mem + at, &v, 4);
}

static void put64(size_t at, uint64_t v)
{
    memcpy(mem + at, &v, 8);
}

static int save(const char *dir, const char *name, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(mem, 1, len, f) != len || fclose(f)) {
        perror(path);
        return 1;
    }
    return 0;
}

static void mb1(void)
{
    memset(mem, 0, sizeof(mem));
    mem[1] = 0x10; /* info at 0x10 */
    put32(0x10, (1u << 2) | (1u << 3) | (1u << 6) | (1u << 12));
    put32(0x10 + 16, 0x100);
    strcpy((char *)mem + 0x100, "verbose");
    put32(0x10 + 20, 2);
    put32(0x10 + 24, 0x120);
    put32(0x120, 0x200000);
    put32(0x124, 0x201000);
    put32(0x128, 0x140);
    put32(0x130, 0x300000);
    put32(0x134, 0x300400);
    put32(0x138, 0x150);
    strcpy((char *)mem + 0x140, "bin/core core");
    strcpy((char *)mem + 0x150, "/boot/config");
    put32(0x10 + 44, 48);
    put32(0x10 + 48, 0x180);
    for (unsigned i = 0; i < 2; i++) {
        put32(0x180 + 24 * i, 20);
        put64(0x184 + 24 * i, i ? 0x100000 : 0);
        put64(0x18c + 24 * i, i ? 0x7f00000 : 0x9fc00);
        put32(0x194 + 24 * i, 1);
    }
    put64(0x10 + 88, 0xfd000000);
    put32(0x10 + 96, 4096);
    put32(0x10 + 100, 1024);
    put32(0x10 + 104, 768);
    mem[0x10 + 108] = 32;
    mem[0x10 + 109] = 1;
}

static size_t tag(size_t at, uint32_t type, uint32_t size)
{
    put32(at, type);
    put32(at + 4, size);
    return at + ((size + 7) & ~7u);
}

static size_t mb2(void)
{
    memset(mem, 0, sizeof(mem));
    mem[0] = 1;
    mem[1] = 0x10; /* info at 0x10 */
    size_t t = 0x18;
    strcpy((char *)mem + t + 8, "quiet");
    t = tag(t, 1, 8 + 6);
    put32(t + 8, 0x400000);
    put32(t + 12, 0x401000);
    strcpy((char *)mem + t + 16, "init");
    t = tag(t, 3, 16 + 5);
    put32(t + 8, 24);
    put64(t + 16, 0x100000);
    put64(t + 24, 0x1000000);
    put32(t + 32, 1);
    put64(t + 40, 0xf0000000);
    put64(t + 48, 0x1000);
    put32(t + 56, 2);
    t = tag(t, 6, 16 + 48);
    put64(t + 8, 0xfd000000);
    put32(t + 16, 4096);
    put32(t + 20, 1024);
    put32(t + 24, 768);
    mem[t + 28] = 32;
    mem[t + 29] = 1;
    t = tag(t, 8, 32);
    memcpy(mem + t + 8, "RSD PTR ", 8);
    t = tag(t, 14, 8 + 20);
    t = tag(t, 0, 8);
    put32(0x10, (uint32_t)(t - 0x10));
    return t;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    mb1();
    if (save(argv[1], "mb1", 0x200)) {
        return 1;
    }
    size_t end = mb2();
    return save(argv[1], "mb2", end);
}
