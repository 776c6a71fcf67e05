/*
 * The VFS tree of C programs (libc/posix/vfs.c): built from a <vfs>
 * config, paths looked up absolute and relative, ".." at the root,
 * files made only in <ram/> directories, names too long, removal,
 * device plugins (a stand-in plugin here: the real ones need sessions),
 * and paths below an <fs/> (a stand-in file system for fs.c's session).
 */
#include "unit.h"
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <session/file_system.h>
#include "../libc/posix/posix.h"

static const char config_text[] =
    "<config>\n"
    "  <vfs>\n"
    "    <dir name=\"dev\"> <log/> <null/> <zero name=\"zeros\"/> </dir>\n"
    "    <dir name=\"etc\"> <inline name=\"motd\">Hi &amp; bye</inline> </dir>\n"
    "    <rom name=\"data\" label=\"data.bin\"/>\n"
    "    <dir name=\"tmp\"> <ram/> </dir>\n"
    "    <dir name=\"dev\"> <dir name=\"sub\"/> </dir>\n"
    "    <tar name=\"x.tar\"/>\n"
    "    <dir name=\"dev\"> <thing/> <thing name=\"other\" ok=\"yes\"/> <thing name=\"a/b\"/> </dir>\n"
    "    <thing name=\"refused\" ok=\"no\"/>\n"
    "    <dir name=\"bad\"> <inline name=\"dup\">one</inline> <inline name=\"dup\">two</inline>\n"
    "      <rom name=\"dup\"/> <dir name=\"dup\"/> <null name=\"dup\"/> <thing name=\"dup\"/>\n"
    "      <inline name=\"..\">x</inline> <inline name=\".\">x</inline> <log name=\"x/y\"/>\n"
    "      <zero name=\"..\"/> <null "
    "name=\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"/>\n"
    "      <rom name=\"r\" label=\"lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll\"/>\n"
    "      <thing name=\"..\"/> <dir name=\"d\"/> <dir name=\"d\"> <null/> </dir>\n"
    "      <inline name=\"n\0ul\">x</inline> </dir>\n"
    "    <dir name=\"disk\"> <fs label=\"disk\"/> <inline name=\"beside\">x</inline> </dir>\n"
    "    <dir name=\"ro\"> <fs writeable=\"no\"/> </dir>\n"
    "    <dir name=\"tmp\"> <fs/> </dir>\n"
    "  </vfs>\n"
    "</config>\n";

/* A stand-in device plugin "thing": its config refuses ok="no". */
static bool thing_config(struct vfs_node *node, const struct xml_node *xml)
{
    char ok[8] = "yes";
    xml_attr(xml, "ok", ok, sizeof(ok));
    node->device_state = node;
    return strcmp(ok, "no") != 0;
}

static const struct vfs_device thing = {.type = "thing", .config = thing_config};

const struct vfs_device *vfs_device_of(const struct xml_node *xml)
{
    return xml_type_is(xml, "thing") ? &thing : NULL;
}

/* A stand-in for fs.c: a file system holding the directory "a", the
 * files "a/b.txt" and "c.txt"; it records what was asked of it. */
struct vfs_fs {
    struct vfs_node *mount;
    bool writeable;
};
static char made[256];
static unsigned closed;

bool vfs_fs_config(struct vfs_node *dir, const struct xml_node *xml)
{
    static struct vfs_fs fss[4];
    static unsigned used;
    char w[8] = "yes";
    xml_attr(xml, "writeable", w, sizeof(w));
    fss[used] = (struct vfs_fs){.mount = dir, .writeable = strcmp(w, "no") != 0};
    dir->fs = &fss[used++];
    dir->fs_path = "";
    return true;
}

int vfs_fs_lookup(struct vfs_fs *fs, const char *path, bool *is_dir)
{
    if (!strcmp(path, "a") || !path[0] || (made[0] && !strcmp(path, made))) {
        *is_dir = true;
        return 0;
    }
    if (!strcmp(path, "a/b.txt") || !strcmp(path, "c.txt")) {
        *is_dir = false;
        return 0;
    }
    errno = !strncmp(path, "c.txt/", 6) ? ENOTDIR : ENOENT;
    return -1;
}

struct vfs_node *vfs_fs_mount(struct vfs_fs *fs)
{
    return fs->mount;
}

bool vfs_fs_writeable(const struct vfs_fs *fs)
{
    return fs->writeable;
}

