/*
 * ELF64 parsing: a well-formed executable, each kind of malformed one,
 * and random mutations that must never read outside the image.
 */
#include "unit.h"
#include <arbor/elf.h>
#include <stdint.h>
#include <stdlib.h>

#define USER_END 0x0000800000000000ull

struct file {
    unsigned char b[4096];
};

static void phdr(struct file *f, unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va,
                 uint64_t filesz, uint64_t memsz)
{
    unsigned char *p = f->b + 64 + i * 56;
    memcpy(p, &type, 4);
    memcpy(p + 4, &flags, 4);
    memcpy(p + 8, &off, 8);
    memcpy(p + 16, &va, 8);
    memcpy(p + 32, &filesz, 8);
    memcpy(p + 40, &memsz, 8);
}

static void make(struct file *f, unsigned phnum)
{
    memset(f, 0, sizeof(*f));
    memcpy(f->b, "\177ELF", 4);
    f->b[4] = 2; /* 64-bit */
    f->b[5] = 1; /* little endian */
    uint16_t type = 2, machine = 62, phentsize = 56;
    uint64_t entry = 0x400000, phoff = 64;
    memcpy(f->b + 16, &type, 2);
    memcpy(f->b + 18, &machine, 2);
    memcpy(f->b + 24, &entry, 8);
    memcpy(f->b + 32, &phoff, 8);
    memcpy(f->b + 54, &phentsize, 2);
    memcpy(f->b + 56, &phnum, 2);
}

TEST(parses_loadable_segments)
{
    struct file f;
    make(&f, 3);
    phdr(&f, 0, 1, 5, 0x200, 0x400000, 0x100, 0x100);
    phdr(&f, 1, 4, 4, 0, 0, 0, 0); /* PT_NOTE: skipped */
    phdr(&f, 2, 1, 6, 0x300, 0x401000, 0x10, 0x2000);
    struct elf_image img;
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_OK);
    EXPECT(img.count == 2);
    EXPECT(img.entry == 0x400000);
    EXPECT(img.seg[1].memsz == 0x2000 && img.seg[1].filesz == 0x10);
    EXPECT(img.seg[0].flags == (ELF_SEG_R | ELF_SEG_X));
}

TEST(parses_an_image_at_an_odd_address)
{
    unsigned char *buf = malloc(sizeof(struct file) + 1);
    struct file f;
    make(&f, 1);
    phdr(&f, 0, 1, 5, 0x200, 0x400000, 0x100, 0x100);
    memcpy(buf + 1, f.b, sizeof(f.b)); /* a file inside a module or ROM need not be aligned */
    struct elf_image img;
    EXPECT(elf_parse(buf + 1, sizeof(f.b), USER_END, &img) == ELF_OK);
    EXPECT(img.count == 1 && img.entry == 0x400000 && img.seg[0].offset == 0x200);
    free(buf);
}

TEST(rejects_bad_headers)
{
    struct file f;
    struct elf_image img;
    make(&f, 0);
    EXPECT(elf_parse(f.b, 10, USER_END, &img) == ELF_TOO_SMALL);
    f.b[0] = 0;
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_MAGIC);
    make(&f, 0);
    f.b[4] = 1;
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_NOT_X86_64);
    make(&f, 0);
    f.b[16] = 3; /* ET_DYN */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_NOT_EXECUTABLE);
    make(&f, 200); /* program headers past the end */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_TOO_SMALL);
}

TEST(rejects_bad_segments)
{
    struct file f;
    struct elf_image img;
    make(&f, 1);
    phdr(&f, 0, 1, 5, 4000, 0x400000, 0x100, 0x100); /* file data past end */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_SEGMENT);
    phdr(&f, 0, 1, 5, 0, 0x400000, 0x200, 0x100); /* filesz > memsz */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_SEGMENT);
    phdr(&f, 0, 1, 5, 0, 0xffffffff80000000ull, 0x10, 0x10); /* kernel address */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_SEGMENT);
    phdr(&f, 0, 1, 5, 0, 0x7ffffffff000ull, 0x10, 0x2000); /* runs past the top */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_SEGMENT);
    phdr(&f, 0, 1, 5, 0, 0, 0x10, 0x10); /* page zero */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_SEGMENT);
    phdr(&f, 0, 1, 5, ~0ull, 0x400000, 2, 0x10); /* offset overflow */
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_BAD_SEGMENT);
}

TEST(rejects_too_many_segments)
{
    struct file f;
    struct elf_image img;
    make(&f, ELF_MAX_SEGMENTS + 1);
    for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++) {
        phdr(&f, i, 1, 4, 0, 0x400000 + i * 0x1000, 0x10, 0x10);
    }
    EXPECT(elf_parse(f.b, sizeof(f.b), USER_END, &img) == ELF_TOO_MANY);
}

TEST(random_mutations_stay_in_bounds)
{
    struct file f;
    srand(7);
    for (int round = 0; round < 20000; round++) {
        make(&f, 2);
        phdr(&f, 0, 1, 5, 0x200, 0x400000, 0x100, 0x100);
        phdr(&f, 1, 1, 6, 0x300, 0x401000, 0x10, 0x2000);
        for (int k = 0; k < 4; k++) {
            f.b[rand() % 200] = (unsigned char)rand();
        }
        size_t len = (size_t)(rand() % (int)sizeof(f.b));
        unsigned char *copy = malloc(len ? len : 1); /* ASan sees overreads */
        memcpy(copy, f.b, len);
        struct elf_image img;
        if (elf_parse(copy, len, USER_END, &img) == ELF_OK) {
            for (unsigned i = 0; i < img.count; i++) {
                EXPECT(img.seg[i].offset + img.seg[i].filesz <= len);
                EXPECT(img.seg[i].vaddr + img.seg[i].memsz <= USER_END);
            }
        }
        free(copy);
    }
}
