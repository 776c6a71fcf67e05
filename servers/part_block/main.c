/*
 * part_block: serves each partition of a disk as its own Block session.
 * It reads the disk's MBR or GPT (table.c) at start and logs every
 * partition it found; a client's <policy> names its partition by
 * number (partition="2"; MBR: 1-4 primary, 5.. logical), or on a GPT by
 * name (name="data") or type GUID (type="0FC63DAF-..."). A session
 * sees blocks 0..count-1 of its partition and nothing beyond it:
 * rt/block_server.h checks every request against the partition's size.
 * A policy that names no partition of this disk refuses the session
 * (logged). README for the config.
 */
#include "part_block.h"
#include <rt/xml.h>
#include <session/block.h>

#define MAX_BYTES (64u << 10)

static struct part_block part_block;

static bool read_block(void *ctx, uint64_t block, void *buf)
{
    return disk_read(ctx, block, buf);
}

static void report(const struct part_table *t, uint64_t block_size)
{
    char guid[37];
    if (t->problem[0]) {
        printf("%s\n", t->problem);
    }
    printf("%s partition table: %u partitions\n",
           t->kind == PART_GPT   ? "GPT"
           : t->kind == PART_MBR ? "MBR"
                                 : "no",
           t->count);
    for (unsigned i = 0; i < t->count; i++) {
        const struct partition *p = &t->part[i];
        uint64_t kib = p->count * block_size >> 10;
        if (t->kind == PART_GPT) {
            part_guid_text(p->type_guid, guid);
            printf("partition %u: blocks %lu..%lu (%lu KiB), type %s, name \"%s\"\n", p->number, p->first,
                   p->first + p->count - 1, kib, guid, p->name);
        } else {
            printf("partition %u: blocks %lu..%lu (%lu KiB), type 0x%02x\n", p->number, p->first,
                   p->first + p->count - 1, kib, p->mbr_type);
        }
    }
}

static bool same_guid(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'a' && *a <= 'f' ? (char)(*a - 32) : *a,
             y = *b >= 'a' && *b <= 'f' ? (char)(*b - 32) : *b;
        if (x != y) {
            return false;
        }
    }
    return *a == *b;
}

/* The partition a policy names, or NULL. */
static const struct partition *named(const struct part_table *t, const struct xml_node *policy)
{
    char want[40], guid[37];
    uint64_t number;
    if (xml_attr_u64(policy, "partition", &number)) {
        return number <= PART_MAX * 64 ? part_table_find(t, (unsigned)number) : NULL;
    }
    bool by_name = t->kind == PART_GPT && xml_attr(policy, "name", want, sizeof(want));
    bool by_type = !by_name && t->kind == PART_GPT && xml_attr(policy, "type", want, sizeof(want));
    for (unsigned i = 0; (by_name || by_type) && i < t->count; i++) {
        part_guid_text(t->part[i].type_guid, guid);
        if (by_name ? !strcmp(t->part[i].name, want) : same_guid(guid, want)) {
            return &t->part[i];
        }
    }
    return NULL;
}

static bool range(void *driver, const struct xml_node *policy, const char *label, uint64_t *first,
                  uint64_t *count)
{
    struct part_block *pb = driver;
    const struct partition *p = named(&pb->table, policy);
    if (!p) {
        printf("\"%s\": its policy names no partition of this disk: refused\n", label);
        return false;
    }
    *first = p->first;
    *count = p->count;
    printf("\"%s\": partition %u\n", label, p->number);
    return true;
}

static void disk_signalled(void *arg)
{
    struct part_block *pb = arg;
    disk_acknowledged(pb);
    block_server_flush(&pb->srv);
}

static void disk_gone(void *arg)
{
    struct part_block *pb = arg;
    disk_reconnect(pb);
    block_server_flush(&pb->srv);
}

int main(uint64_t arg)
{
    struct part_block *pb = &part_block;
    if (block_server_init(&pb->srv)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    /* first the table, through a session we wait on */
    if (!disk_open(&pb->disk, 64 * 1024, ps_client_note(), CAP_NULL)) {
        return 1;
    }
    part_table_read(&pb->table, pb->disk.block_size, pb->disk.blocks, read_block, &pb->disk);
    report(&pb->table, pb->disk.block_size);
    disk_close(&pb->disk);
    if (pb->table.kind == PART_NONE) {
        printf("no partitions: Block not announced\n");
        return 1;
    }
    /* then the session that carries the clients' requests; the news
     * that its driver is gone on the lower bit, so that it is handled
     * before acknowledgements and clients' packets (which would touch
     * the dead driver's memory) of the same wake-up */
    pb->gone_note = rt_signal_handler(&pb->srv.server.entry, BLOCK_SERVER_BIT_DEVICE, disk_gone, pb);
    pb->note = rt_signal_handler(&pb->srv.server.entry, BLOCK_SERVER_BIT_TIMER, disk_signalled, pb);
    uint64_t max = MAX_BYTES;
    if (!pb->note || !pb->gone_note ||
        !disk_open(&pb->disk, BLOCK_SERVER_SLOTS * (uint64_t)MAX_BYTES, pb->note, pb->gone_note)) {
        return 1;
    }
    if (pb->disk.max_bytes < max) {
        max = pb->disk.max_bytes;
    }
    pb->disk.max_bytes = max - max % pb->disk.block_size;
    if (!pb->disk.max_bytes || !disk_serve(pb)) {
        return 1;
    }
    pb->srv.dev.range = range;
    block_server_run(&pb->srv);
}
