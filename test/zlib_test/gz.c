/*
 * gz: zlib's gzip files on Arbor, for run/zlib.run.
 *
 *   gz compress IN OUT    gzip IN into OUT, then print OUT as hex lines
 *                         ("hex: ..."), for the host's gzip to unpack
 *   gz decompress IN      gunzip IN (made by the host's gzip): print its
 *                         length, CRC-32 and first line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int compress_file(const char *in, const char *out)
{
    char buf[4096];
    size_t n, total = 0;
    FILE *f = fopen(in, "rb");
    gzFile gz = gzopen(out, "wb9");
    if (!f || !gz) {
        perror("gz: open");
        return 1;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (gzwrite(gz, buf, (unsigned)n) != (int)n) {
            fprintf(stderr, "gz: gzwrite failed\n");
            return 1;
        }
        total += n;
    }
    fclose(f);
    if (gzclose(gz) != Z_OK) {
        fprintf(stderr, "gz: gzclose failed\n");
        return 1;
    }
    f = fopen(out, "rb");
    size_t packed = 0;
    unsigned char line[48];
    while (f && (n = fread(line, 1, sizeof(line), f)) > 0) {
        printf("hex: ");
        for (size_t i = 0; i < n; i++) {
            printf("%02x", line[i]);
        }
        printf("\n");
        packed += n;
    }
    printf("compressed %zu bytes into %zu\n", total, packed);
    return f ? 0 : 1;
}

static int decompress_file(const char *in)
{
    char buf[4096], first[128] = "";
    int n;
    unsigned long crc = crc32(0, NULL, 0), total = 0;
    gzFile gz = gzopen(in, "rb");
    if (!gz) {
        perror("gz: gzopen");
        return 1;
    }
    if (gzgets(gz, first, sizeof(first))) {
        first[strcspn(first, "\n")] = 0;
    }
    gzrewind(gz);
    while ((n = gzread(gz, buf, sizeof(buf))) > 0) {
        crc = crc32(crc, (const Bytef *)buf, (unsigned)n);
        total += (unsigned long)n;
    }
    int err = n < 0;
    gzclose(gz);
    printf("decompressed %lu bytes, crc32 %08lx, first line \"%s\"%s\n", total, crc, first,
           err ? ", read error" : "");
    return err;
}

int main(int argc, char **argv)
{
    printf("zlib %s\n", zlibVersion());
    if (argc == 4 && strcmp(argv[1], "compress") == 0) {
        return compress_file(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "decompress") == 0) {
        return decompress_file(argv[2]);
    }
    fprintf(stderr, "usage: gz compress IN OUT | gz decompress IN\n");
    return 2;
}
