/*
 * File_system sessions (include/session/file_system.def), as ext2's: the
 * policy (writeable, root), the handles, and every operation but the
 * packets (packets.c). Paths are resolved below the session's root; the
 * FAT logic refuses "..", so nothing outside it can be named. FAT has no
 * symlinks: symlink and readlink answer INVALID.
 */
#include "server.h"

#define FAILURES_LOGGED 8

static uint64_t fs_error(enum fat_status st)
{
    static const uint64_t map[] = {
        [FAT_NOENT] = FS_ERR_NOT_FOUND,
        [FAT_EXIST] = FS_ERR_EXISTS,
        [FAT_NOTDIR] = FS_ERR_NOT_DIR,
        [FAT_ISDIR] = FS_ERR_IS_DIR,
        [FAT_NOTEMPTY] = FS_ERR_NOT_EMPTY,
        [FAT_NOSPC] = FS_ERR_NO_SPACE,
        [FAT_IO] = FS_ERR_IO,
        [FAT_CORRUPT] = FS_ERR_CORRUPT,
        [FAT_INVAL] = FS_ERR_INVALID,
        [FAT_NAMETOOLONG] = FS_ERR_NAME_TOO_LONG,
        [FAT_ROFS] = FS_ERR_READ_ONLY,
        [FAT_FBIG] = FS_ERR_TOO_LARGE,
    };
    return (unsigned)st < sizeof(map) / sizeof(map[0]) ? map[st] : FS_ERR_INVALID;
}

/* An operation's answer: OK, or INVALID with the error word. */
static status_t answer(struct fs_session *s, const char *what, enum fat_status st, uint64_t *error)
{
    if (st == FAT_OK) {
        return RPC_OK;
    }
    *error = fs_error(st);
    if (st == FAT_IO || st == FAT_CORRUPT) {
        session_failed(s, what, st);
    }
    return RPC_INVALID;
}

static status_t fail(uint64_t code, uint64_t *error)
{
    *error = code;
    return RPC_INVALID;
}

void session_failed(struct fs_session *s, const char *what, enum fat_status st)
{
    if (s->failures++ < FAILURES_LOGGED) {
        printf("\"%s\": %s: %s\n", s->label, what, fat_status_text(st));
    }
}

uint64_t fs_type(bool dir)
{
    return dir ? FS_TYPE_DIR : FS_TYPE_FILE;
}

struct handle *session_handle(struct fs_session *s, uint64_t h, enum handle_kind kind)
{
    if (h == 0 || h > FS_HANDLES_MAX || s->handle[h - 1].kind == HANDLE_FREE) {
        return NULL;
    }
    struct handle *x = &s->handle[h - 1];
    return kind == HANDLE_FREE || x->kind == kind ? x : NULL;
}

