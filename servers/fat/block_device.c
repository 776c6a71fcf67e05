/*
 * The disk under the file system: a Block session (include/session/
 * block.def) used synchronously, one request in flight, each at most
 * the driver's max_bytes and the payload area. Simple and slow; the
 * block cache (cache.c) keeps most reads from reaching it.
 */
#include "server.h"

#define DISK_SLOTS 8
#define DISK_BUFFER (128 * 1024)

status_t block_device_open(struct block_device *d)
{
    char args[160];
    uint64_t size, n;
    cap_t ds, note = ps_client_note();
    snprintf(args, sizeof(args), "label=\"disk\", ram_quota=%lu, cap_quota=%u, buffer=%u, slots=%u",
             BLOCK_RAM_QUOTA + ps_session_ram(DISK_SLOTS, DISK_BUFFER), BLOCK_CAP_QUOTA, DISK_BUFFER,
             DISK_SLOTS);
    status_t st = note ? parent_session(BLOCK_SERVICE, args, &d->session, &d->id) : RPC_OUT_OF_CAPS;
    if (st == RPC_OK) {
        st = block_info(d->session, &d->block_size, &d->blocks, &d->writable, &d->max_bytes);
    }
    if (st == RPC_OK && (d->block_size > 512 || 512 % d->block_size)) {
        printf("disk blocks of %lu bytes: FAT needs 512 or less\n", d->block_size);
        return RPC_INVALID;
    }
    if (st || (st = block_stream(d->session, &ds, &size, &n)) ||
        (st = ps_client_attach(&d->c, ds, size, n)) || (st = block_connect(d->session, note, &d->c.peer))) {
        printf("Block session \"disk\": %s\n", status_text(st));
        return st;
    }
    if (d->max_bytes > DISK_BUFFER / 2) {
        d->max_bytes = DISK_BUFFER / 2;
    }
    return RPC_OK;
}

/* One request, waited for: its status (PS_*), 0xffff if the stream broke. */
static uint16_t request(struct block_device *d, uint16_t op, uint64_t offset, uint32_t length, void *data)
{
    struct ps_source *s = &d->c.src;
    struct ps_packet p;
    void *payload;
    while (!ps_source_alloc(s, length ? length : 1, &p, &payload)) {
        if (ps_source_broken(s)) {
            return 0xffff;
        }
        ps_client_wait();
    }
    p.op = op;
    p.arg = length ? offset / d->block_size : 0;
    p.length = length;
    if (op == BLOCK_OP_WRITE) {
        memcpy(payload, data, length);
    }
    if (!ps_source_submit(s, &p)) {
        ps_source_free(s, &p);
        return 0xffff;
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&d->c);
    }
    for (;;) {
        if (ps_source_get_ack(s, &p, &payload)) {
            if (op == BLOCK_OP_READ && p.status == PS_OK) {
                memcpy(data, payload, length);
            }
            ps_source_free(s, &p);
            if (ps_source_flush(s)) {
                ps_client_signal(&d->c);
            }
            if (p.status != PS_OK && d->failed++ < 8) {
                printf("disk: request %u at byte %lu, %u bytes: status %u\n", op, offset, length, p.status);
            }
            return p.status;
        }
        if (ps_source_broken(s)) {
            return 0xffff;
        }
        if (!ps_source_ready(s)) {
            ps_client_wait();
        }
    }
}

static bool transfer(struct block_device *d, uint16_t op, uint64_t offset, uint32_t length, uint8_t *data)
{
    while (length) {
        uint32_t n = length < d->max_bytes ? length : (uint32_t)d->max_bytes;
        if (request(d, op, offset, n, data) != PS_OK) {
            return false;
        }
        offset += n;
        data += n;
        length -= n;
    }
    return true;
}

static bool dev_read(void *ctx, uint64_t offset, uint32_t length, void *data)
{
    return transfer(ctx, BLOCK_OP_READ, offset, length, data);
}

static bool dev_write(void *ctx, uint64_t offset, uint32_t length, const void *data)
{
    return transfer(ctx, BLOCK_OP_WRITE, offset, length, (uint8_t *)data);
}

static bool dev_sync(void *ctx)
{
    return request(ctx, BLOCK_OP_SYNC, 0, 0, NULL) == PS_OK;
}

static void dev_log(void *ctx, const char *fmt, va_list ap)
{
    char line[200];
    vsnprintf(line, sizeof(line), fmt, ap);
    printf("%s\n", line);
}

void block_device_ops(struct block_device *d, struct fat_device *dev)
{
    *dev = (struct fat_device){d, dev_read, dev_write, dev_sync, dev_log, d->blocks * d->block_size};
}
