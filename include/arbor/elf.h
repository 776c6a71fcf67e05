/*
 * ELF64 executable parsing, shared by the kernel (first task) and the
 * component runtime (loading children). Pure code, fuzzed and unit-tested
 * on the host: every offset and size is checked against the image length.
 */
#ifndef ARBOR_ELF_H
#define ARBOR_ELF_H

#include <stdint.h>
#include <stddef.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_SEG_R 4
#define ELF_SEG_W 2
#define ELF_SEG_X 1

struct elf_segment {
    uint64_t vaddr;   /* where it goes */
    uint64_t memsz;   /* bytes in memory (>= filesz; the rest is zero) */
    uint64_t offset;  /* file offset of the initialised part */
    uint64_t filesz;  /* bytes taken from the file */
    uint32_t flags;   /* ELF_SEG_R/W/X */
};

struct elf_image {
    uint64_t entry;
    unsigned count;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

enum elf_status {
    ELF_OK = 0,
    ELF_TOO_SMALL,      /* shorter than the headers it claims */
    ELF_BAD_MAGIC,      /* not an ELF file */
    ELF_NOT_X86_64,     /* wrong class, endianness or machine */
    ELF_NOT_EXECUTABLE, /* not ET_EXEC */
    ELF_BAD_SEGMENT,    /* segment outside the file or the user range */
    ELF_TOO_MANY,       /* more than ELF_MAX_SEGMENTS loadable segments */
};

/* Parse the loadable segments of image[0..len); user_end bounds vaddr+memsz. */
enum elf_status elf_parse(const void *image, size_t len, uint64_t user_end, struct elf_image *out);
const char *elf_status_text(enum elf_status s);

#endif
