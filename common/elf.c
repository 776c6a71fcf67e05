/*
 * ELF64 program-header parsing (see include/arbor/elf.h). Layout from the
 * System V ABI ELF specification, x86_64 supplement.
 */
#include <arbor/elf.h>

struct ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

enum elf_status elf_parse(const void *image, size_t len, uint64_t user_end, struct elf_image *out)
{
    const unsigned char *p = image;
    if (len < sizeof(struct ehdr)) {
        return ELF_TOO_SMALL;
    }
    struct ehdr eh; /* copied: the image need not be aligned */
    __builtin_memcpy(&eh, image, sizeof(eh));
    if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F') {
        return ELF_BAD_MAGIC;
    }
    if (p[4] != 2 || p[5] != 1 || eh.machine != 62) {
        return ELF_NOT_X86_64;
    }
    if (eh.type != 2) {
        return ELF_NOT_EXECUTABLE;
    }
    if (eh.phentsize != sizeof(struct phdr) || eh.phoff > len ||
        (uint64_t)eh.phnum * sizeof(struct phdr) > len - eh.phoff) {
        return ELF_TOO_SMALL;
    }
    out->entry = eh.entry;
    out->count = 0;
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct phdr ph;
        __builtin_memcpy(&ph, p + eh.phoff + i * sizeof(ph), sizeof(ph)); /* phoff may be unaligned */
        if (ph.type != 1 || ph.memsz == 0) {
            continue;
        }
        if (ph.filesz > ph.memsz || ph.offset > len || ph.filesz > len - ph.offset || ph.vaddr < 0x1000 ||
            ph.vaddr >= user_end || ph.memsz > user_end - ph.vaddr) {
            return ELF_BAD_SEGMENT;
        }
        if (out->count == ELF_MAX_SEGMENTS) {
            return ELF_TOO_MANY;
        }
        struct elf_segment *s = &out->seg[out->count++];
        s->vaddr = ph.vaddr;
        s->memsz = ph.memsz;
        s->offset = ph.offset;
        s->filesz = ph.filesz;
        s->flags = ph.flags & 7;
    }
    if (out->entry < 0x1000 || out->entry >= user_end) {
        return ELF_BAD_SEGMENT;
    }
    return ELF_OK;
}

const char *elf_status_text(enum elf_status s)
{
    static const char *const text[] = {
        "ok",
        "truncated headers",
        "not an ELF file",
        "not an x86_64 ELF64 file",
        "not an executable",
        "segment outside file or user range",
        "too many segments",
    };
    return (unsigned)s < sizeof(text) / sizeof(text[0]) ? text[s] : "?";
}
