/*
 * <rtc/>: the date and time of an Rtc session (include/session/rtc.def)
 * as a read-only file, as Genode's VFS rtc plugin has it:
 *
 *   <rtc name="rtc" label=""/>
 *
 * Each read at offset 0 asks the clock afresh; the file's text is
 * "YYYY-MM-DD HH:MM:SS\n" (UTC). <libc rtc="/dev/rtc"> makes it the
 * start of the wall clock (time.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rt/component.h>
#include <session/rtc.h>
#include "posix.h"

#define RTC_TEXT_LEN 20 /* "2024-02-29 12:34:56\n" */

struct rtc {
    char label[VFS_NAME_MAX];
    cap_t session;               /* CAP_NULL until the first open */
    bool failed;                 /* the session could not be had: said once, not asked again */
    char text[RTC_TEXT_LEN + 1]; /* the last reading, what reads beyond 0 see */
};

static bool config(struct vfs_node *node, const struct xml_node *xml)
{
    struct rtc *r = calloc(1, sizeof(*r));
    if (!r) {
        fprintf(stderr, "vfs: config line %u: no memory for <rtc>, left out\n", xml_line(xml));
        return false;
    }
    xml_attr(xml, "label", r->label, sizeof(r->label));
    node->device_state = r;
    return true;
}

static int rtc_open(struct vfs_node *node)
{
    struct rtc *r = node->device_state;
    uint64_t id;
    if (r->session) {
        return 0;
    }
    status_t st = r->failed ? RPC_UNAVAILABLE : rtc_session(r->label, &r->session, &id);
    if (st) {
        if (!r->failed) {
            fprintf(stderr, "vfs: %s: no Rtc session (label \"%s\"): %s\n", node->name, r->label,
                    status_text(st));
        }
        r->failed = true;
        r->session = CAP_NULL;
        errno = ENXIO;
        return -1;
    }
    return 0;
}

static ssize_t rtc_read(struct vfs_node *node, off_t pos, void *buf, size_t n, bool nonblock)
{
    struct rtc *r = node->device_state;
    uint64_t y, mo, d, h, mi, s;
    if (pos == 0) {
        status_t st = rtc_current(r->session, &y, &mo, &d, &h, &mi, &s);
        if (st) {
            fprintf(stderr, "vfs: %s: the clock did not answer: %s\n", node->name, status_text(st));
            errno = EIO;
            return -1;
        }
        if (y > 9999 || mo > 99 || d > 99 || h > 99 || mi > 99 || s > 99) {
            fprintf(stderr, "vfs: %s: the clock's answer is no date (%llu-%llu-%llu %llu:%llu:%llu)\n",
                    node->name, (unsigned long long)y, (unsigned long long)mo, (unsigned long long)d,
                    (unsigned long long)h, (unsigned long long)mi, (unsigned long long)s);
            errno = EIO; /* a server's answer that is no date does not fit the text */
            return -1;
        }
        snprintf(r->text, sizeof(r->text), "%04u-%02u-%02u %02u:%02u:%02u\n", (unsigned)y, (unsigned)mo,
                 (unsigned)d, (unsigned)h, (unsigned)mi, (unsigned)s);
    }
    size_t len = strlen(r->text);
    if ((size_t)pos >= len) {
        return 0;
    }
    n = n < len - (size_t)pos ? n : len - (size_t)pos;
    memcpy(buf, r->text + pos, n);
    return (ssize_t)n;
}

static ssize_t rtc_write(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock)
{
    errno = EROFS; /* setting the clock is not in the interface */
    return -1;
}

const struct vfs_device vfs_rtc_device = {
    .type = "rtc",
    .mode = S_IFCHR | 0444,
    .seekable = true,
    .config = config,
    .open = rtc_open,
    .read = rtc_read,
    .write = rtc_write,
};
