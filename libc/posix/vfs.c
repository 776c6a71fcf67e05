/*
 * The VFS tree of a component, built once at start from the <vfs> node
 * of its config, in the form Genode users know:
 *
 *   <vfs>
 *     <dir name="dev"> <log/> <null/> <zero/> </dir>
 *     <inline name="motd">Hello</inline>
 *     <rom name="data.txt"/>
 *     <dir name="tmp"> <ram/> </dir>
 *     <dir name="dev"> <terminal/> <rtc/> </dir>
 *   </vfs>
 *
 * <ram/> lets files and directories be made (and removed) in the
 * directory that holds it and below; everything else is fixed. Node
 * types on sessions (<terminal/>, <rtc/>) are device plugins (struct
 * vfs_device, device.c): a new one is a file of its operations and a
 * line in device.c's table, and this file does not change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <session/file_system.h>
#include "posix.h"

static struct vfs_node root = {.name = "", .kind = VFS_DIR};
static struct vfs_node *cwd = &root;

struct vfs_node *vfs_root(void)
{
    return &root;
}

struct vfs_node *vfs_cwd(void)
{
    return cwd;
}

void vfs_set_cwd(struct vfs_node *dir)
{
    cwd = dir;
}

static struct vfs_node *child(struct vfs_node *dir, const char *name, size_t len)
{
    for (struct vfs_node *n = dir->first; n; n = n->next) {
        if (strlen(n->name) == len && memcmp(n->name, name, len) == 0) {
            return n;
        }
    }
    return NULL;
}

static struct vfs_node *add(struct vfs_node *dir, const char *name, size_t len, enum vfs_kind kind)
{
    struct vfs_node *n = calloc(1, sizeof(*n));
    if (!n) {
        errno = ENOMEM;
        return NULL;
    }
    memcpy(n->name, name, len);
    n->kind = kind;
    n->parent = dir;
    struct vfs_node **at = &dir->first;
    while (*at) {
        at = &(*at)->next;
    }
    *at = n;
    return n;
}

/* ---- below an <fs/>: nodes made for one caller ---- */

#define FS_PATH_MAX 256 /* the session's paths: RPC_STRING_MAX bytes and the 0 */

/* A node for path of fs, freed by vfs_release once not open. */
static struct vfs_node *fs_node(struct vfs_fs *fs, const char *path, enum vfs_kind kind)
{
    struct vfs_node *n = calloc(1, sizeof(*n));
    char *copy = strdup(path);
    if (!n || !copy) {
        free(n);
        free(copy);
        errno = ENOMEM;
        return NULL;
    }
    const char *last = strrchr(path, '/');
    last = last ? last + 1 : path;
    memcpy(n->name, last, strnlen(last, VFS_NAME_MAX - 1));
    n->kind = kind;
    n->parent = vfs_fs_mount(fs);
    n->fs = fs;
    n->fs_path = copy;
    n->unlinked = true;
    return n;
}

static struct vfs_node *walk(struct vfs_node *n, const char *p, struct vfs_node **parent_out,
                             const char **leaf_out);

/* The rest p of a path, from the directory dir below (or holding) an
 * <fs/>: "." and ".." are resolved here (".." above the <fs/> goes on
 * in the tree), then the file system says what is there. */
