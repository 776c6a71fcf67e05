/*
 * Partition tables (table.h): MBR with its extended chain, GPT with
 * CRC checks and the backup header.
 */
#include "table.h"
#include <rt/rt.h>

#define EBR_CHAIN_MAX 64

static void say(struct part_table *t, const char *text)
{
    size_t n = strlen(text);
    n = n < sizeof(t->problem) - 1 ? n : sizeof(t->problem) - 1;
    memcpy(t->problem, text, n);
    t->problem[n] = 0;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t part_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (unsigned k = 0; k < 8; k++) {
            crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
        }
    }
    return ~crc;
}

void part_guid_text(const uint8_t *g, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    /* the first three fields are little-endian, the rest bytes in order */
    static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    unsigned o = 0;
    for (unsigned i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[g[order[i]] >> 4];
        out[o++] = hex[g[order[i]] & 15];
    }
    out[o] = 0;
}

const struct partition *part_table_find(const struct part_table *t, unsigned number)
{
    for (unsigned i = 0; i < t->count; i++) {
        if (t->part[i].number == number) {
            return &t->part[i];
        }
    }
    return NULL;
}

static void add(struct part_table *t, unsigned number, uint64_t first, uint64_t count)
{
    if (t->count < PART_MAX) {
        t->part[t->count++] = (struct partition){.number = number, .first = first, .count = count};
    }
}

static bool inside(uint64_t first, uint64_t count, uint64_t lo, uint64_t hi) /* hi: one past */
{
    return count && first >= lo && first < hi && count <= hi - first;
}

static bool extended(uint8_t type)
{
    return type == 0x05 || type == 0x0f || type == 0x85;
}

/* The logical partitions in the chain of EBRs of the extended partition. */
static void mbr_logical(struct part_table *t, uint64_t ext, uint64_t ext_count, uint64_t blocks,
                        part_read_fn read, void *ctx, uint8_t *buf)
{
    uint64_t ebr = ext;
    unsigned number = 5;
    for (unsigned n = 0; n < EBR_CHAIN_MAX; n++) {
        if (!read(ctx, ebr, buf) || buf[510] != 0x55 || buf[511] != 0xaa) {
            return;
        }
        const uint8_t *e = buf + 446;
        uint64_t first = ebr + le32(e + 8), count = le32(e + 12);
        if (e[4] && inside(first, count, ext, ext + ext_count)) {
            add(t, number, first, count);
            t->part[t->count - 1].mbr_type = e[4];
        }
        number++;
        uint64_t next = le32(e + 16 + 8);
        if (!extended(e[16 + 4]) || !next || next >= ext_count || ext + next <= ebr) {
            return; /* the chain ends, or would loop back */
        }
        ebr = ext + next;
    }
}

static void mbr(struct part_table *t, uint64_t blocks, part_read_fn read, void *ctx, uint8_t *buf)
{
    uint8_t table[64];
    memcpy(table, buf + 446, sizeof(table));
    t->kind = PART_MBR;
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *e = table + 16 * i;
        uint64_t first = le32(e + 8), count = le32(e + 12);
        if (!e[4]) {
            continue;
        }
        if (!inside(first, count, 1, blocks)) {
            continue; /* outside the disk: not served */
        }
        if (extended(e[4])) {
            mbr_logical(t, first, count, blocks, read, ctx, buf);
        } else {
            add(t, i + 1, first, count);
            t->part[t->count - 1].mbr_type = e[4];
        }
    }
}

struct gpt_header {
    uint64_t my, alternate, first_usable, last_usable, entries;
    uint32_t count, size, entries_crc;
};

