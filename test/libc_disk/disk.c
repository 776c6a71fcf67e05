/*
 * A plain C program on a disk (run/libc_fs.run): its VFS has the
 * directory /disk as <fs/> on a File_system session (ext2 or FAT) and
 * /ro as a read-only one, and it uses only what any C program uses:
 * fopen, fgets, fwrite, fflush, fsync, open with O_CREAT/O_EXCL/
 * O_TRUNC/O_APPEND, lseek, ftruncate, stat, mkdir, opendir/readdir,
 * rename, remove, poll. It reads a file the host put there, writes
 * files whose contents the run script checks on the host after the
 * boot, and checks errno of what must fail. argv[1] names the file
 * system ("ext2" or "fat": FAT keeps no permission bits).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    failed += !ok;
}

/* The large file: LARGE bytes, more than one packet of the stream. */
#define LARGE 300000
static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 31 + i / 977);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (without "." and ".."), sorted, joined by ' '. */
static void listing(const char *dir, char *out, size_t size)
{
    char *names[32];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    out[0] = 0;
    if (!d) {
        snprintf(out, size, "(opendir: %s)", strerror(errno));
        return;
    }
    while ((e = readdir(d)) && n < 32) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
    for (int i = 0; i < n; i++) {
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
}

int main(int argc, char **argv)
{
    int fat = argc > 1 && !strcmp(argv[1], "fat");
    char line[128], list[512];
    struct stat st;

    /* a file the host made */
    FILE *f = fopen("/disk/hello.txt", "r");
    check(f && fgets(line, sizeof(line), f) && !strcmp(line, "Hello from the host\n") && fclose(f) == 0,
          "read /disk/hello.txt");
    check(stat("/disk/hello.txt", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 20,
          "stat /disk/hello.txt");
    check(stat("/disk", &st) == 0 && S_ISDIR(st.st_mode), "stat /disk: a directory");

    /* stdio: written, flushed, synced */
    check(mkdir("/disk/out", 0755) == 0, "mkdir /disk/out");
    f = fopen("/disk/out/notes.txt", "w");
    int ok = f != NULL;
    for (int i = 0; ok && i < 100; i++) {
        ok = fprintf(f, "line %d of the notes\n", i) > 0;
    }
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    check(ok && fclose(f) == 0, "fopen/fprintf/fflush/fsync/fclose /disk/out/notes.txt");
    check(stat("/disk/out/notes.txt", &st) == 0 && st.st_size == 2090, "stat: 2090 bytes written");

    /* a large file in pieces, read back */
    unsigned char *buf = malloc(LARGE), *back = malloc(LARGE);
    for (size_t i = 0; buf && i < LARGE; i++) {
        buf[i] = pattern(i);
    }
    int fd = open("/disk/out/large.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0 && buf && back && write(fd, buf, LARGE) == LARGE, "write 300000 bytes at once");
    check(lseek(fd, 0, SEEK_END) == LARGE && lseek(fd, 0, SEEK_SET) == 0, "lseek to the end and back");
    ssize_t got = 0, r;
    while (got < LARGE && (r = read(fd, back + got, LARGE - (size_t)got)) > 0) {
        got += r;
    }
    check(got == LARGE && !memcmp(buf, back, LARGE) && read(fd, back, 1) == 0,
          "read them back, then the end");
    check(lseek(fd, 1000, SEEK_SET) == 1000 && read(fd, back, 10) == 10 && !memcmp(back, buf + 1000, 10),
          "read at an offset");
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    check(poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLOUT)) == (POLLIN | POLLOUT), "poll: ready");
    check(fstat(fd, &st) == 0 && st.st_size == LARGE && (fat || (st.st_mode & 0777) != 0), "fstat");
    check(fsync(fd) == 0 && close(fd) == 0, "fsync and close");
    free(buf);
    free(back);

    /* O_APPEND, O_EXCL, O_TRUNC, ftruncate */
    fd = open("/disk/out/log.txt", O_WRONLY | O_CREAT | O_APPEND, 0644);
    check(fd >= 0 && write(fd, "one\n", 4) == 4 && lseek(fd, 0, SEEK_SET) == 0 &&
              write(fd, "two\n", 4) == 4 && close(fd) == 0,
          "O_APPEND writes at the end");
    errno = 0;
    check(open("/disk/out/log.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST,
          "O_EXCL: EEXIST");
    fd = open("/disk/out/trunc.txt", O_WRONLY | O_CREAT, 0644);
    check(fd >= 0 && write(fd, "0123456789", 10) == 10 && ftruncate(fd, 4) == 0 && fstat(fd, &st) == 0 &&
              st.st_size == 4 && close(fd) == 0,
          "ftruncate to 4 bytes");
    fd = open("/disk/out/emptied.txt", O_WRONLY | O_CREAT, 0644);
    check(fd >= 0 && write(fd, "gone", 4) == 4 && close(fd) == 0, "write a file");
    fd = open("/disk/out/emptied.txt", O_WRONLY | O_TRUNC);
    check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && close(fd) == 0, "O_TRUNC empties it");

    /* names: rename, remove, the listing */
    f = fopen("/disk/out/tmp.txt", "w");
    check(f && fputs("renamed\n", f) >= 0 && fclose(f) == 0, "fopen/fputs /disk/out/tmp.txt");
    check(rename("/disk/out/tmp.txt", "/disk/out/renamed.txt") == 0, "rename");
    errno = 0;
    check(stat("/disk/out/tmp.txt", &st) < 0 && errno == ENOENT, "the old name is gone: ENOENT");
    check(remove("/disk/old.txt") == 0, "remove /disk/old.txt");
    check(mkdir("/disk/out/sub", 0755) == 0 && rmdir("/disk/out/sub") == 0, "mkdir and rmdir");
    listing("/disk/out", list, sizeof(list));
    printf("ls /disk/out: %s\n", list);
    check(!strcmp(list, "emptied.txt large.bin log.txt notes.txt renamed.txt trunc.txt"),
          "readdir /disk/out");
    check(chdir("/disk/out") == 0 && getcwd(line, sizeof(line)) && !strcmp(line, "/disk/out") &&
              stat("notes.txt", &st) == 0 && stat("../hello.txt", &st) == 0 && chdir("/") == 0,
          "chdir, getcwd and relative paths");

    /* what must fail, with its errno */
    errno = 0;
    check(!fopen("/disk/missing.txt", "r") && errno == ENOENT, "fopen a missing file: ENOENT");
    errno = 0;
    check(mkdir("/disk/out", 0755) < 0 && errno == EEXIST, "mkdir an existing directory: EEXIST");
    errno = 0;
    check(rmdir("/disk/out") < 0 && errno == ENOTEMPTY, "rmdir a full directory: ENOTEMPTY");
    errno = 0;
    check(unlink("/disk/out") < 0 && errno == EISDIR, "unlink a directory: EISDIR");
    errno = 0;
    check(open("/disk/hello.txt/x", O_RDONLY) < 0 && errno == ENOTDIR, "a file as a directory: ENOTDIR");
    errno = 0;
    check(rename("/disk/out/log.txt", "/tmp/log.txt") < 0 && errno == EXDEV, "rename out of the disk: EXDEV");
    errno = 0;
    check(!fopen("/ro/new.txt", "w") && errno == EROFS, "create on a read-only <fs/>: EROFS");
    errno = 0;
    check(mkdir("/ro/dir", 0755) < 0 && errno == EROFS, "mkdir on a read-only <fs/>: EROFS");
    errno = 0;
    check(!fopen("/none/hello.txt", "r") && errno == EIO, "an <fs/> the server has no policy for: EIO");
    f = fopen("/ro/hello.txt", "r");
    check(f && fgets(line, sizeof(line), f) && !strcmp(line, "Hello from the host\n") && fclose(f) == 0,
          "read through the read-only <fs/>");

    printf("libc_fs %s: %s (%d failed)\n", argc > 1 ? argv[1] : "?", failed ? "FAILED" : "done", failed);
    return failed != 0;
}
