/*
 * fs_test: checks a File_system server (servers/ext2, or servers/fat
 * with <config fs="fat"/>) from its client's side against the tree
 * run/ext2.run put into the disk image with mke2fs -d (run/fat.run with
 * mkfs.fat and mcopy): every file read back and compared, the root
 * listed, then files and directories created, appended, moved,
 * truncated and deleted, and a sync; hostile.c's attacks; the run
 * script checks the image with e2fsck and debugfs (fsck.fat, mdir and
 * mtype) after the boot. The contents here and in the run script are
 * made by the same rules. On FAT, sparse.bin is 64 KiB of zeros written
 * out (FAT has no holes), there is no symlink (symlink and readlink
 * must answer INVALID) and the root has no ".", ".." or lost+found.
 */
#include "fs_test.h"

#define LARGE_SIZE 600000
#define SPARSE_HOLE_EXT2 4194304
#define SPARSE_HOLE_FAT 65536
#define BIG_SIZE 300000

static uint8_t buf[SPARSE_HOLE_EXT2 + 65536];
bool fat;
const char *hello;

/* 200 'L' and ".txt", as the run script names it */
static const char *long_name(void)
{
    static char name[205];
    memset(name, 'L', 200);
    memcpy(name + 200, ".txt", 5);
    return name;
}

static uint8_t large_byte(uint64_t i)
{
    return (uint8_t)(i * 7 + i / 1031);
}

static uint8_t big_byte(uint64_t i)
{
    return (uint8_t)(i * 13 + 5);
}