/* The header at block lba, checked: false if it is no sane GPT header. */
static bool gpt_header(uint64_t lba, uint64_t block_size, uint64_t blocks, part_read_fn read, void *ctx,
                       uint8_t *buf, struct gpt_header *h)
{
    if (!read(ctx, lba, buf) || memcmp(buf, "EFI PART", 8) != 0) {
        return false;
    }
    uint32_t size = le32(buf + 12), crc = le32(buf + 16);
    if (size < 92 || size > block_size) {
        return false;
    }
    memset(buf + 16, 0, 4);
    if (part_crc32(0, buf, size) != crc) {
        return false;
    }
    *h = (struct gpt_header){.my = le64(buf + 24),
                             .alternate = le64(buf + 32),
                             .first_usable = le64(buf + 40),
                             .last_usable = le64(buf + 48),
                             .entries = le64(buf + 72),
                             .count = le32(buf + 80),
                             .size = le32(buf + 84),
                             .entries_crc = le32(buf + 88)};
    uint64_t entry_blocks = ((uint64_t)h->count * h->size + block_size - 1) / block_size;
    return h->my == lba && h->size >= 128 && h->size % 128 == 0 && h->size <= block_size &&
           block_size % h->size == 0 && h->count <= PART_GPT_ENTRIES_MAX &&
           h->first_usable <= h->last_usable && h->last_usable < blocks &&
           inside(h->entries, entry_blocks ? entry_blocks : 1, 1, blocks);
}

/* The entry array of h: its CRC checked first, then the entries taken. */
static bool gpt_entries(struct part_table *t, const struct gpt_header *h, uint64_t block_size,
                        part_read_fn read, void *ctx, uint8_t *buf)
{
    uint64_t bytes = (uint64_t)h->count * h->size, per = block_size / h->size;
    uint32_t crc = 0;
    for (uint64_t off = 0; off < bytes; off += block_size) {
        if (!read(ctx, h->entries + off / block_size, buf)) {
            return false;
        }
        crc = part_crc32(crc, buf, bytes - off < block_size ? bytes - off : block_size);
    }
    if (crc != h->entries_crc) {
        return false;
    }
    t->count = 0;
    for (uint64_t i = 0; i < h->count; i++) {
        if (i % per == 0 && !read(ctx, h->entries + i / per, buf)) {
            return false;
        }
        const uint8_t *e = buf + (i % per) * h->size;
        static const uint8_t unused[16];
        uint64_t first = le64(e + 32), last = le64(e + 40);
        if (!memcmp(e, unused, 16) || last < first ||
            !inside(first, last - first + 1, h->first_usable, h->last_usable + 1)) {
            continue;
        }
        add(t, (unsigned)i + 1, first, last - first + 1);
        struct partition *p = &t->part[t->count - 1];
        memcpy(p->type_guid, e, 16);
        for (unsigned c = 0; c < 36; c++) {
            uint16_t ch = (uint16_t)(e[56 + 2 * c] | e[57 + 2 * c] << 8);
            if (!ch) {
                break;
            }
            p->name[c] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
        }
    }
    return true;
}

static bool gpt(struct part_table *t, uint64_t block_size, uint64_t blocks, part_read_fn read, void *ctx,
                uint8_t *buf)
{
    struct gpt_header h;
    if (gpt_header(1, block_size, blocks, read, ctx, buf, &h) &&
        gpt_entries(t, &h, block_size, read, ctx, buf)) {
        t->kind = PART_GPT;
        return true;
    }
    if (gpt_header(blocks - 1, block_size, blocks, read, ctx, buf, &h) &&
        gpt_entries(t, &h, block_size, read, ctx, buf)) {
        t->kind = PART_GPT;
        t->gpt_backup = true;
        say(t, "the primary GPT is bad (header or entries CRC): the backup is used");
        return true;
    }
    return false;
}

void part_table_read(struct part_table *t, uint64_t block_size, uint64_t blocks, part_read_fn read, void *ctx)
{
    static uint8_t buf[PART_BLOCK_MAX];
    *t = (struct part_table){.kind = PART_NONE};
    if (block_size < 512 || block_size > PART_BLOCK_MAX || blocks < 3) {
        say(t, "no partition table on a disk of that geometry");
        return;
    }
    if (!read(ctx, 0, buf) || buf[510] != 0x55 || buf[511] != 0xaa) {
        say(t, "block 0 holds no MBR (no signature 0x55aa)");
        return;
    }
    bool protective = false;
    for (unsigned i = 0; i < 4; i++) {
        protective |= buf[446 + 16 * i + 4] == 0xee;
    }
    if (!protective) {
        mbr(t, blocks, read, ctx, buf);
        return;
    }
    if (!gpt(t, block_size, blocks, read, ctx, buf)) {
        t->count = 0;
        say(t, "a protective MBR, but neither GPT header with its entries is sane");
    }
}
