/*
 * Whole files by path over a File_system session (rt/fs_client.h), and
 * the check lines every part of the test prints.
 */
#include "fs_test.h"

unsigned failures;

void check(bool ok, const char *fmt, ...)
{
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%s: %s\n", line, ok ? "ok" : "FAILED");
    failures += !ok;
}

int64_t read_file(struct fs_client *k, const char *path, uint8_t *buf, uint64_t size)
{
    uint64_t h, error;
    if (file_system_file(k->session, path, FS_MODE_READ, 0, &h, &error)) {
        printf("open %s: error %lu\n", path, error);
        return -1;
    }
    int64_t got = fs_client_read(k, h, 0, buf, size);
    file_system_close(k->session, h, &error);
    return got;
}

bool write_file(struct fs_client *k, const char *path, uint64_t flags, uint64_t offset, const void *data,
                uint64_t len)
{
    uint64_t h, error;
    if (file_system_file(k->session, path, FS_MODE_WRITE, flags, &h, &error)) {
        printf("open %s for writing: error %lu\n", path, error);
        return false;
    }
    int64_t put = fs_client_write(k, h, offset, data, len);
    file_system_close(k->session, h, &error);
    return put == (int64_t)len;
}
