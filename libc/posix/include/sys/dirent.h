/*
 * Directory entries for C programs on Arbor (libc/posix/dir.c), in place
 * of Newlib's <sys/dirent.h>, which leaves them to the system. Newlib's
 * <dirent.h> declares the functions over these types.
 */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

#define MAXNAMLEN 255

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[MAXNAMLEN + 1];
};

/* An open directory: its descriptor, the next entry's index, the entry
 * readdir returned last. */
typedef struct {
    int fd;
    long pos;
    struct dirent entry;
} DIR;

#endif
