/*
 * Fuzz target: the Multiboot1 and Multiboot2 information parser
 * (kernel/multiboot_info.c). The input is a small physical memory: byte 0
 * picks the protocol, bytes 1-2 the address of the information, and
 * physical address N is byte N of the input (0 is unreadable, as in the
 * kernel). The reader hands out a fresh copy of exactly the bytes asked
 * for, at the alignment of their address, so ASan and UBSan see any read
 * past what was asked and any misaligned load; libFuzzer's -timeout
 * catches a loop that does not advance. What comes out must fit its
 * tables.
 */
#include "boot_params.h"
#include <stdlib.h>
#include <string.h>

#define COPIES_MAX 8192

static const uint8_t *mem;
static size_t mem_size;
static void *copies[COPIES_MAX];
static unsigned copy_count;

static const void *rd(uint64_t phys, uint64_t len)
{
    if (phys == 0 || phys > mem_size || len > mem_size - phys || copy_count == COPIES_MAX) {
        return NULL;
    }
    uint8_t *c = malloc((phys & 7) + len + 1);
    copies[copy_count++] = c;
    memcpy(c + (phys & 7), mem + phys, len);
    return c + (phys & 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) {
        return 0;
    }
    mem = data;
    mem_size = size;
    uint32_t magic = data[0] & 1 ? MB2_LOADER_MAGIC : MB1_LOADER_MAGIC;
    uint64_t info = data[1] | (uint64_t)data[2] << 8;
    struct boot_params bp;
    const char *why = "";
    bool ok = boot_params_parse(magic, info, rd, &bp, &why);
    while (copy_count) {
        free(copies[--copy_count]);
    }
    if (ok != (why == NULL) || bp.region_count > BOOT_MAX_REGIONS || bp.module_count > BOOT_MAX_MODULES) {
        abort();
    }
    for (unsigned i = 0; i < bp.module_count; i++) {
        if (bp.module[i].end < bp.module[i].start || strnlen(bp.module[i].name, 48) == 48) {
            abort();
        }
    }
    if (strnlen(bp.cmdline, sizeof(bp.cmdline)) == sizeof(bp.cmdline)) {
        abort();
    }
    return 0;
}
