/*
 * The client's half of a File_system session: the session, its stream,
 * one packet at a time, whole files.
 */
#include "fs_test.h"

unsigned failures;

void check(bool ok, const char *fmt, ...)
{
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%s: %s\n", line, ok ? "ok" : "FAILED");
    failures += !ok;
}

status_t conn_open(struct conn *k, const char *label)
{
    char args[160];
    uint64_t size, n;
    cap_t ds, note = ps_client_note();
    *k = (struct conn){0};
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%u, buffer=%u, slots=%u", label,
             FILE_SYSTEM_RAM_QUOTA + ps_session_ram(TEST_SLOTS, TEST_BUFFER), FILE_SYSTEM_CAP_QUOTA,
             TEST_BUFFER, TEST_SLOTS);
    status_t st = note ? parent_session(FILE_SYSTEM_SERVICE, args, &k->session, &k->id) : RPC_OUT_OF_CAPS;
    if (st) {
        return st;
    }
    if ((st = file_system_stream(k->session, &ds, &size, &n)) ||
        (st = ps_client_attach(&k->c, ds, size, n)) ||
        (st = file_system_connect(k->session, note, &k->c.peer))) {
        printf("%s: stream: %s\n", label, status_text(st));
        conn_close(k);
    }
    return st;
}

void conn_close(struct conn *k)
{
    if (k->session) {
        parent_close(ENV_PARENT, k->id, NULL, NULL);
        rt_slot_free(k->session);
    }
    ps_client_detach(&k->c);
    *k = (struct conn){0};
}

uint16_t conn_packet(struct conn *k, unsigned op, uint64_t handle, uint64_t arg, uint32_t length, void *data,
                     uint64_t *done)
{
    struct ps_source *s = &k->c.src;
    struct ps_packet p;
    void *payload;
    *done = 0;
    while (!ps_source_alloc(s, length, &p, &payload)) {
        if (ps_source_broken(s)) {
            return 0xffff;
        }
        ps_client_wait();
    }
    p.op = FS_PACKET(op, handle);
    p.arg = arg;
    if (op == FS_OP_WRITE) {
        memcpy(payload, data, length);
    }
    if (!ps_source_submit(s, &p)) {
        ps_source_free(s, &p);
        return 0xffff;
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&k->c);
    }
    for (;;) {
        if (ps_source_get_ack(s, &p, &payload)) {
            if (op != FS_OP_WRITE && p.status == PS_OK) {
                memcpy(data, payload, length);
            }
            *done = p.arg;
            ps_source_free(s, &p);
            if (ps_source_flush(s)) {
                ps_client_signal(&k->c);
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

int64_t read_file(struct conn *k, const char *path, uint8_t *buf, uint64_t size)
{
    uint64_t h, error, got = 0, done;
    if (file_system_file(k->session, path, FS_MODE_READ, 0, &h, &error)) {
        printf("open %s: error %lu\n", path, error);
        return -1;
    }
    for (;;) {
        uint32_t chunk = size - got < 65536 ? (uint32_t)(size - got) : 65536;
        if (chunk == 0 || conn_packet(k, FS_OP_READ, h, got, chunk, buf + got, &done) != PS_OK || done == 0) {
            break;
        }
        got += done;
    }
    file_system_close(k->session, h, &error);
    return (int64_t)got;
}

bool write_file(struct conn *k, const char *path, uint64_t flags, uint64_t offset, const void *data,
                uint64_t len)
{
    uint64_t h, error, done, put = 0;
    if (file_system_file(k->session, path, FS_MODE_WRITE, flags, &h, &error)) {
        printf("open %s for writing: error %lu\n", path, error);
        return false;
    }
    while (put < len) {
        uint32_t chunk = len - put < 65536 ? (uint32_t)(len - put) : 65536;
        if (conn_packet(k, FS_OP_WRITE, h, offset + put, chunk, (uint8_t *)data + put, &done) != PS_OK ||
            done != chunk) {
            break;
        }
        put += done;
    }
    file_system_close(k->session, h, &error);
    return put == len;
}