static bool same_text(struct fs_client *k, const char *path, const char *text)
{
    int64_t n = read_file(k, path, buf, sizeof(buf));
    return n == (int64_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

static bool same_bytes(struct fs_client *k, const char *path, uint64_t size, uint8_t (*byte)(uint64_t))
{
    int64_t n = read_file(k, path, buf, sizeof(buf));
    uint64_t wrong = 0;
    for (int64_t i = 0; i < n; i++) {
        wrong += buf[i] != byte((uint64_t)i);
    }
    return n == (int64_t)size && wrong == 0;
}

static void read_tree(struct fs_client *k)
{
    uint32_t hole = fat ? SPARSE_HOLE_FAT : SPARSE_HOLE_EXT2;
    check(same_text(k, "hello.txt", fat ? "Hello, FAT!\n" : "Hello, ext2!\n"), "read /hello.txt");
    check(same_text(k, "/dir1/dir2/dir3/nested.txt", "nested\n"), "read /dir1/dir2/dir3/nested.txt");
    check(same_text(k, long_name(), "long name\n"), "read the file of a 204-byte name");
    check(same_bytes(k, "large.bin", LARGE_SIZE, large_byte), "read /large.bin, %u bytes (%s)", LARGE_SIZE,
          fat ? "a long cluster chain" : "double indirect");
    int64_t n = read_file(k, "sparse.bin", buf, sizeof(buf));
    uint64_t nonzero = 0;
    for (int64_t i = 0; i < hole && i < n; i++) {
        nonzero += buf[i] != 0;
    }
    check(n == hole + 3 && nonzero == 0 && memcmp(buf + hole, "end", 3) == 0,
          "read /sparse.bin: %s of %u bytes reads as zeros", fat ? "a run" : "a hole", hole);
    char target[RPC_STRING_MAX + 1];
    uint64_t len, error = 0;
    if (fat) {
        status_t st = file_system_readlink(k->session, "hello.txt", &len, target, &error);
        check(st == RPC_INVALID && error == FS_ERR_INVALID,
              "readlink /hello.txt: invalid (FAT has no symlinks)");
        return;
    }
    check(file_system_readlink(k->session, "link", &len, target, &error) == RPC_OK &&
              strcmp(target, "dir1/dir2/dir3/nested.txt") == 0,
          "readlink /link");
}

/* The names of the root directory, each once, in one string. */
static bool list_root(struct fs_client *k, char *names, size_t size, unsigned *count)
{
    uint64_t h, error, done;
    size_t at = 0;
    names[0] = 0;
    *count = 0;
    if (file_system_dir(k->session, "/", 0, &h, &error)) {
        return false;
    }
    for (uint64_t index = 0;; index += done) {
        if (fs_client_packet(k, FS_OP_READ_DIR, h, index, 4 * sizeof(struct fs_dirent), buf, &done) !=
            PS_OK) {
            return false;
        }
        if (done == 0) {
            break;
        }
        for (uint64_t i = 0; i < done; i++) {
            struct fs_dirent *d = (struct fs_dirent *)buf + i;
            at += (size_t)snprintf(names + at, size - at, "%s%.20s", *count ? " " : "", d->name);
            (*count)++;
        }
    }
    file_system_close(k->session, h, &error);
    return true;
}

static void change_tree(struct fs_client *k)
{
    uint64_t h, error, type, size, mode, inode, links, mtime, ctime, atime;
    struct fs_client w;
    check(watch_open(&w), "watch /hello.txt and / from another session");
    static uint8_t big[BIG_SIZE];
    for (uint64_t i = 0; i < BIG_SIZE; i++) {
        big[i] = big_byte(i);
    }
    check(write_file(k, "hello.txt", 0, strlen(hello) - 9, "appended\n", 9) &&
              same_text(k, "hello.txt", hello),
          "append to /hello.txt");
    check(watch_signalled(), "watch: the append to /hello.txt signalled");
    check(file_system_dir(k->session, "new", 1, &h, &error) == RPC_OK &&
              file_system_close(k->session, h, &error) == RPC_OK &&
              file_system_dir(k->session, "new/deeper", 1, &h, &error) == RPC_OK &&
              file_system_close(k->session, h, &error) == RPC_OK,
          "mkdir /new /new/deeper");
    check(file_system_dir(k->session, "new", 1, &h, &error) == RPC_INVALID && error == FS_ERR_EXISTS,
          "mkdir /new again: exists");
    check(watch_signalled(), "watch: mkdir /new signalled");
    check(write_file(k, "new/deeper/created.txt", FS_CREATE, 0, "created by arbor\n", 17),
          "create /new/deeper/created.txt");
    check(!watch_signalled(), "watch: a change in /new/deeper did not signal");
    check(write_file(k, "new/big.bin", FS_CREATE, 0, big, BIG_SIZE) &&
              same_bytes(k, "new/big.bin", BIG_SIZE, big_byte),
          "write /new/big.bin, %u bytes, and read it back", BIG_SIZE);
    uint64_t held = 0, got = 0;
    bool opened =
        file_system_file(k->session, "dir1/dir2/dir3/nested.txt", FS_MODE_READ, 0, &held, &error) == RPC_OK;
    check(file_system_move(k->session, "dir1/dir2/dir3/nested.txt", "new/moved.txt", &error) == RPC_OK &&
              same_text(k, "new/moved.txt", "nested\n"),
          "move /dir1/dir2/dir3/nested.txt to /new/moved.txt");
    char text[16] = "";
    got = opened ? (uint64_t)fs_client_read(k, held, 0, text, sizeof(text)) : 0;
    check(opened && got == 7 && memcmp(text, "nested\n", 7) == 0,
          "a handle open across the move reads the file");
    file_system_close(k->session, held, &error);
    check(file_system_unlink(k->session, "dir1", &error) == RPC_INVALID && error == FS_ERR_NOT_EMPTY,
          "rmdir /dir1: not empty");
    check(file_system_unlink(k->session, "dir1/dir2/dir3", &error) == RPC_OK, "rmdir /dir1/dir2/dir3");
    check(file_system_move(k->session, "dir1", "dir1.renamed", &error) == RPC_OK &&
              file_system_node(k->session, "dir1.renamed/dir2", &h, &error) == RPC_OK &&
              file_system_close(k->session, h, &error) == RPC_OK,
          "move the directory /dir1 to /dir1.renamed");
    check(watch_signalled(), "watch: the move of /dir1 signalled");
    bool ok = file_system_file(k->session, "large.bin", FS_MODE_READ_WRITE, 0, &h, &error) == RPC_OK &&
              file_system_truncate(k->session, h, 1000, &error) == RPC_OK &&
              file_system_status(k->session, h, &type, &size, &mode, &inode, &links, &mtime, &ctime, &atime,
                                 &error) == RPC_OK &&
              type == FS_TYPE_FILE && size == 1000;
    file_system_close(k->session, h, &error);
    check(ok && same_bytes(k, "large.bin", 1000, large_byte), "truncate /large.bin to 1000 bytes");
    check(file_system_unlink(k->session, "sparse.bin", &error) == RPC_OK &&
              file_system_node(k->session, "sparse.bin", &h, &error) == RPC_INVALID &&
              error == FS_ERR_NOT_FOUND,
          "unlink /sparse.bin");
    check(watch_signalled(), "watch: the unlink in / signalled");
    fs_client_close(&w);
    opened = write_file(k, "temp.txt", FS_CREATE, 0, "gone soon\n", 10) &&
             file_system_file(k->session, "temp.txt", FS_MODE_READ, 0, &held, &error) == RPC_OK;
    check(opened && file_system_unlink(k->session, "temp.txt", &error) == RPC_OK,
          "create and unlink /temp.txt");
    error = 0;
    check(opened &&
              file_system_status(k->session, held, &type, &size, &mode, &inode, &links, &mtime, &ctime,
                                 &atime, &error) == RPC_INVALID &&
              error == FS_ERR_NOT_FOUND,
          "a handle of the unlinked /temp.txt: not found");
    file_system_close(k->session, held, &error);
    if (fat) {
        status_t st = file_system_symlink(k->session, "new/link2", "moved.txt", &error);
        check(st == RPC_INVALID && error == FS_ERR_INVALID,
              "symlink /new/link2: invalid (FAT has no symlinks)");
    } else {
        check(file_system_symlink(k->session, "new/link2", "moved.txt", &error) == RPC_OK,
              "symlink /new/link2");
    }
    check(file_system_sync(k->session, &error) == RPC_OK, "sync");
}

int main(uint64_t arg)
{
    struct fs_client k;
    char names[512];
    unsigned count = 0;
    bool listed;
    uint64_t before[2] = {0}, after[2] = {0};
    struct xml_node config;
    char fs_name[8] = "ext2";
    if (rt_config(&config, NULL) == RPC_OK) {
        xml_attr(&config, "fs", fs_name, sizeof(fs_name));
    }
    fat = strcmp(fs_name, "fat") == 0;
    hello = fat ? "Hello, FAT!\nappended\n" : "Hello, ext2!\nappended\n";
    unsigned entries = fat ? 5 : 9; /* the root's: no ".", "..", lost+found or link on FAT */
    ps_client_note();               /* made once, for all our streams: not part of a session's cost */
    check(watch_init(), "a notification for watching");
    if (fs_client_open(&k, "rw", TEST_BUFFER, TEST_SLOTS)) {
        printf("no File_system session\n");
        return 1;
    }
    read_tree(&k);
    listed = list_root(&k, names, sizeof(names), &count);
    check(listed && count == entries, "list /: %u entries", count);
    printf("root: %s\n", names);
    change_tree(&k);
    listed = list_root(&k, names, sizeof(names), &count);
    check(listed && count == entries, "list / after the changes: %u entries", count);
    printf("root: %s\n", names);
    fs_client_close(&k);
    /* measured once our address space has held two streams at once, as
     * the hostile sessions do (page tables stay with the PD) */
    pd_quota(ENV_PD, NULL, &before[0], NULL, &before[1]);
    hostile_run();
    pd_quota(ENV_PD, NULL, &after[0], NULL, &after[1]);
    check(
        before[0] == after[0] && before[1] == after[1],
        "own RAM used %lu -> %lu, caps used %lu -> %lu around the hostile sessions: every donation came back",
        before[0], after[0], before[1], after[1]);
    printf("fs test %s (%u failed)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
