/*
 * A disk as a file system uses it (rt/block_disk.h): one Block session,
 * one request in flight.
 */
#include <rt/block_disk.h>
#include <rt/component.h>

#define DISK_SLOTS 8
#define DISK_BUFFER (128 * 1024)

status_t block_disk_open(struct block_disk *d, uint64_t max_block_size)
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
    if (st == RPC_OK &&
        (!d->block_size || d->block_size > max_block_size || max_block_size % d->block_size)) {
        printf("disk blocks of %lu bytes: the file system needs blocks that divide %lu\n", d->block_size,
               max_block_size);
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
static uint16_t request(struct block_disk *d, uint16_t op, uint64_t offset, uint32_t length, void *data)
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

static bool transfer(struct block_disk *d, uint16_t op, uint64_t offset, uint32_t length, uint8_t *data)
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

bool block_disk_read(void *disk, uint64_t offset, uint32_t length, void *data)
{
    return transfer(disk, BLOCK_OP_READ, offset, length, data);
}

bool block_disk_write(void *disk, uint64_t offset, uint32_t length, const void *data)
{
    return transfer(disk, BLOCK_OP_WRITE, offset, length, (uint8_t *)data);
}

bool block_disk_sync(void *disk)
{
    return request(disk, BLOCK_OP_SYNC, 0, 0, NULL) == PS_OK;
}

void block_disk_log(void *disk, const char *fmt, va_list ap)
{
    char line[200];
    vsnprintf(line, sizeof(line), fmt, ap);
    printf("%s\n", line);
}
