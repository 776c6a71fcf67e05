/*
 * A disk as a file system uses it (rt/block_disk.h): one Block session,
 * one request in flight.
 *
 * The driver may die (a fault, an exit) and be restarted by init's
 * <restart> policy (docs/storage.md, "A driver that dies"). We learn it
 * from the parent (session_sigh: an event bit on the stream's
 * notification, so a wait for the stream wakes for it too) and check it
 * before every touch of the stream, whose memory went with the driver.
 * Then the session is closed, a new one opened (a few tries, with a
 * growing pause on the Timer session "restart" when there is one) and
 * the request that was not acknowledged is sent again; nothing else was
 * in flight. A write the old driver acknowledged was carried out by the
 * device, which a driver's death does not power off: the next SYNC
 * flushes it with everything else, and a sync is answered only after
 * the SYNC of a driver came back.
 */
#include <rt/block_disk.h>
#include <rt/component.h>

#include <session/timer.h>

#define DISK_SLOTS 8
#define DISK_BUFFER (128 * 1024)
#define DISK_GONE_BIT 1 /* event bit of the stream's notification: the driver is gone */
#define RECONNECT_TRIES 8
#define BROKEN 0xffff /* request(): the session died */

static status_t session_open(struct block_disk *d)
{
    uint64_t max_block_size = d->max_block_size;
    char args[160];
    uint64_t size, n, block_size = 0, blocks = 0;
    cap_t ds, note = ps_client_note();
    snprintf(args, sizeof(args), "label=\"disk\", ram_quota=%lu, cap_quota=%u, buffer=%u, slots=%u",
             BLOCK_RAM_QUOTA + ps_session_ram(DISK_SLOTS, DISK_BUFFER), BLOCK_CAP_QUOTA, DISK_BUFFER,
             DISK_SLOTS);
    status_t st = note ? parent_session(BLOCK_SERVICE, args, &d->session, &d->id) : RPC_OUT_OF_CAPS;
    if (st) {
        d->session = CAP_NULL;
        return st;
    }
    cap_t gone = ps_client_event_note(DISK_GONE_BIT);
    st = gone ? parent_session_sigh(ENV_PARENT, d->id, gone) : RPC_OUT_OF_CAPS;
    if (gone) {
        rt_slot_free(gone); /* the parent has its copy */
    }
    if (st == RPC_DENIED) {
        st = RPC_OK; /* a driver that is not our parent's child does not go away */
    }
    if (st == RPC_OK) {
        st = block_info(d->session, &block_size, &blocks, &d->writable, &d->max_bytes);
    }
    if (st == RPC_OK && d->block_size && (block_size != d->block_size || blocks != d->blocks)) {
        printf("disk: the restarted driver's disk has %lu blocks of %lu bytes, not %lu of %lu: not used\n",
               blocks, block_size, d->blocks, d->block_size);
        return RPC_INVALID;
    }
    if (st == RPC_OK) {
        d->block_size = block_size;
        d->blocks = blocks;
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

status_t block_disk_open(struct block_disk *d, uint64_t max_block_size)
{
    d->max_block_size = max_block_size;
    return session_open(d);
}

static void session_close(struct block_disk *d)
{
    ps_client_detach(&d->c);
    if (d->session) {
        parent_close(ENV_PARENT, d->id, NULL, NULL); /* the donation comes back */
        rt_slot_free(d->session);
        d->session = CAP_NULL;
    }
}

/* A pause before try n (1, 2, ..) of a reconnect: 20 ms doubled each
 * time, on a Timer session opened at the first need; without one, none
 * (a reopen waits for the restarted driver anyway; only a driver that is
 * not there at all is refused at once). */
static void pause_before(struct block_disk *d, unsigned n)
{
    uint64_t id, elapsed;
    if (!d->timer && !d->no_timer) {
        char args[80];
        snprintf(args, sizeof(args), "label=\"restart\", ram_quota=%u, cap_quota=%u", TIMER_RAM_QUOTA,
                 TIMER_CAP_QUOTA);
        if (parent_session(TIMER_SERVICE, args, &d->timer, &id)) {
            d->timer = CAP_NULL;
            d->no_timer = true;
        }
    }
    if (d->timer) {
        timer_sleep(d->timer, 20000ull << (n - 1), &elapsed);
    }
}

/* The driver is gone: a new session, or false after RECONNECT_TRIES. */
static bool reconnect(struct block_disk *d)
{
    session_close(d);
    for (unsigned n = 1; n <= RECONNECT_TRIES && !d->down; n++) {
        ps_client_events(1ull << DISK_GONE_BIT); /* the old session's news */
        status_t st = session_open(d);
        if (st == RPC_OK) {
            d->reconnects++;
            printf("disk: reconnected to the restarted driver (%lu times so far); the request in flight "
                   "is sent again\n",
                   d->reconnects);
            return true;
        }
        session_close(d);
        printf("disk: reconnect %u of %u: %s\n", n, RECONNECT_TRIES, status_text(st));
        if (st == RPC_INVALID) {
            break; /* another disk: never */
        }
        pause_before(d, n);
    }
    printf("disk: no driver to reconnect to: every request fails from now on\n");
    d->down = true;
    return false;
}

static bool gone(struct block_disk *d)
{
    return !d->session || ps_client_events(1ull << DISK_GONE_BIT) || ps_source_broken(&d->c.src);
}

/* One request on the current session, waited for: its status (PS_*),
 * BROKEN if the session died (before the answer). The stream's memory
 * is touched only after gone() said the driver is there. */
static uint16_t request_once(struct block_disk *d, uint16_t op, uint64_t offset, uint32_t length, void *data)
{
    struct ps_source *s = &d->c.src;
    struct ps_packet p;
    void *payload;
    for (;;) {
        if (gone(d)) {
            return BROKEN;
        }
        if (ps_source_alloc(s, length ? length : 1, &p, &payload)) {
            break;
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
        return BROKEN;
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&d->c);
    }
    for (;;) {
        if (gone(d)) {
            return BROKEN;
        }
        if (ps_source_get_ack(s, &p, &payload)) {
            if (op == BLOCK_OP_READ && p.status == PS_OK) {
                memcpy(data, payload, length);
            }
            ps_source_free(s, &p);
            if (ps_source_flush(s)) {
                ps_client_signal(&d->c);
            }
            return p.status;
        }
        if (!ps_source_ready(s)) {
            ps_client_wait();
        }
    }
}

/* One request, sent again on a new session while the driver dies under
 * it: its status, PS_FAILED when there is no driver any more. */
static uint16_t request(struct block_disk *d, uint16_t op, uint64_t offset, uint32_t length, void *data)
{
    uint16_t st = BROKEN;
    while (!d->down && (st = request_once(d, op, offset, length, data)) == BROKEN) {
        reconnect(d);
    }
    if (d->down) {
        st = PS_FAILED;
    }
    if (st != PS_OK && d->failed++ < 8) {
        printf("disk: request %u at byte %lu, %u bytes: status %u\n", op, offset, length, st);
    }
    return st;
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