static struct vfs_node *fs_walk(struct vfs_node *dir, const char *p, struct vfs_node **parent_out,
                                const char **leaf_out)
{
    char path[FS_PATH_MAX], parent[FS_PATH_MAX];
    const char *leaf = NULL;
    size_t len = strlen(dir->fs_path);
    memcpy(path, dir->fs_path, len + 1);
    for (;;) {
        while (*p == '/') {
            p++;
        }
        if (!*p) {
            break;
        }
        size_t comp = strcspn(p, "/");
        if (comp == 2 && p[0] == '.' && p[1] == '.') {
            if (!len) {
                return walk(vfs_fs_mount(dir->fs)->parent ? vfs_fs_mount(dir->fs)->parent
                                                          : vfs_fs_mount(dir->fs),
                            p + 2, parent_out, leaf_out);
            }
            char *slash = strrchr(path, '/');
            len = slash ? (size_t)(slash - path) : 0;
            path[len] = 0;
            leaf = NULL;
        } else if (!(comp == 1 && p[0] == '.')) {
            if (comp > 255 || len + 1 + comp >= sizeof(path)) {
                errno = ENAMETOOLONG;
                return NULL;
            }
            memcpy(parent, path, len + 1);
            if (len) {
                path[len++] = '/';
            }
            memcpy(path + len, p, comp);
            len += comp;
            path[len] = 0;
            leaf = p;
        }
        p += comp;
    }
    bool is_dir;
    if (!path[0]) {
        return vfs_fs_mount(dir->fs);
    }
    if (vfs_fs_lookup(dir->fs, path, &is_dir) == 0) {
        return fs_node(dir->fs, path, is_dir ? VFS_DIR : VFS_FSFILE);
    }
    if (errno == ENOENT && leaf && parent_out) {
        struct vfs_node *up = parent[0] ? NULL : vfs_fs_mount(dir->fs);
        if (!up && vfs_fs_lookup(dir->fs, parent, &is_dir) == 0) {
            up = is_dir ? fs_node(dir->fs, parent, VFS_DIR) : (errno = ENOTDIR, NULL);
        }
        if (up) {
            *parent_out = up;
            *leaf_out = leaf;
            errno = ENOENT;
        }
    }
    return NULL;
}

static struct vfs_node *walk(struct vfs_node *n, const char *p, struct vfs_node **parent_out,
                             const char **leaf_out)
{
    for (;;) {
        while (*p == '/') {
            p++;
        }
        if (!*p) {
            return n;
        }
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n->kind != VFS_DIR) {
            errno = ENOTDIR;
            return NULL;
        }
        bool dots = (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.');
        struct vfs_node *next = len == 1 && p[0] == '.'                  ? n
                                : len == 2 && p[0] == '.' && p[1] == '.' ? (n->parent ? n->parent : n)
                                : len < VFS_NAME_MAX                     ? child(n, p, len)
                                                                         : NULL;
        if (n->fs && (n->fs_path[0] || (!next && !dots))) {
            return fs_walk(n, p, parent_out, leaf_out);
        }
        if (len >= VFS_NAME_MAX) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        if (!next) {
            bool last = !end || !end[strspn(end, "/")];
            if (last && parent_out) {
                *parent_out = n;
                *leaf_out = p;
            }
            errno = ENOENT;
            return NULL;
        }
        n = next;
        p += len;
    }
}

struct vfs_node *vfs_lookup(const char *path, struct vfs_node **parent_out, const char **leaf_out)
{
    if (parent_out) {
        *parent_out = NULL;
    }
    if (!*path) {
        errno = ENOENT;
        return NULL;
    }
    return walk(path[0] == '/' ? &root : cwd, path, parent_out, leaf_out);
}

struct vfs_node *vfs_create(struct vfs_node *dir, const char *name, enum vfs_kind kind)
{
    size_t len = strcspn(name, "/");
    if (dir->fs) {
        char path[FS_PATH_MAX];
        int at = snprintf(path, sizeof(path), "%s%s%.*s", dir->fs_path, dir->fs_path[0] ? "/" : "", (int)len,
                          name);
        if (len > 255 || at < 0 || (size_t)at >= sizeof(path)) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        if (!vfs_fs_writeable(dir->fs)) {
            errno = EROFS;
            return NULL;
        }
        if (kind == VFS_DIR && vfs_fs_mkdir(dir->fs, path) < 0) {
            return NULL;
        }
        return fs_node(dir->fs, path, kind == VFS_DIR ? VFS_DIR : VFS_FSFILE);
    }
    if (!dir->ram) {
        errno = EACCES;
        return NULL;
    }
    if (len >= VFS_NAME_MAX) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    struct vfs_node *n = add(dir, name, len, kind);
    if (n) {
        n->ram = kind == VFS_DIR;
    }
    return n;
}

