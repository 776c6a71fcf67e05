/*
 * File_system sessions over a file system's backend (rt/fs_server.h):
 * the policy (writeable, root), the handles, every operation, and the
 * packets of each session's stream, served a bounded amount a turn (one
 * ring of packets, one payload area of bytes: disk work is slow), the
 * rest deferred. A packet's handle and op come from the descriptor the
 * sink copied; its range is checked by ps_sink_get before we touch it.
 */
#include <rt/component.h>
#include <rt/fs_server.h>

#define FAILURES_LOGGED 8

enum handle_kind { HANDLE_FREE, HANDLE_FILE, HANDLE_DIR, HANDLE_NODE };

struct handle {
    uint8_t kind; /* enum handle_kind */
    bool write;   /* FS_MODE_WRITE was asked for (and granted) */
    bool watched; /* a change of node signals the session's sigh */
    bool gone;    /* the node was removed (fs_server_moved): NOT_FOUND */
    struct fs_node node;
    struct fs_cursor cursor; /* where the last FS_OP_READ_DIR ended */
};

struct fs_session {
    struct fs_session *next;
    struct ps_server ps;
    unsigned bit;
    bool writable, broken_logged;
    bool root_gone; /* the root directory was removed: every path NOT_FOUND */
    struct fs_node root;
    cap_t sigh;                           /* the client's notification for changes (CAP_NULL: none) */
    struct handle handle[FS_HANDLES_MAX]; /* handle h is handle[h - 1] */
    uint64_t failures;
    char label[64];
};

const char *fs_error_text(uint64_t error)
{
    static const char *const text[] = {
        [0] = "ok",
        [FS_ERR_NOT_FOUND] = "no such file or directory",
        [FS_ERR_EXISTS] = "exists already",
        [FS_ERR_NOT_DIR] = "not a directory",
        [FS_ERR_IS_DIR] = "is a directory",
        [FS_ERR_NOT_EMPTY] = "directory not empty",
        [FS_ERR_NO_SPACE] = "no space left",
        [FS_ERR_IO] = "device error",
        [FS_ERR_CORRUPT] = "file system corrupt",
        [FS_ERR_INVALID] = "invalid argument",
        [FS_ERR_NAME_TOO_LONG] = "name too long",
        [FS_ERR_READ_ONLY] = "read-only file system",
        [FS_ERR_TOO_LARGE] = "file too large",
        [FS_ERR_BAD_HANDLE] = "no such handle",
        [FS_ERR_NO_HANDLE] = "no handle left",
    };
    return error < sizeof(text) / sizeof(text[0]) ? text[error] : "unknown";
}

/* Log a failure of a session's request (the first few). */
static void failed(struct fs_session *s, const char *what, uint64_t e)
{
    if (s->failures++ < FAILURES_LOGGED) {
        printf("\"%s\": %s: %s\n", s->label, what, fs_error_text(e));
    }
}

/* An operation's answer: OK, or INVALID with the error word. */
static status_t answer(struct fs_session *s, const char *what, uint64_t e, uint64_t *error)
{
    if (e == 0) {
        return RPC_OK;
    }
    *error = e;
    if (e == FS_ERR_IO || e == FS_ERR_CORRUPT) {
        failed(s, what, e);
    }
    return RPC_INVALID;
}

static status_t fail(uint64_t code, uint64_t *error)
{
    *error = code;
    return RPC_INVALID;
}

/* Paths of a session whose root was removed name nothing. */
static bool root_gone(struct fs_session *s, uint64_t *error)
{
    if (s->root_gone) {
        *error = FS_ERR_NOT_FOUND;
    }
    return s->root_gone;
}

static struct handle *session_handle(struct fs_session *s, uint64_t h, enum handle_kind kind)
{
    if (h == 0 || h > FS_HANDLES_MAX || s->handle[h - 1].kind == HANDLE_FREE) {
        return NULL;
    }
    struct handle *x = &s->handle[h - 1];
    return kind == HANDLE_FREE || x->kind == kind ? x : NULL;
}

