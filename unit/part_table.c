/*
 * servers/part_block's partition tables: the CRC32 against a known
 * value, a GPT read from its primary, from its backup when the primary
 * header or entry array is corrupt, none when both are; entries outside
 * the usable area skipped; MBR primaries and logical partitions, an
 * extended chain that loops, entries beyond the disk.
 */
#include "unit.h"
#include "../servers/part_block/table.h"
#include <stdlib.h>

#define BLOCKS 4096
#define BS 512

static uint8_t disk[BLOCKS][BS];
static unsigned reads;

static bool rd(void *ctx, uint64_t block, void *buf)
{
    reads++;
    if (block >= BLOCKS) {
        return false;
    }
    memcpy(buf, disk[block], BS);
    return true;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> 8 * i);
    }
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void mbr_entry(uint64_t block, unsigned i, uint8_t type, uint32_t first, uint32_t count)
{
    uint8_t *e = disk[block] + 446 + 16 * i;
    e[4] = type;
    put32(e + 8, first);
    put32(e + 12, count);
    disk[block][510] = 0x55;
    disk[block][511] = 0xaa;
}

/* A GPT: header at my, entries (128 of 128 bytes) at entries. */
static void gpt_copy(uint64_t my, uint64_t alt, uint64_t entries)
{
    uint8_t *h = disk[my];
    memset(h, 0, BS);
    memcpy(h, "EFI PART", 8);
    put32(h + 8, 0x10000);
    put32(h + 12, 92);
    put64(h + 24, my);
    put64(h + 32, alt);
    put64(h + 40, 34);
    put64(h + 48, BLOCKS - 34);
    put64(h + 72, entries);
    put32(h + 80, 128);
    put32(h + 84, 128);
    put32(h + 88, part_crc32(0, disk[entries], 128 * 128));
    put32(h + 16, part_crc32(0, h, 92));
}

static void entry(unsigned i, uint8_t type0, uint64_t first, uint64_t last, const char *name)
{
    uint8_t *e = disk[2] + 128 * i;
    e[0] = type0;
    e[16] = (uint8_t)(i + 1);
    put64(e + 32, first);
    put64(e + 40, last);
    for (unsigned c = 0; name[c]; c++) {
        e[56 + 2 * c] = (uint8_t)name[c];
    }
}

static void make_gpt(void)
{
    memset(disk, 0, sizeof(disk));
    mbr_entry(0, 0, 0xee, 1, BLOCKS - 1);
    entry(0, 0xaf, 2048, 2048 + 1023, "alpha");
    entry(2, 0xbf, 3072, 3999, "beta");
    entry(3, 0xcf, 100, BLOCKS - 1, "outside"); /* beyond the usable area */
    memcpy(disk[BLOCKS - 33], disk[2], 32 * BS);
    gpt_copy(1, BLOCKS - 1, 2);
    gpt_copy(BLOCKS - 1, 1, BLOCKS - 33);
}

static bool gpt_as_made(const struct part_table *t)
{
    const struct partition *a = part_table_find(t, 1), *b = part_table_find(t, 3);
    return t->kind == PART_GPT && t->count == 2 && a && b && a->first == 2048 && a->count == 1024 &&
           !strcmp(a->name, "alpha") && a->type_guid[0] == 0xaf && b->first == 3072 && b->count == 928 &&
           !strcmp(b->name, "beta") && !part_table_find(t, 4);
}

TEST(crc32_matches_the_known_check_value)
{
    EXPECT(part_crc32(0, "123456789", 9) == 0xcbf43926u);
    EXPECT(part_crc32(part_crc32(0, "1234", 4), "56789", 5) == 0xcbf43926u);
}

TEST(gpt_primary_gives_its_partitions)
{
    struct part_table t;
    make_gpt();
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(gpt_as_made(&t));
    EXPECT(!t.gpt_backup && !t.problem[0]);
}