void vfs_remove(struct vfs_node *node)
{
    struct vfs_node **at = &node->parent->first;
    while (*at != node) {
        at = &(*at)->next;
    }
    *at = node->next;
    node->unlinked = true;
    vfs_release(node);
}

void vfs_release(struct vfs_node *node)
{
    if (node && node->unlinked && !node->opened) {
        if (node->fs) {
            vfs_fs_close(node);
            free(node->fs_path);
        }
        free(node->data);
        free(node);
    }
}

/* ---- building the tree ---- */

static const struct {
    const char *type;
    enum vfs_kind kind;
} devices[] = {{"log", VFS_LOG}, {"null", VFS_NULL}, {"zero", VFS_ZERO}};

static void build(struct vfs_node *dir, const struct xml_node *xml);

/* The name of config node x for a node in dir, in name (VFS_NAME_MAX
 * bytes): its name attribute, else fallback (NULL: a name is needed).
 * A name that does not fit, holds a '/', is "." or "..", or is taken in
 * dir is refused with a line naming it; the node is then left out. A
 * <dir> may repeat a directory's name: they are one directory. */
static bool node_name(struct vfs_node *dir, const struct xml_node *x, const char *fallback, char *name)
{
    const char *why = NULL;
    /* filled so that a NUL byte inside the name shows: the decoder
     * writes past the C string it seems to end */
    memset(name, 0xff, VFS_NAME_MAX);
    name[0] = 0;
    if (xml_has_attr(x, "name") && !xml_attr(x, "name", name, VFS_NAME_MAX)) {
        why = "is longer than 63 bytes";
    } else if (strlen(name) + 1 < VFS_NAME_MAX && name[strlen(name) + 1] != (char)0xff) {
        why = "holds a NUL byte";
    } else if (!name[0] && fallback) {
        strcpy(name, fallback);
    }
    if (why) {
    } else if (!name[0]) {
        why = "is missing";
    } else if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
        why = "is not a file name (a '/', or . or ..)";
    } else {
        struct vfs_node *had = child(dir, name, strlen(name));
        if (had && !(had->kind == VFS_DIR && xml_type_is(x, "dir"))) {
            why = "is taken in its directory";
        }
    }
    if (why) {
        char type[32] = "?", shown[VFS_NAME_MAX + 4];
        xml_type(x, type, sizeof(type));
        if (!name[0] && xml_has_attr(x, "name")) { /* too long for name: its start */
            char start[256] = "";
            xml_attr(x, "name", start, sizeof(start));
            snprintf(shown, sizeof(shown), "%.40s...", start);
        } else {
            snprintf(shown, sizeof(shown), "%s", name);
        }
        fprintf(stderr, "vfs: config line %u: <%s> left out: its name \"%s\" %s\n", xml_line(x), type, shown,
                why);
        return false;
    }
    return true;
}

/* add, saying when there is no memory for the node */
static struct vfs_node *add_node(struct vfs_node *dir, const struct xml_node *x, const char *name,
                                 enum vfs_kind kind)
{
    struct vfs_node *n = add(dir, name, strlen(name), kind);
    if (!n) {
        fprintf(stderr, "vfs: config line %u: no memory for \"%s\", left out\n", xml_line(x), name);
    }
    return n;
}

