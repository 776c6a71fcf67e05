/*
 * The packets of File_system sessions: reads, writes and directory
 * listings through each session's stream, served a bounded amount a turn
 * (one ring of packets, one payload area of bytes: disk work is slow),
 * the rest deferred, so one client cannot keep the others waiting. A
 * packet's handle and op come from the descriptor the sink copied; its
 * range is checked by ps_sink_get before we touch it.
 */
#include "server.h"

static uint16_t read_dir(struct server *srv, struct fs_session *s, struct handle *x, struct ps_packet *p,
                         uint8_t *data)
{
    uint32_t room = p->length / sizeof(struct fs_dirent), n = 0;
    for (; n < room; n++) {
        struct fs_dirent d = {0};
        uint64_t ino;
        bool dir;
        enum fat_status e = fat_dir_entry(&srv->fs, x->node, &x->cursor, p->arg + n, d.name, &ino, &dir);
        if (e == FAT_NOENT) {
            break;
        }
        if (e) {
            session_failed(s, "directory read", e);
            return PS_FAILED;
        }
        d.inode = ino;
        d.type = fs_type(dir);
        d.name_len = (uint32_t)strlen(d.name);
        memcpy(data + n * sizeof(d), &d, sizeof(d));
    }
    p->arg = n;
    return PS_OK;
}

static uint16_t handle_packet(struct server *srv, struct fs_session *s, struct ps_packet *p, void *data)
{
    if (!data) {
        if (s->ps.sink.bad_packets <= 3) {
            printf("\"%s\": packet at offset 0x%lx, %u bytes, outside the payload area: refused\n", s->label,
                   p->offset, p->length);
        }
        return PS_BAD_PACKET;
    }
    unsigned op = p->op & 0xff, h = p->op >> 8;
    struct handle *x = session_handle(s, h, op == FS_OP_READ_DIR ? HANDLE_DIR : HANDLE_FILE);
    uint32_t done = 0;
    enum fat_status e;
    if (!x) {
        p->arg = 0;
        return PS_BAD_OP;
    }
    switch (op) {
    case FS_OP_READ:
        e = fat_read(&srv->fs, x->node, p->arg, data, p->length, &done);
        break;
    case FS_OP_WRITE:
        if (!x->write || !s->writable) {
            p->arg = 0;
            return PS_BAD_OP;
        }
        e = fat_write(&srv->fs, x->node, p->arg, data, p->length, &done);
        break;
    case FS_OP_READ_DIR:
        return read_dir(srv, s, x, p, data);
    default:
        p->arg = 0;
        return PS_BAD_OP;
    }
    p->arg = done;
    if (e) {
        session_failed(s, op == FS_OP_READ ? "read" : "write", e);
        return PS_FAILED;
    }
    return PS_OK;
}

static void serve_stream(struct server *srv, struct fs_session *s)
{
    struct ps_sink *k = &s->ps.sink;
    struct ps_packet p;
    void *data;
    bool signal = false;
    unsigned budget = k->layout.slots;
    uint64_t bytes = k->layout.payload_size;
    if (!s->ps.peer || ps_sink_broken(k)) {
        return;
    }
    do {
        while (budget && bytes && ps_sink_get(k, &p, &data)) {
            budget--;
            bytes -= data ? (p.length < bytes ? p.length : bytes) : 0;
            uint16_t status = handle_packet(srv, s, &p, data);
            ps_sink_ack(k, &p, status);
        }
        signal |= ps_sink_flush(k);
    } while (budget && bytes && ps_sink_pending(k));
    if (signal) {
        ps_server_signal(&s->ps);
    }
    if (!budget || !bytes) {
        ps_server_defer(&s->ps);
    }
    if (ps_sink_broken(k) && !s->broken_logged) {
        s->broken_logged = true;
        printf("\"%s\": the client moved a ring index where it cannot be: stream given up\n", s->label);
    }
}

void packets_serve(void *arg)
{
    struct bit_handler *h = arg;
    for (struct fs_session *s = h->srv->sessions; s; s = s->next) {
        if (s->bit == h->bit) {
            serve_stream(h->srv, s);
        }
    }
}