int vfs_fs_mkdir(struct vfs_fs *fs, const char *path)
{
    snprintf(made, sizeof(made), "%s", path);
    return 0;
}

void vfs_fs_close(struct vfs_node *node)
{
    closed += node->fs_handle != 0;
    node->fs_handle = 0;
}

static struct vfs_node *root(void)
{
    static bool built;
    if (!built) {
        struct xml_node config;
        if (!xml_parse(config_text, sizeof(config_text) - 1, &config, NULL)) {
            abort();
        }
        vfs_init(&config);
        built = true;
    }
    return vfs_root();
}

TEST(config_nodes_become_the_tree)
{
    struct vfs_node *r = root();
    struct vfs_node *log = vfs_lookup("/dev/log", NULL, NULL);
    EXPECT(log && log->kind == VFS_LOG && log->parent->parent == r);
    EXPECT(vfs_lookup("/dev/null", NULL, NULL) && vfs_lookup("/dev/null", NULL, NULL)->kind == VFS_NULL);
    EXPECT(vfs_lookup("/dev/zeros", NULL, NULL) && vfs_lookup("/dev/zeros", NULL, NULL)->kind == VFS_ZERO);
    EXPECT(vfs_lookup("/dev/sub", NULL, NULL)); /* a second <dir name="dev"> adds to the first */
    struct vfs_node *motd = vfs_lookup("etc/motd", NULL, NULL);
    EXPECT(motd && motd->kind == VFS_INLINE && motd->size == 8 && memcmp(motd->data, "Hi & bye", 8) == 0);
    struct vfs_node *rom = vfs_lookup("//data", NULL, NULL);
    EXPECT(rom && rom->kind == VFS_ROM && strcmp(rom->label, "data.bin") == 0);
    EXPECT(!vfs_lookup("/x.tar", NULL, NULL)); /* not supported: left out */
    EXPECT(vfs_lookup("/tmp", NULL, NULL)->ram && !vfs_lookup("/etc", NULL, NULL)->ram);
}

TEST(device_nodes_are_their_plugins)
{
    root();
    struct vfs_node *t = vfs_lookup("/dev/thing", NULL, NULL), *o = vfs_lookup("/dev/other", NULL, NULL);
    EXPECT(t && t->kind == VFS_DEVICE && t->device == &thing && t->device_state == t);
    EXPECT(o && o->kind == VFS_DEVICE && o->device == &thing);
    EXPECT(!vfs_lookup("/refused", NULL, NULL)); /* its config said no: left out */
    EXPECT(!vfs_lookup("/dev/a", NULL, NULL));   /* a name with '/': left out */
}

TEST(hostile_names_are_left_out)
{
    root();
    struct vfs_node *bad = vfs_lookup("/bad", NULL, NULL), *dup = vfs_lookup("/bad/dup", NULL, NULL);
    unsigned count = 0;
    for (struct vfs_node *n = bad ? bad->first : NULL; n; n = n->next) {
        count++;
    }
    /* the first "dup" stays; a second of any kind, ".", "..", '/', an
     * overlong name or label are left out, not renamed or shadowed */
    EXPECT(dup && dup->kind == VFS_INLINE && dup->size == 3 && memcmp(dup->data, "one", 3) == 0);
    EXPECT(count == 2); /* dup, d */
    EXPECT(vfs_lookup("/bad/..", NULL, NULL) == vfs_root() && !vfs_lookup("/bad/null", NULL, NULL));
    EXPECT(!vfs_lookup("/bad/r", NULL, NULL) && !vfs_lookup("/bad/log", NULL, NULL));
    EXPECT(!vfs_lookup("/bad/n", NULL, NULL));     /* a NUL byte inside the name: not cut short there */
    EXPECT(vfs_lookup("/bad/d/null", NULL, NULL)); /* two <dir name="d"> are one directory */
}

TEST(lookup_dots_and_errors)
{
    struct vfs_node *r = root();
    EXPECT(vfs_lookup("/", NULL, NULL) == r);
    EXPECT(vfs_lookup("/..", NULL, NULL) == r);
    EXPECT(vfs_lookup("/dev/./../etc/motd/", NULL, NULL) == vfs_lookup("/etc/motd", NULL, NULL));
    errno = 0;
    EXPECT(!vfs_lookup("/etc/motd/x", NULL, NULL) && errno == ENOTDIR);
    errno = 0;
    EXPECT(!vfs_lookup("/nothing/x", NULL, NULL) && errno == ENOENT);
    errno = 0;
    EXPECT(!vfs_lookup("", NULL, NULL) && errno == ENOENT);
    char longname[100];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    errno = 0;
    EXPECT(!vfs_lookup(longname, NULL, NULL) && errno == ENAMETOOLONG);
}

