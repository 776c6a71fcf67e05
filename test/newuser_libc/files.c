/*
 * files: what a program sees of its VFS (run/newuser_libc.run). argv[1]
 * is a ROM module, /etc/motd an <inline> file, /tmp a <ram/> directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* Lines, words and bytes as wc counts them, and the last 4 bytes by fseek. */
static void count(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return;
    }
    long lines = 0, words = 0, bytes = 0;
    int c, in_word = 0;
    while ((c = fgetc(f)) != EOF) {
        bytes++;
        lines += c == '\n';
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    char tail[5] = "";
    if (fseek(f, -4, SEEK_END) != 0) {
        perror("fseek");
    }
    long at = ftell(f);
    size_t n = fread(tail, 1, 4, f);
    for (size_t i = 0; i < n; i++) {
        tail[i] = tail[i] == '\n' ? '|' : tail[i];
    }
    printf("wc %s: %ld %ld %ld, at %ld \"%s\"\n", path, lines, words, bytes, at, tail);
    fclose(f);
}

/* The entries of dir in readdir's order, each with stat's type and size. */
static void list(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir %s: %s\n", dir, strerror(errno));
        return;
    }
    char line[300] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        size_t used = strlen(line);
        if (stat(path, &st) != 0) {
            snprintf(line + used, sizeof line - used, " %s(%s)", e->d_name, strerror(errno));
            continue;
        }
        snprintf(line + used, sizeof line - used, " %s(%s %ld)", e->d_name,
                 S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : S_ISCHR(st.st_mode) ? "chr" : "other",
                 S_ISREG(st.st_mode) ? (long)st.st_size : 0L);
    }
    closedir(d);
    printf("ls %s:%s\n", dir, line);
}

static const char *error_name(int e)
{
    return e == EROFS ? "EROFS" : e == EACCES ? "EACCES" : e == ENOENT ? "ENOENT" : strerror(e);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *w = fopen("/tmp/notes.txt", "w");
    if (!w) {
        perror("/tmp/notes.txt");
        return 1;
    }
    for (int i = 1; i <= 5; i++) {
        fprintf(w, "line %d of %d\n", i, 5);
    }
    fclose(w);

    count(argv[1]);
    count("/etc/motd");
    count("/tmp/notes.txt");
    count("/missing");
    list("/");
    list("/etc");
    list("/tmp");

    int fd = open(argv[1], O_WRONLY);
    printf("open %s for writing: %d %s\n", argv[1], fd, fd < 0 ? error_name(errno) : "");
    fd = open("/etc/new", O_CREAT | O_WRONLY, 0644);
    printf("create /etc/new: %d %s\n", fd, fd < 0 ? error_name(errno) : "");
    struct stat st;
    if (mkdir("/tmp/sub", 0755) != 0 || rename("/tmp/notes.txt", "/tmp/sub/n.txt") != 0 ||
        stat("/tmp/sub/n.txt", &st) != 0) {
        perror("mkdir, rename, stat");
        return 1;
    }
    printf("renamed to /tmp/sub/n.txt: %ld bytes\n", (long)st.st_size);
    if (unlink("/tmp/sub/n.txt") != 0) {
        perror("unlink");
    }
    int e = stat("/tmp/sub/n.txt", &st) == 0 ? 0 : errno;
    printf("stat after unlink: %s\n", e ? error_name(e) : "still there");
    list("/tmp");
    return 0;
}
