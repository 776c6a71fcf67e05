/*
 * The VFS tree of C programs (libc/posix/vfs.c): built from a <vfs>
 * config, paths looked up absolute and relative, ".." at the root,
 * files made only in <ram/> directories, names too long, removal,
 * device plugins (a stand-in plugin here: the real ones need sessions).
 */
#include "unit.h"
#include <errno.h>
#include <stdlib.h>
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