static status_t new_handle(struct fs_session *s, enum handle_kind kind, bool write, struct fs_node node,
                           uint64_t *h, uint64_t *error)
{
    for (unsigned i = 0; i < FS_HANDLES_MAX; i++) {
        if (s->handle[i].kind == HANDLE_FREE) {
            s->handle[i] = (struct handle){.kind = kind, .write = write, .node = node};
            *h = i + 1;
            return RPC_OK;
        }
    }
    return fail(FS_ERR_NO_HANDLE, error);
}

/* The type of node n (or an error). */
static uint64_t node_type(struct fs_server *srv, const struct fs_node *n, uint64_t *type)
{
    struct fs_node_info info;
    uint64_t e = srv->be->info(srv->fs, n, &info);
    *type = e ? 0 : info.type;
    return e;
}

static status_t op_file(void *session, struct rt_call *call, const char *path, uint64_t mode, uint64_t flags,
                        uint64_t *h, uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    struct fs_node n;
    uint64_t type;
    bool write = mode & FS_MODE_WRITE;
    if (mode == 0 || mode > FS_MODE_READ_WRITE || flags > (FS_CREATE | FS_TRUNCATE)) {
        return fail(FS_ERR_INVALID, error);
    }
    if ((write || flags) && !s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    uint64_t e = srv->be->lookup(srv->fs, &s->root, path, &n);
    if (e == FS_ERR_NOT_FOUND && (flags & FS_CREATE)) {
        e = srv->be->create(srv->fs, &s->root, path, FS_TYPE_FILE, NULL, &n);
    }
    if (e == 0 && (e = node_type(srv, &n, &type)) == 0 && type != FS_TYPE_FILE) {
        e = type == FS_TYPE_DIR ? FS_ERR_IS_DIR : FS_ERR_INVALID;
    }
    if (e == 0 && (flags & FS_TRUNCATE)) {
        e = srv->be->truncate(srv->fs, &n, 0);
    }
    return e ? answer(s, "open", e, error) : new_handle(s, HANDLE_FILE, write, n, h, error);
}

static status_t op_dir(void *session, struct rt_call *call, const char *path, uint64_t create, uint64_t *h,
                       uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    struct fs_node n;
    uint64_t e, type;
    if (create && !s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    if (create) {
        e = srv->be->create(srv->fs, &s->root, path, FS_TYPE_DIR, NULL, &n);
    } else if ((e = srv->be->lookup(srv->fs, &s->root, path, &n)) == 0 &&
               (e = node_type(srv, &n, &type)) == 0 && type != FS_TYPE_DIR) {
        e = FS_ERR_NOT_DIR;
    }
    return e ? answer(s, "dir", e, error) : new_handle(s, HANDLE_DIR, false, n, h, error);
}

static status_t op_node(void *session, struct rt_call *call, const char *path, uint64_t *h, uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    struct fs_node n;
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    uint64_t e = srv->be->lookup(srv->fs, &s->root, path, &n);
    return e ? answer(s, "node", e, error) : new_handle(s, HANDLE_NODE, false, n, h, error);
}

static status_t op_symlink(void *session, struct rt_call *call, const char *path, const char *target,
                           uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    struct fs_node n;
    if (!s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    return answer(s, "symlink", srv->be->create(srv->fs, &s->root, path, FS_TYPE_SYMLINK, target, &n), error);
}

static status_t op_readlink(void *session, struct rt_call *call, const char *path, uint64_t *length,
                            char *target, uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    struct fs_node n;
    target[0] = 0;
    *length = 0;
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    uint64_t e = srv->be->lookup(srv->fs, &s->root, path, &n);
    if (e == 0) {
        e = srv->be->readlink(srv->fs, &n, target, RPC_STRING_MAX + 1);
    }
    *length = e ? 0 : strlen(target);
    return answer(s, "readlink", e, error);
}

static status_t op_close(void *session, struct rt_call *call, uint64_t h, uint64_t *error)
{
    struct handle *x = session_handle(session, h, HANDLE_FREE);
    if (!x) {
        return fail(FS_ERR_BAD_HANDLE, error);
    }
    x->kind = HANDLE_FREE;
    return RPC_OK;
}

static status_t op_status(void *session, struct rt_call *call, uint64_t h, uint64_t *type, uint64_t *size,
                          uint64_t *mode, uint64_t *inode, uint64_t *links, uint64_t *mtime, uint64_t *ctime,
                          uint64_t *atime, uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct handle *x = session_handle(session, h, HANDLE_FREE);
    struct fs_node_info info;
    if (!x) {
        return fail(FS_ERR_BAD_HANDLE, error);
    }
    if (x->gone) {
        return fail(FS_ERR_NOT_FOUND, error);
    }
    uint64_t e = srv->be->info(srv->fs, &x->node, &info);
    if (e) {
        return answer(session, "status", e, error);
    }
    *type = info.type;
    *size = info.size;
    *mode = info.mode & 07777;
    *inode = info.inode;
    *links = info.links;
    *mtime = info.mtime;
    *ctime = info.ctime;
    *atime = info.atime;
    return RPC_OK;
}

static status_t op_truncate(void *session, struct rt_call *call, uint64_t h, uint64_t size, uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    struct handle *x = session_handle(s, h, HANDLE_FILE);
    if (!x) {
        return fail(FS_ERR_BAD_HANDLE, error);
    }
    if (!x->write || !s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (x->gone) {
        return fail(FS_ERR_NOT_FOUND, error);
    }
    return answer(s, "truncate", srv->be->truncate(srv->fs, &x->node, size), error);
}

static status_t op_unlink(void *session, struct rt_call *call, const char *path, uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    if (!s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    return answer(s, "unlink", srv->be->unlink(srv->fs, &s->root, path), error);
}

static status_t op_move(void *session, struct rt_call *call, const char *from, const char *to,
                        uint64_t *error)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    if (!s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (root_gone(s, error)) {
        return RPC_INVALID;
    }
    return answer(s, "move", srv->be->move(srv->fs, &s->root, from, to), error);
}

static status_t op_sync(void *session, struct rt_call *call, uint64_t *error)
{
    struct fs_server *srv = call->state;
    return answer(session, "sync", srv->be->sync(srv->fs), error);
}

static status_t op_sigh(void *session, struct rt_call *call, cap_t note)
{
    struct fs_session *s = session;
    rt_call_drop_cap(s->sigh);
    s->sigh = note;
    return RPC_OK;
}

static status_t op_watch(void *session, struct rt_call *call, uint64_t h, uint64_t *error)
{
    struct handle *x = session_handle(session, h, HANDLE_FREE);
    if (!x) {
        return fail(FS_ERR_BAD_HANDLE, error);
    }
    x->watched = true;
    return RPC_OK;
}

void fs_server_moved(void *server, const struct fs_node *old, const struct fs_node *now)
{
    struct fs_server *srv = server;
    for (struct fs_session *s = srv->sessions; s; s = s->next) {
        if (!s->root_gone && memcmp(&s->root, old, sizeof(*old)) == 0) {
            if (now) {
                s->root = *now;
            } else {
                s->root_gone = true;
            }
        }
        for (unsigned i = 0; i < FS_HANDLES_MAX; i++) {
            struct handle *x = &s->handle[i];
            if (x->kind != HANDLE_FREE && !x->gone && memcmp(&x->node, old, sizeof(*old)) == 0) {
                if (now) {
                    x->node = *now;
                    x->cursor = (struct fs_cursor){{0}}; /* a listing goes on from the start of its walk */
                } else {
                    x->gone = true;
                }
            }
        }
    }
}

void fs_server_changed(void *server, uint64_t key)
{
    struct fs_server *srv = server;
    for (struct fs_session *s = srv->sessions; s; s = s->next) {
        for (unsigned i = 0; s->sigh && i < FS_HANDLES_MAX; i++) {
            struct handle *x = &s->handle[i];
            if (x->kind != HANDLE_FREE && x->watched && !x->gone && srv->be->key(srv->fs, &x->node) == key) {
                sys_signal(s->sigh); /* never blocks; a gone client is ignored */
                break;
            }
        }
    }
}

static status_t op_stream(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    struct fs_session *s = session;
    return ps_server_dataspace(&s->ps, ds, size, slots);
}

static status_t op_connect(void *session, struct rt_call *call, cap_t note, cap_t *server_note)
{
    struct fs_server *srv = call->state;
    struct fs_session *s = session;
    return ps_server_connect(&s->ps, &srv->rt.entry, s->bit, note, server_note);
}

/* The policy's root: a directory of the file system, "/" if none; an
 * attribute too long to read refuses the session rather than widen it. */
static bool policy_root(struct fs_server *srv, const struct rt_session_info *info, struct fs_node *root)
{
    char path[RPC_STRING_MAX + 1] = "/";
    uint64_t type;
    if (xml_has_attr(info->policy, "root") && !xml_attr(info->policy, "root", path, sizeof(path))) {
        printf("\"%s\": policy root too long: refused\n", info->label);
        return false;
    }
    uint64_t e = srv->be->lookup(srv->fs, &srv->root, path, root);
    if (e == 0 && (e = node_type(srv, root, &type)) == 0 && type != FS_TYPE_DIR) {
        e = FS_ERR_NOT_DIR;
    }
    if (e) {
        printf("\"%s\": policy root \"%s\": %s: refused\n", info->label, path, fs_error_text(e));
    }
    return e == 0;
}

/* writeable="yes" (the default) or "no"; anything else refuses. */
static bool policy_writeable(const struct rt_session_info *info, bool *writeable)
{
    char value[8] = "yes";
    xml_attr(info->policy, "writeable", value, sizeof(value));
    *writeable = strcmp(value, "no") != 0;
    if (strcmp(value, "yes") && strcmp(value, "no")) {
        printf("\"%s\": policy writeable is neither yes nor no: refused\n", info->label);
        return false;
    }
    return true;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct fs_server *srv = state;
    uint64_t buffer, slots;
    if (!args_get_u64(info->args, "buffer", 65536, &buffer) ||
        !args_get_u64(info->args, "slots", 32, &slots) || !buffer || buffer > FS_BUFFER_MAX ||
        slots > PS_SLOTS_MAX || !ps_size((uint32_t)slots, buffer)) {
        printf("\"%s\": buffer or slots out of range: refused\n", info->label);
        return RPC_INVALID;
    }
    uint64_t need = FILE_SYSTEM_RAM_QUOTA + ps_session_ram((uint32_t)slots, buffer);
    if (info->ram < need) {
        *info->need = need;
        return RPC_INSUFFICIENT_RAM;
    }
    struct fs_node root;
    bool writeable;
    if (!policy_root(srv, info, &root) || !policy_writeable(info, &writeable)) {
        return RPC_DENIED;
    }
    struct fs_session *s = calloc(1, sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    status_t err = ps_server_open(&s->ps, (uint32_t)slots, buffer);
    if (err) {
        printf("\"%s\": no stream: %s\n", info->label, status_text(err));
        free(s);
        return err;
    }
    s->writable = !srv->read_only && writeable;
    s->root = root;
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    srv->next_bit = srv->next_bit % (RT_SIGNAL_BITS - 1) + 1;
    s->bit = srv->next_bit;
    s->next = srv->sessions;
    srv->sessions = s;
    srv->open++;
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct fs_server *srv = state;
    struct fs_session *s = session, **p = &srv->sessions;
    while (*p != s) {
        p = &(*p)->next;
    }
    *p = s->next;
    srv->open--;
    rt_call_drop_cap(s->sigh);
    ps_server_close(&s->ps);
    free(s);
}

static const struct file_system_ops ops = {
    .stream = op_stream,
    .connect = op_connect,
    .file = op_file,
    .dir = op_dir,
    .node = op_node,
    .symlink = op_symlink,
    .readlink = op_readlink,
    .close = op_close,
    .status = op_status,
    .truncate = op_truncate,
    .unlink = op_unlink,
    .move = op_move,
    .sync = op_sync,
    .sigh = op_sigh,
    .watch = op_watch,
};

static const struct rt_service fs_service = {FILE_SYSTEM_SERVICE_INFO(&ops),
                                             .ram = FILE_SYSTEM_RAM_QUOTA,
                                             .caps = FILE_SYSTEM_CAP_QUOTA,
                                             .policy = true,
                                             .create = create,
                                             .close = destroy};

/* ---- packets ---- */

static uint16_t read_dir(struct fs_server *srv, struct fs_session *s, struct handle *x, struct ps_packet *p,
                         uint8_t *data)
{
    uint32_t room = p->length / sizeof(struct fs_dirent), n = 0;
    for (; n < room; n++) {
        struct fs_dirent d = {0};
        uint64_t e = srv->be->dir_entry(srv->fs, &x->node, &x->cursor, p->arg + n, &d);
        if (e == FS_ERR_NOT_FOUND) {
            break;
        }
        if (e) {
            failed(s, "directory read", e);
            return PS_FAILED;
        }
        d.name[sizeof(d.name) - 1] = 0;
        d.name_len = (uint32_t)strlen(d.name);
        memcpy(data + n * sizeof(d), &d, sizeof(d));
    }
    p->arg = n;
    return PS_OK;
}

static uint16_t handle_packet(struct fs_server *srv, struct fs_session *s, struct ps_packet *p, void *data)
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
    uint64_t e;
    if (!x) {
        p->arg = 0;
        return PS_BAD_OP;
    }
    if (x->gone && (op == FS_OP_READ || op == FS_OP_WRITE || op == FS_OP_READ_DIR)) {
        p->arg = 0;
        return PS_FAILED; /* its node was removed */
    }
    switch (op) {
    case FS_OP_READ:
        e = srv->be->read(srv->fs, &x->node, p->arg, data, p->length, &done);
        break;
    case FS_OP_WRITE:
        if (!x->write || !s->writable) {
            p->arg = 0;
            return PS_BAD_OP;
        }
        e = srv->be->write(srv->fs, &x->node, p->arg, data, p->length, &done);
        break;
    case FS_OP_READ_DIR:
        return read_dir(srv, s, x, p, data);
    default:
        p->arg = 0;
        return PS_BAD_OP;
    }
    p->arg = done;
    if (e) {
        failed(s, op == FS_OP_READ ? "read" : "write", e);
        return PS_FAILED;
    }
    return PS_OK;
}

static void serve_stream(struct fs_server *srv, struct fs_session *s)
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

/* The handler of a signal bit: serve the streams of the sessions on it. */
static void packets_serve(void *arg)
{
    struct fs_server_bit *h = arg;
    for (struct fs_session *s = h->srv->sessions; s; s = s->next) {
        if (s->bit == h->bit) {
            serve_stream(h->srv, s);
        }
    }
}

status_t fs_server_init(struct fs_server *srv)
{
    status_t st = rt_server_init(&srv->rt, srv);
    if (st) {
        printf("cannot set up the server\n");
    }
    return st;
}

status_t fs_server_run(struct fs_server *srv, const struct fs_backend *be, void *fs, struct fs_node root,
                       bool read_only)
{
    srv->be = be;
    srv->fs = fs;
    srv->root = root;
    srv->read_only = read_only;
    for (unsigned bit = 1; bit < RT_SIGNAL_BITS; bit++) {
        srv->handler[bit] = (struct fs_server_bit){srv, bit};
        cap_t c = rt_signal_handler(&srv->rt.entry, bit, packets_serve, &srv->handler[bit]);
        if (!c) {
            printf("no signal handler for bit %u\n", bit);
            return RPC_OUT_OF_CAPS;
        }
        rt_slot_free(c); /* each stream gets its own copy */
    }
    status_t st = rt_server_announce(&srv->rt, &fs_service);
    if (st) {
        printf("cannot announce %s\n", FILE_SYSTEM_SERVICE);
        return st;
    }
    rt_server_run(&srv->rt);
    return RPC_OK;
}