static void build_node(struct vfs_node *dir, const struct xml_node *x)
{
    char name[VFS_NAME_MAX];
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        if (xml_type_is(x, devices[i].type)) {
            if (node_name(dir, x, devices[i].type, name)) {
                add_node(dir, x, name, devices[i].kind);
            }
            return;
        }
    }
    const struct vfs_device *device = vfs_device_of(x);
    if (device) {
        struct vfs_node *n =
            node_name(dir, x, device->type, name) ? add_node(dir, x, name, VFS_DEVICE) : NULL;
        if (n) {
            n->device = device;
            if (!device->config(n, x)) {
                vfs_remove(n);
            }
        }
        return;
    }
    if (xml_type_is(x, "ram")) {
        dir->ram = true;
        return;
    }
    if (xml_type_is(x, "fs")) {
        if (dir->fs || dir->ram) {
            fprintf(stderr, "vfs: config line %u: <fs/> in a directory that has %s, left out\n", xml_line(x),
                    dir->fs ? "an <fs/> already" : "<ram/>");
        } else if (!vfs_fs_config(dir, x)) {
            dir->fs = NULL;
        }
        return;
    }
    bool named = xml_type_is(x, "dir") || xml_type_is(x, "inline") || xml_type_is(x, "rom");
    if (!named) {
        char type[32] = "?";
        xml_type(x, type, sizeof(type));
        fprintf(stderr, "vfs: config line %u: <%s> is not supported (yet), left out\n", xml_line(x), type);
        return;
    }
    if (!node_name(dir, x, NULL, name)) {
        return;
    }
    struct vfs_node *n;
    if (xml_type_is(x, "dir")) {
        n = child(dir, name, strlen(name));
        if (!n) {
            n = add_node(dir, x, name, VFS_DIR);
        }
        if (n) {
            build(n, x);
        }
    } else if (xml_type_is(x, "inline")) {
        const char *raw;
        size_t len;
        xml_content(x, &raw, &len);
        if ((n = add_node(dir, x, name, VFS_INLINE)) && !(n->data = malloc(len + 1))) {
            fprintf(stderr, "vfs: config line %u: no memory for the %zu bytes of \"%s\", left out\n",
                    xml_line(x), len, name);
            vfs_remove(n);
        } else if (n) {
            xml_text(x, n->data, len + 1, &n->size);
        }
    } else if ((n = add_node(dir, x, name, VFS_ROM))) {
        strcpy(n->label, name);
        if (xml_has_attr(x, "label") && !xml_attr(x, "label", n->label, sizeof(n->label))) {
            fprintf(stderr, "vfs: config line %u: <rom> left out: its label is longer than 63 bytes\n",
                    xml_line(x));
            vfs_remove(n);
        }
    }
}

static void build(struct vfs_node *dir, const struct xml_node *xml)
{
    struct xml_node x;
    for (bool more = xml_first_sub(xml, &x); more; more = xml_next_sibling(&x, &x)) {
        build_node(dir, &x);
    }
}

void vfs_init(const struct xml_node *config)
{
    struct xml_node vfs;
    if (config && xml_first_sub_of_type(config, "vfs", &vfs)) {
        build(&root, &vfs);
    }
}

/* ---- the errno of a File_system error (docs/libc.md, docs/storage.md) ---- */

int vfs_fs_errno(uint64_t error)
{
    static const int map[] = {
        [FS_ERR_NOT_FOUND] = ENOENT,
        [FS_ERR_EXISTS] = EEXIST,
        [FS_ERR_NOT_DIR] = ENOTDIR,
        [FS_ERR_IS_DIR] = EISDIR,
        [FS_ERR_NOT_EMPTY] = ENOTEMPTY,
        [FS_ERR_NO_SPACE] = ENOSPC,
        [FS_ERR_IO] = EIO,
        [FS_ERR_CORRUPT] = EIO,
        [FS_ERR_INVALID] = EINVAL,
        [FS_ERR_NAME_TOO_LONG] = ENAMETOOLONG,
        [FS_ERR_READ_ONLY] = EROFS,
        [FS_ERR_TOO_LARGE] = EFBIG,
        [FS_ERR_BAD_HANDLE] = EBADF,
        [FS_ERR_NO_HANDLE] = EMFILE,
    };
    return error < sizeof(map) / sizeof(map[0]) && map[error] ? map[error] : EIO;
}
