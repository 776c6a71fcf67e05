/*
 * Fuzz target: the ELF64 executable parser (common/elf.c), used by the
 * kernel for the first task and by parents for their children. The input
 * is the file, parsed once where the fuzzer put it and once at an odd
 * address (a file inside a boot module or ROM need not be aligned). An
 * accepted image must describe only bytes of the file and addresses of
 * the user range.
 */
#include <arbor/elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define USER_END 0x0000800000000000ull

static void check(const void *image, size_t len)
{
    struct elf_image img;
    if (elf_parse(image, len, USER_END, &img) != ELF_OK) {
        return;
    }
    if (img.count > ELF_MAX_SEGMENTS || img.entry < 0x1000 || img.entry >= USER_END) {
        abort();
    }
    for (unsigned i = 0; i < img.count; i++) {
        const struct elf_segment *s = &img.seg[i];
        if (s->filesz > s->memsz || s->offset > len || s->filesz > len - s->offset || s->vaddr < 0x1000 ||
            s->vaddr >= USER_END || s->memsz > USER_END - s->vaddr || s->flags > 7) {
            abort(); /* a segment outside the file or the user range */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size);
    uint8_t *odd = malloc(size + 1);
    memcpy(odd + 1, data, size);
    check(odd + 1, size);
    free(odd);
    return 0;
}