TEST(gpt_corrupt_primary_header_falls_back_to_the_backup)
{
    struct part_table t;
    make_gpt();
    disk[1][40] ^= 1; /* first usable block: the header CRC no longer matches */
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(gpt_as_made(&t));
    EXPECT(t.gpt_backup && t.problem[0]);
}

TEST(gpt_corrupt_primary_entries_fall_back_to_the_backup)
{
    struct part_table t;
    make_gpt();
    disk[2][32] ^= 1; /* alpha's first block, in the primary array only */
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(gpt_as_made(&t));
    EXPECT(t.gpt_backup);
}

TEST(gpt_with_both_copies_bad_gives_no_partitions)
{
    struct part_table t;
    make_gpt();
    disk[1][40] ^= 1;
    disk[BLOCKS - 33][32] ^= 1;
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(t.kind == PART_NONE && t.count == 0 && t.problem[0]);
}

TEST(gpt_header_with_huge_entry_count_is_refused)
{
    struct part_table t;
    make_gpt();
    put32(disk[1] + 80, 0x40000000);
    put32(disk[1] + 16, 0);
    put32(disk[1] + 16, part_crc32(0, disk[1], 92));
    reads = 0;
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(gpt_as_made(&t) && t.gpt_backup);
    EXPECT(reads < 100);
}

TEST(mbr_gives_primaries_and_logical_partitions)
{
    struct part_table t;
    memset(disk, 0, sizeof(disk));
    mbr_entry(0, 0, 0x83, 63, 1000);
    mbr_entry(0, 1, 0x05, 2000, 2000); /* extended: 2000..3999 */
    mbr_entry(2000, 0, 0x83, 10, 500); /* logical 5: 2010.. */
    mbr_entry(2000, 1, 0x05, 600, 1000);
    mbr_entry(2600, 0, 0x0c, 1, 300); /* logical 6: 2601.. */
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    const struct partition *p1 = part_table_find(&t, 1), *p5 = part_table_find(&t, 5),
                           *p6 = part_table_find(&t, 6);
    EXPECT(t.kind == PART_MBR && t.count == 3);
    EXPECT(p1 && p1->first == 63 && p1->count == 1000 && p1->mbr_type == 0x83);
    EXPECT(p5 && p5->first == 2010 && p5->count == 500);
    EXPECT(p6 && p6->first == 2601 && p6->count == 300 && p6->mbr_type == 0x0c);
}

TEST(mbr_extended_chain_that_loops_ends)
{
    struct part_table t;
    memset(disk, 0, sizeof(disk));
    mbr_entry(0, 0, 0x05, 2000, 2000);
    mbr_entry(2000, 0, 0x83, 10, 100);
    mbr_entry(2000, 1, 0x05, 600, 1000);
    mbr_entry(2600, 0, 0x83, 10, 100);
    mbr_entry(2600, 1, 0x05, 0x7fffffff, 1000); /* beyond the extended partition */
    reads = 0;
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(t.count == 2 && reads < 10);
    mbr_entry(2600, 1, 0x05, 0, 1000); /* back to the first EBR: a loop */
    reads = 0;
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(t.count == 2 && reads < 10);
}

TEST(mbr_entry_beyond_the_disk_is_not_served)
{
    struct part_table t;
    memset(disk, 0, sizeof(disk));
    mbr_entry(0, 0, 0x83, 63, BLOCKS); /* runs one past the end */
    mbr_entry(0, 1, 0x83, 0xffffff00u, 0x200);
    mbr_entry(0, 2, 0x83, 100, 100);
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(t.kind == PART_MBR && t.count == 1 && part_table_find(&t, 3));
}

TEST(no_signature_no_table)
{
    struct part_table t;
    memset(disk, 0, sizeof(disk));
    part_table_read(&t, BS, BLOCKS, rd, NULL);
    EXPECT(t.kind == PART_NONE && t.count == 0);
}

TEST(guid_text_is_mixed_endian)
{
    static const uint8_t linux_fs[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
                                         0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
    char s[37];
    part_guid_text(linux_fs, s);
    EXPECT(!strcmp(s, "0FC63DAF-8483-4772-8E79-3D69D8477DE4"));
}
