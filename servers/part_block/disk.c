/*
 * part_block's Block sessions with the disk: one to read the partition
 * table, block by block, waiting for each; then one that carries the
 * block server's request slots, each slot owning a fixed part of its
 * payload area (allocated once per session, never freed), the packet's
 * tag naming the slot. A slot's data lives in a buffer of our own and
 * is copied into (a write) or out of (a read) the payload area, so that
 * when the driver dies (its payload area goes with it) every request it
 * had not acknowledged can be sent again to the restarted driver on a
 * new session (disk_reconnect; docs/storage.md, "A driver that dies").
 */
#include "part_block.h"
#include <session/block.h>

bool disk_open(struct disk *d, uint64_t buffer, cap_t note, cap_t gone)
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
    /* DENIED: the disk is not our parent's child's, and does not go away */
    if (gone && (st = parent_session_sigh(ENV_PARENT, d->id, gone)) && st != RPC_DENIED) {
        printf("the disk's session_sigh: %s\n", status_text(st));
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

/* Give slot's request to the disk session. */
static bool submit(struct part_block *pb, unsigned slot)
{
    struct ps_source *s = &pb->disk.c.src;
    struct ps_packet p = pb->slot[slot];
    struct disk_request *r = &pb->req[slot];
    p.op = r->op;
    p.arg = r->block;
    p.length = r->count * (uint32_t)pb->disk.block_size;
    p.tag = slot;
    if (r->op == BLOCK_OP_WRITE) {
        memcpy(pb->disk.c.src.payload + p.offset, pb->srv.dev.buffer[slot], p.length);
    }
    if (!ps_source_submit(s, &p)) {
        return false; /* cannot happen: the ring has more entries than we have slots */
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&pb->disk.c);
    }
    return true;
}

static uint16_t start(void *driver, unsigned slot, unsigned op, uint64_t block, uint32_t count)
{
    struct part_block *pb = driver;
    if (pb->broken) {
        return PS_FAILED;
    }
    pb->req[slot] = (struct disk_request){.busy = true, .op = (uint16_t)op, .block = block, .count = count};
    if (!submit(pb, slot)) {
        pb->req[slot].busy = false;
        return PS_FAILED;
    }
    return PS_OK;
}

/* Each slot's part of the payload area of the (new) disk session. */
static bool slots_attach(struct part_block *pb)
{
    void *data;
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (!ps_source_alloc(&pb->disk.c.src, (uint32_t)pb->disk.max_bytes, &pb->slot[i], &data)) {
            printf("the disk's payload area holds no buffer for slot %u\n", i);
            return false;
        }
    }
    return true;
}

bool disk_serve(struct part_block *pb)
{
    struct block_device *dev = &pb->srv.dev;
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (!(dev->buffer[i] = malloc(pb->disk.max_bytes))) {
            printf("no RAM for the buffer of slot %u\n", i);
            return false;
        }
    }
    if (!slots_attach(pb)) {
        return false;
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

static void fail_all(struct part_block *pb, const char *why)
{
    pb->broken = true;
    printf("%s: every request fails from now on\n", why);
    for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
        if (pb->req[i].busy) {
            pb->req[i].busy = false;
            block_server_done(&pb->srv, i, PS_FAILED);
        }
    }
}

void disk_acknowledged(struct part_block *pb)
{
    struct ps_source *s = &pb->disk.c.src;
    struct ps_packet p;
    void *data;
    if (pb->broken || !pb->disk.session) {
        return;
    }
    while (ps_source_get_ack(s, &p, &data)) {
        /* a tag is ours only while its slot is in flight */
        if (p.tag < BLOCK_SERVER_SLOTS && pb->req[p.tag].busy) {
            struct disk_request *r = &pb->req[p.tag];
            if (r->op == BLOCK_OP_READ && p.status == PS_OK) {
                memcpy(pb->srv.dev.buffer[p.tag], data, r->count * pb->disk.block_size);
            }
            r->busy = false;
            block_server_done(&pb->srv, (unsigned)p.tag, p.status == PS_OK ? PS_OK : PS_FAILED);
        }
    }
    ps_source_flush(s);
    if (ps_source_broken(s)) {
        fail_all(pb, "the disk's stream broke");
    }
}

#define RECONNECT_TRIES 8

void disk_reconnect(struct part_block *pb)
{
    uint64_t block_size = pb->disk.block_size, blocks = pb->disk.blocks, max = pb->disk.max_bytes;
    uint64_t buffer = BLOCK_SERVER_SLOTS * max;
    if (pb->broken) {
        return;
    }
    disk_close(&pb->disk); /* its payload area is gone with the driver */
    for (unsigned n = 1; n <= RECONNECT_TRIES; n++) {
        if (!disk_open(&pb->disk, buffer, pb->note, pb->gone_note)) {
            continue; /* logged */
        }
        if (pb->disk.block_size != block_size || pb->disk.blocks != blocks || pb->disk.max_bytes < max) {
            printf("the restarted driver's disk differs (%lu blocks of %lu bytes): not used\n",
                   pb->disk.blocks, pb->disk.block_size);
            disk_close(&pb->disk);
            break;
        }
        pb->disk.max_bytes = max;
        if (!slots_attach(pb)) {
            disk_close(&pb->disk);
            break;
        }
        unsigned again = 0;
        for (unsigned i = 0; i < BLOCK_SERVER_SLOTS; i++) {
            again += pb->req[i].busy && submit(pb, i);
        }
        pb->reconnects++;
        printf("reconnected to the restarted driver (%lu times so far): %u requests sent again\n",
               pb->reconnects, again);
        return;
    }
    fail_all(pb, "no driver to reconnect to");
}