static status_t new_handle(struct fs_session *s, enum handle_kind kind, bool write, struct fat_node node,
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

static status_t op_file(void *session, struct rt_call *call, const char *path, uint64_t mode, uint64_t flags,
                        uint64_t *h, uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    struct fat_node n;
    struct fat_stat st;
    bool write = mode & FS_MODE_WRITE;
    if (mode == 0 || mode > FS_MODE_READ_WRITE || flags > (FS_CREATE | FS_TRUNCATE)) {
        return fail(FS_ERR_INVALID, error);
    }
    if ((write || flags) && !s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    enum fat_status e = fat_lookup(&srv->fs, s->root, path, &n);
    if (e == FAT_NOENT && (flags & FS_CREATE)) {
        e = fat_create(&srv->fs, s->root, path, false, &n);
    }
    if (e == FAT_OK && (e = fat_stat(&srv->fs, n, &st)) == FAT_OK && st.dir) {
        e = FAT_ISDIR;
    }
    if (e == FAT_OK && write && st.read_only) {
        e = FAT_ROFS; /* the entry's read-only attribute */
    }
    if (e == FAT_OK && (flags & FS_TRUNCATE)) {
        e = fat_truncate(&srv->fs, n, 0);
    }
    return e ? answer(s, "open", e, error) : new_handle(s, HANDLE_FILE, write, n, h, error);
}

static status_t op_dir(void *session, struct rt_call *call, const char *path, uint64_t create, uint64_t *h,
                       uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    struct fat_node n;
    struct fat_stat st;
    enum fat_status e;
    if (create && !s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    if (create) {
        e = fat_create(&srv->fs, s->root, path, true, &n);
    } else if ((e = fat_lookup(&srv->fs, s->root, path, &n)) == FAT_OK &&
               (e = fat_stat(&srv->fs, n, &st)) == FAT_OK && !st.dir) {
        e = FAT_NOTDIR;
    }
    return e ? answer(s, "dir", e, error) : new_handle(s, HANDLE_DIR, false, n, h, error);
}

static status_t op_node(void *session, struct rt_call *call, const char *path, uint64_t *h, uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    struct fat_node n;
    enum fat_status e = fat_lookup(&srv->fs, s->root, path, &n);
    return e ? answer(s, "node", e, error) : new_handle(s, HANDLE_NODE, false, n, h, error);
}

static status_t op_symlink(void *session, struct rt_call *call, const char *path, const char *target,
                           uint64_t *error)
{
    struct fs_session *s = session;
    return fail(s->writable ? FS_ERR_INVALID : FS_ERR_READ_ONLY, error); /* FAT has no symlinks */
}

static status_t op_readlink(void *session, struct rt_call *call, const char *path, uint64_t *length,
                            char *target, uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    struct fat_node n;
    enum fat_status e = fat_lookup(&srv->fs, s->root, path, &n);
    *length = 0;
    target[0] = 0;
    return answer(s, "readlink", e ? e : FAT_INVAL, error); /* no node is a symlink */
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
    struct server *srv = call->state;
    struct handle *x = session_handle(session, h, HANDLE_FREE);
    struct fat_stat st;
    if (!x) {
        return fail(FS_ERR_BAD_HANDLE, error);
    }
    enum fat_status e = fat_stat(&srv->fs, x->node, &st);
    if (e) {
        return answer(session, "status", e, error);
    }
    *type = fs_type(st.dir);
    *size = st.size;
    *mode = st.read_only ? 0555 : 0777; /* FAT keeps no owner or permissions */
    *inode = st.inode;
    *links = 1;
    *mtime = st.mtime;
    *ctime = st.ctime;
    *atime = st.atime;
    return RPC_OK;
}

static status_t op_truncate(void *session, struct rt_call *call, uint64_t h, uint64_t size, uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    struct handle *x = session_handle(s, h, HANDLE_FILE);
    if (!x) {
        return fail(FS_ERR_BAD_HANDLE, error);
    }
    if (!x->write || !s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    return answer(s, "truncate", fat_truncate(&srv->fs, x->node, size), error);
}

static status_t op_unlink(void *session, struct rt_call *call, const char *path, uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    if (!s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    return answer(s, "unlink", fat_unlink(&srv->fs, s->root, path), error);
}

static status_t op_move(void *session, struct rt_call *call, const char *from, const char *to,
                        uint64_t *error)
{
    struct server *srv = call->state;
    struct fs_session *s = session;
    if (!s->writable) {
        return fail(FS_ERR_READ_ONLY, error);
    }
    return answer(s, "move", fat_move(&srv->fs, s->root, from, to), error);
}

static status_t op_sync(void *session, struct rt_call *call, uint64_t *error)
{
    struct server *srv = call->state;
    return answer(session, "sync", fat_sync(&srv->fs), error);
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

void session_changed(void *server, uint64_t key)
{
    struct server *srv = server;
    for (struct fs_session *s = srv->sessions; s; s = s->next) {
        for (unsigned i = 0; s->sigh && i < FS_HANDLES_MAX; i++) {
            struct handle *x = &s->handle[i];
            if (x->kind != HANDLE_FREE && x->watched && fat_node_key(&srv->fs, x->node) == key) {
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
    struct server *srv = call->state;
    struct fs_session *s = session;
    return ps_server_connect(&s->ps, &srv->rt.entry, s->bit, note, server_note);
}

/* The policy's root: a directory of the file system, "/" if none; an
 * attribute too long to read refuses the session rather than widen it. */
static bool policy_root(struct server *srv, const struct rt_session_info *info, struct fat_node *root)
{
    char path[RPC_STRING_MAX + 1] = "/";
    struct fat_stat st;
    if (xml_has_attr(info->policy, "root") && !xml_attr(info->policy, "root", path, sizeof(path))) {
        printf("\"%s\": policy root too long: refused\n", info->label);
        return false;
    }
    enum fat_status e = fat_lookup(&srv->fs, fat_root(&srv->fs), path, root);
    if (e == FAT_OK && (e = fat_stat(&srv->fs, *root, &st)) == FAT_OK && !st.dir) {
        e = FAT_NOTDIR;
    }
    if (e) {
        printf("\"%s\": policy root \"%s\": %s: refused\n", info->label, path, fat_status_text(e));
    }
    return e == FAT_OK;
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
    struct server *srv = state;
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
    struct fat_node root;
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
    s->writable = !srv->fs.read_only && writeable;
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
    struct server *srv = state;
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

const struct rt_service fs_service = {FILE_SYSTEM_SERVICE_INFO(&ops),
                                      .ram = FILE_SYSTEM_RAM_QUOTA,
                                      .caps = FILE_SYSTEM_CAP_QUOTA,
                                      .policy = true,
                                      .create = create,
                                      .close = destroy};
