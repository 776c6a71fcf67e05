/*
 * ioctl for C programs on Arbor (libc/posix/process.c): there are no
 * device controls yet, every request fails with ENOTTY. A header of the
 * system layer beside Newlib's, which has none.
 */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#ifdef __cplusplus
extern "C" {
#endif

int ioctl(int fd, unsigned long request, ...);

#ifdef __cplusplus
}
#endif

#endif
