/*
 * part_block's Block sessions with the disk: one to read the partition
 * table, block by block, waiting for each; then one that carries the
 * block server's request slots, each slot owning a fixed part of its
 * payload area (allocated once, never freed), the packet's tag naming
 * the slot.
 */
#include "part_block.h"
#include <session/block.h>

bool disk_open(struct disk *d, uint64_t buffer, cap_t note)
{
    char args[160];
    uint64_t size, n;
    cap_t ds;
    *d = (struct disk){0};
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%lu, cap_quota=%u, buffer=%lu, slots=%u",
             BLOCK_RAM_QUOTA + ps_session_ram(DISK_SLOTS, buffer), BLOCK_CAP_QUOTA, buffer, DISK_SLOTS);
    status_t st = note ? parent_session(BLOCK_SERVICE, args, &d->session, &d->id) : RPC_OUT_OF_CAPS;
    if (st) {
        printf("no Block session with the disk: %s\n", status_text(st));
        return false;
    }
    if ((st = block_info(d->session, &d->block_size, &d->blocks, &d->writable, &d->max_bytes)) ||
        (st = block_stream(d->session, &ds, &size, &n)) || (st = ps_client_attach(&d->c, ds, size, n)) ||
        (st = block_connect(d->session, note, &d->c.peer))) {
        printf("the disk's stream: %s\n", status_text(st));
        disk_close(d);
        return false;
    }
    return true;
}

void disk_close(struct disk *d)
{
    if (d->session) {
        parent_close(ENV_PARENT, d->id, NULL, NULL);
        rt_slot_free(d->session);
    }
    ps_client_detach(&d->c);
    *d = (struct disk){0};
}

bool disk_read(struct disk *d, uint64_t block, void *buf)
{
    struct ps_source *s = &d->c.src;
    struct ps_packet p;
    void *payload;
    if (!ps_source_alloc(s, (uint32_t)d->block_size, &p, &payload)) {
        return false;
    }
    p.op = BLOCK_OP_READ;
    p.arg = block;
    if (!ps_source_submit(s, &p)) {
        ps_source_free(s, &p);
        return false;
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&d->c);
    }
    while (!ps_source_broken(s)) {
        if (ps_source_get_ack(s, &p, &payload)) {
            bool ok = p.status == PS_OK;
            if (ok) {
                memcpy(buf, payload, d->block_size);
            }
            ps_source_free(s, &p);
            ps_source_flush(s);
            return ok;
        }
        ps_client_wait();
    }
    return false;
}

static uint16_t start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count)
{
    struct part_block *pb = driver;
    struct ps_source *s = &pb->disk.c.src;
    struct ps_packet p = pb->slot[slot];
    if (pb->broken) {
        return PS_FAILED;
    }
    p.op = (uint16_t)op;
    p.arg = block;
    p.length = count * (uint32_t)pb->disk.block_size;
    p.tag = slot;
    if (!ps_source_submit(s, &p)) {
        return PS_FAILED; /* cannot happen: the ring has more entries than we have slots */
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&pb->disk.c);
    }
    return PS_OK;
}

bool disk_serve(struct part_block *pb)
{
    struct block_device *dev = &pb->srv.dev;
    void *data;
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (!ps_source_alloc(&pb->disk.c.src, (uint32_t)pb->disk.max_bytes, &pb->slot[i], &data)) {
            printf("the disk's payload area holds no buffer for slot %u\n", i);
            return false;
        }
        dev->buffer[i] = data;
    }
    dev->slots = BLOCK_SERVER_SLOTS;
    dev->block_size = pb->disk.block_size;
    dev->block_count = pb->disk.blocks;
    dev->max_bytes = (uint32_t)pb->disk.max_bytes;
    dev->writable = pb->disk.writable;
    dev->start = start;
    dev->driver = pb;
    return true;
}

void disk_acknowledged(struct part_block *pb)
{
    struct ps_source *s = &pb->disk.c.src;
    struct ps_packet p;
    void *data;
    while (ps_source_get_ack(s, &p, &data)) {
        /* a tag is ours only while its slot is in flight (block_server_done checks) */
        if (p.tag < BLOCK_SERVER_SLOTS) {
            block_server_done(&pb->srv, (unsigned)p.tag, p.status == PS_OK ? PS_OK : PS_FAILED);
        }
    }
    ps_source_flush(s);
    if (ps_source_broken(s) && !pb->broken) {
        pb->broken = true;
        printf("the disk's stream broke: every request fails from now on\n");
        for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
            block_server_done(&pb->srv, i, PS_FAILED);
        }
    }
}