TEST(relative_paths_follow_the_working_directory)
{
    root();
    vfs_set_cwd(vfs_lookup("/dev", NULL, NULL));
    EXPECT(vfs_lookup("null", NULL, NULL) == vfs_lookup("/dev/null", NULL, NULL));
    EXPECT(vfs_lookup("../etc/motd", NULL, NULL) == vfs_lookup("/etc/motd", NULL, NULL));
    vfs_set_cwd(vfs_root());
}

TEST(files_are_made_only_in_ram_directories)
{
    struct vfs_node *dir = NULL;
    const char *leaf = NULL;
    root();
    EXPECT(!vfs_lookup("/tmp/new.txt", &dir, &leaf) && dir == vfs_lookup("/tmp", NULL, NULL));
    EXPECT(leaf && strcmp(leaf, "new.txt") == 0);
    struct vfs_node *f = vfs_create(dir, leaf, VFS_RAM);
    EXPECT(f && f->kind == VFS_RAM && vfs_lookup("/tmp/new.txt", NULL, NULL) == f);
    struct vfs_node *sub = vfs_create(dir, "sub/ignored", VFS_DIR); /* the name ends at '/' */
    EXPECT(sub && sub->ram && vfs_lookup("/tmp/sub", NULL, NULL) == sub);
    dir = NULL;
    EXPECT(!vfs_lookup("/tmp/nodir/x", &dir, &leaf) && dir == NULL); /* only the last element may miss */
    errno = 0;
    EXPECT(!vfs_create(vfs_lookup("/etc", NULL, NULL), "x", VFS_RAM) && errno == EACCES);
    vfs_remove(f);
    EXPECT(!vfs_lookup("/tmp/new.txt", NULL, NULL));
    sub->opened = 1; /* open: stays until released */
    vfs_remove(sub);
    EXPECT(!vfs_lookup("/tmp/sub", NULL, NULL) && sub->unlinked);
    sub->opened = 0;
    vfs_release(sub);
}

TEST(fs_paths_become_nodes_of_the_file_system)
{
    struct vfs_node *data = (root(), vfs_lookup("/disk", NULL, NULL));
    EXPECT(data && data->kind == VFS_DIR && data->fs && strcmp(data->fs_path, "") == 0 && !data->unlinked);
    struct vfs_node *b = vfs_lookup("/disk/a/b.txt", NULL, NULL);
    EXPECT(b && b->kind == VFS_FSFILE && b->fs == data->fs && strcmp(b->fs_path, "a/b.txt") == 0);
    EXPECT(b && b->parent == data && strcmp(b->name, "b.txt") == 0 && b->unlinked);
    vfs_release(b); /* freed: the sanitizer finds a leak or a double free */
    struct vfs_node *a = vfs_lookup("/disk//./a/", NULL, NULL);
    EXPECT(a && a->kind == VFS_DIR && a->fs && strcmp(a->fs_path, "a") == 0);
    /* relative to a directory below the <fs/>, ".." included */
    vfs_set_cwd(a);
    b = vfs_lookup("b.txt", NULL, NULL);
    EXPECT(b && strcmp(b->fs_path, "a/b.txt") == 0);
    vfs_release(b);
    struct vfs_node *c = vfs_lookup("../c.txt", NULL, NULL);
    EXPECT(c && c->kind == VFS_FSFILE && strcmp(c->fs_path, "c.txt") == 0);
    vfs_release(c);
    EXPECT(vfs_lookup("..", NULL, NULL) == data);
    EXPECT(vfs_lookup("../../etc/motd", NULL, NULL) ==
           vfs_lookup("/etc/motd", NULL, NULL)); /* above the <fs/> */
    vfs_set_cwd(vfs_root());
    vfs_release(a);
    c = vfs_lookup("/disk/a/../c.txt", NULL, NULL);
    EXPECT(c && strcmp(c->fs_path, "c.txt") == 0);
    vfs_release(c);
    EXPECT(vfs_lookup("/disk/..", NULL, NULL) == vfs_root());
    /* a node of the config beside the <fs/> is found first */
    struct vfs_node *beside = vfs_lookup("/disk/beside", NULL, NULL);
    EXPECT(beside && beside->kind == VFS_INLINE && !beside->fs);
    /* an <fs/> beside <ram/> is refused */
    EXPECT(!vfs_lookup("/tmp", NULL, NULL)->fs);
}

