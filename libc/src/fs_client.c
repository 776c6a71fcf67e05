/*
 * The client half of a File_system session (rt/fs_client.h): the
 * session, its stream, one packet at a time.
 */
#include <rt/fs_client.h>

status_t fs_client_open(struct fs_client *f, const char *label, uint64_t buffer, uint32_t slots)
{
    char args[200];
    uint64_t size, n;
    cap_t ds, note = ps_client_note();
    *f = (struct fs_client){0};
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%u, buffer=%lu, slots=%u", label,
             FILE_SYSTEM_RAM_QUOTA + ps_session_ram(slots, buffer), FILE_SYSTEM_CAP_QUOTA, buffer, slots);
    status_t st = note ? parent_session(FILE_SYSTEM_SERVICE, args, &f->session, &f->id) : RPC_OUT_OF_CAPS;
    if (st) {
        f->session = CAP_NULL;
        return st;
    }
    if ((st = file_system_stream(f->session, &ds, &size, &n)) ||
        (st = ps_client_attach(&f->c, ds, size, n)) ||
        (st = file_system_connect(f->session, note, &f->c.peer))) {
        fs_client_close(f);
    }
    return st;
}

void fs_client_close(struct fs_client *f)
{
    if (f->session) {
        parent_close(ENV_PARENT, f->id, NULL, NULL);
        rt_slot_free(f->session);
    }
    ps_client_detach(&f->c);
    *f = (struct fs_client){0};
}

uint16_t fs_client_packet(struct fs_client *f, unsigned op, uint64_t handle, uint64_t arg, uint32_t length,
                          void *data, uint64_t *done)
{
    struct ps_source *s = &f->c.src;
    struct ps_packet p;
    void *payload;
    *done = 0;
    while (!ps_source_alloc(s, length, &p, &payload)) {
        if (ps_source_broken(s) || length > s->layout.payload_size) {
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
        ps_client_signal(&f->c);
    }
    for (;;) {
        if (ps_source_get_ack(s, &p, &payload)) {
            if (op != FS_OP_WRITE && p.status == PS_OK) {
                memcpy(data, payload, length);
            }
            *done = p.arg;
            ps_source_free(s, &p);
            if (ps_source_flush(s)) {
                ps_client_signal(&f->c);
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

static int64_t transfer(struct fs_client *f, unsigned op, uint64_t handle, uint64_t offset, uint8_t *buf,
                        uint64_t length)
{
    uint64_t moved = 0, done, most = f->c.src.layout.payload_size / 2;
    while (moved < length) {
        uint32_t chunk = (uint32_t)(length - moved < most ? length - moved : most);
        if (fs_client_packet(f, op, handle, offset + moved, chunk, buf + moved, &done) != PS_OK) {
            return moved ? (int64_t)moved : -1;
        }
        moved += done < chunk ? done : chunk;
        if (done < chunk) {
            break;
        }
    }
    return (int64_t)moved;
}

int64_t fs_client_read(struct fs_client *f, uint64_t handle, uint64_t offset, void *buf, uint64_t length)
{
    return transfer(f, FS_OP_READ, handle, offset, buf, length);
}

int64_t fs_client_write(struct fs_client *f, uint64_t handle, uint64_t offset, const void *buf,
                        uint64_t length)
{
    return transfer(f, FS_OP_WRITE, handle, offset, (uint8_t *)buf, length);
}
