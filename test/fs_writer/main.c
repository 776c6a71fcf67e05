/*
 * fs_writer: writes files to a File_system session ("data") and syncs
 * after each, logging "synced NAME, N bytes" only when the sync
 * succeeded: what it logged must be on the disk, whatever happens to the
 * block driver under the file system meanwhile (run/storage_restart.run
 * checks every such file on the image after the boot). File i is
 * /wNNN.bin of size + i * 517 bytes, byte j of it (i * 31 + j * 7 +
 * j / 251) & 0xff; the run script makes the same bytes.
 *
 * <config files="12" size="20000"/>
 */
#include <rt/fs_client.h>
#include <rt/xml.h>

#define CHUNK 16384

static uint8_t chunk[CHUNK];

static uint8_t byte_of(uint64_t i, uint64_t j)
{
    return (uint8_t)(i * 31 + j * 7 + j / 251);
}

/* Write and sync file i: true if the sync said it is on the disk. */
static bool write_file(struct fs_client *fs, uint64_t i, uint64_t size, const char *name)
{
    uint64_t h, error;
    status_t st = file_system_file(fs->session, name, FS_MODE_WRITE, FS_CREATE | FS_TRUNCATE, &h, &error);
    if (st) {
        printf("%s: open: %s, error %lu: FAILED\n", name, status_text(st), error);
        return false;
    }
    bool ok = true;
    for (uint64_t at = 0; ok && at < size; at += CHUNK) {
        uint64_t n = size - at < CHUNK ? size - at : CHUNK;
        for (uint64_t j = 0; j < n; j++) {
            chunk[j] = byte_of(i, at + j);
        }
        if (fs_client_write(fs, h, at, chunk, n) != (int64_t)n) {
            printf("%s: write at %lu: FAILED\n", name, at);
            ok = false;
        }
    }
    if (ok && (st = file_system_sync(fs->session, &error))) {
        printf("%s: sync: %s, error %lu: FAILED\n", name, status_text(st), error);
        ok = false;
    }
    file_system_close(fs->session, h, &error);
    return ok;
}

int main(uint64_t arg)
{
    struct fs_client fs;
    uint64_t files = 12, size = 20000, synced = 0;
    char name[32];
    struct xml_node config;
    struct xml_error err;
    if (rt_config(&config, &err) == RPC_OK) {
        xml_attr_u64(&config, "files", &files);
        xml_attr_u64(&config, "size", &size);
    }
    status_t st = fs_client_open(&fs, "data", 64 * 1024, 16);
    if (st) {
        printf("File_system session \"data\": %s: FAILED\n", status_text(st));
        return 1;
    }
    for (uint64_t i = 0; i < files; i++) {
        snprintf(name, sizeof(name), "/w%03lu.bin", i);
        uint64_t n = size + i * 517;
        if (write_file(&fs, i, n, name)) {
            printf("synced %s, %lu bytes\n", name, n);
            synced++;
        }
    }
    fs_client_close(&fs);
    printf("writer done: %lu of %lu files synced\n", synced, files);
    return synced == files ? 0 : 1;
}
