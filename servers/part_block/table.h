/*
 * Partition tables: the MBR (four primary entries, logical partitions
 * in the chain of extended boot records) and the GPT (UEFI 2.10,
 * section 5.3: header and entry array, each checked by its CRC32; the
 * backup header at the disk's last block when the primary is bad).
 * Pure logic over a function that reads one block, so the host tests
 * it (unit/part_table.c). Nothing a disk holds is trusted: every
 * partition lies inside the disk (GPT: inside the usable area), entry
 * counts and sizes are bounded, the extended chain is bounded.
 */
#ifndef PART_TABLE_H
#define PART_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PART_MAX 32
#define PART_BLOCK_MAX 4096 /* the largest block size read */
#define PART_GPT_ENTRIES_MAX 1024

enum part_kind { PART_NONE, PART_MBR, PART_GPT };

struct partition {
    unsigned number;       /* MBR: 1-4 primary, 5.. logical; GPT: entry index + 1 */
    uint64_t first, count; /* blocks */
    uint8_t mbr_type;
    uint8_t type_guid[16];
    char name[37]; /* GPT: the name (its ASCII characters; others '?') */
};

struct part_table {
    enum part_kind kind;
    bool gpt_backup; /* the primary GPT was bad: the backup was used */
    unsigned count;
    struct partition part[PART_MAX];
    char problem[96]; /* what was wrong, if anything: for the log */
};

/* Read block `block` (block_size bytes) into buf: false if the read
 * failed. */
typedef bool (*part_read_fn)(void *ctx, uint64_t block, void *buf);

/* Read the table of a disk of blocks blocks of block_size bytes (512
 * .. PART_BLOCK_MAX). t->kind PART_NONE if there is none that is sane
 * (t->problem says why). */
void part_table_read(struct part_table *t, uint64_t block_size, uint64_t blocks, part_read_fn read,
                     void *ctx);

/* The partition of that number, or NULL. */
const struct partition *part_table_find(const struct part_table *t, unsigned number);

/* A GUID as text, as UEFI writes it: "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
 * (out: 37 bytes). */
void part_guid_text(const uint8_t *guid, char *out);

/* The CRC32 of UEFI (and zlib, Ethernet): crc of the bytes so far
 * (0 at first), extended by len bytes of data. */
uint32_t part_crc32(uint32_t crc, const void *data, size_t len);

#endif