TEST(fs_missing_names_and_errors)
{
    struct vfs_node *dir = NULL, *data = (root(), vfs_lookup("/disk", NULL, NULL));
    const char *leaf = NULL;
    errno = 0;
    EXPECT(!vfs_lookup("/disk/new.txt", &dir, &leaf) && errno == ENOENT && dir == data);
    EXPECT(leaf && strcmp(leaf, "new.txt") == 0);
    EXPECT(!vfs_lookup("/disk/a/new.txt", &dir, &leaf) && errno == ENOENT);
    EXPECT(dir && dir->kind == VFS_DIR && dir->fs && strcmp(dir->fs_path, "a") == 0 &&
           strcmp(leaf, "new.txt") == 0);
    /* a file is made at its open: a node for it now */
    struct vfs_node *f = vfs_create(dir, leaf, VFS_RAM);
    EXPECT(f && f->kind == VFS_FSFILE && strcmp(f->fs_path, "a/new.txt") == 0);
    vfs_release(f);
    /* a directory is made now */
    made[0] = 0;
    struct vfs_node *sub = vfs_create(dir, "sub", VFS_DIR);
    EXPECT(sub && sub->kind == VFS_DIR && strcmp(made, "a/sub") == 0);
    vfs_release(sub);
    sub = vfs_lookup("/disk/a/sub", NULL, NULL);
    EXPECT(sub && sub->kind == VFS_DIR && strcmp(sub->fs_path, "a/sub") == 0);
    vfs_release(sub);
    vfs_release(dir);
    dir = NULL;
    errno = 0;
    EXPECT(!vfs_lookup("/disk/nodir/x", &dir, &leaf) && !dir && errno == ENOENT); /* only the last may miss */
    errno = 0;
    EXPECT(!vfs_lookup("/disk/c.txt/x", &dir, &leaf) && !dir && errno == ENOTDIR);
    char name[300];
    memset(name, 'n', sizeof(name));
    memcpy(name, "/disk/", 6);
    name[sizeof(name) - 1] = 0;
    errno = 0;
    EXPECT(!vfs_lookup(name, NULL, NULL) && errno == ENAMETOOLONG); /* a name of 293 bytes */
    /* read-only: nothing is made */
    struct vfs_node *ro = vfs_lookup("/ro", NULL, NULL);
    made[0] = 0;
    errno = 0;
    EXPECT(ro && ro->fs && !vfs_create(ro, "x", VFS_DIR) && errno == EROFS && !made[0]);
    EXPECT(!vfs_create(ro, "x", VFS_RAM) && errno == EROFS);
    /* a released node gives its handle back */
    struct vfs_node *b = vfs_lookup("/disk/a/b.txt", NULL, NULL);
    unsigned before = closed;
    b->fs_handle = 3;
    b->opened = 1;
    vfs_release(b); /* open: kept */
    EXPECT(closed == before);
    b->opened = 0;
    vfs_release(b);
    EXPECT(closed == before + 1);
}

TEST(fs_errors_map_to_errno)
{
    static const struct {
        uint64_t error;
        int err;
    } map[] = {{FS_ERR_NOT_FOUND, ENOENT},
               {FS_ERR_EXISTS, EEXIST},
               {FS_ERR_NOT_DIR, ENOTDIR},
               {FS_ERR_IS_DIR, EISDIR},
               {FS_ERR_NOT_EMPTY, ENOTEMPTY},
               {FS_ERR_NO_SPACE, ENOSPC},
               {FS_ERR_IO, EIO},
               {FS_ERR_CORRUPT, EIO},
               {FS_ERR_INVALID, EINVAL},
               {FS_ERR_NAME_TOO_LONG, ENAMETOOLONG},
               {FS_ERR_READ_ONLY, EROFS},
               {FS_ERR_TOO_LARGE, EFBIG},
               {FS_ERR_BAD_HANDLE, EBADF},
               {FS_ERR_NO_HANDLE, EMFILE},
               {0, EIO},
               {99, EIO},
               {~0ull, EIO}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        EXPECT(vfs_fs_errno(map[i].error) == map[i].err);
    }
}
