/*
 * <terminal/>: a file on a Terminal session (include/session/terminal.def),
 * as Genode's VFS terminal plugin has it:
 *
 *   <terminal name="terminal" label="" edit="no"/>
 *
 * name is the file's (default "terminal"), label the session's label
 * (default none: the component's own). The session is opened at the
 * first open or stat. A read returns what is queued, up to n bytes; when
 * nothing is, it blocks in the session's `wait` (a deferred reply: the
 * component sleeps until input comes) unless the descriptor is
 * O_NONBLOCK (EAGAIN). A write hands over all of its bytes, in pieces of
 * the I/O buffer. The node is a tty; poll watches it through the
 * session's signal (file_watch).
 *
 * edit="yes" (an Arbor extension) makes it a terminal in canonical mode
 * with echo, as a Unix tty is by default: input is echoed, edited
 * (line_edit.c) and handed to reads a whole line at a time, so that a
 * program that reads lines (Lua's REPL) is usable by a person.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rt/component.h>
#include <session/terminal.h>
#include "posix.h"
#include "line_edit.h"

struct terminal {
    char label[VFS_NAME_MAX];
    cap_t session; /* CAP_NULL until the first open */
    char *io;      /* the I/O buffer, size bytes */
    uint64_t size;
    cap_t watched; /* the notification the session signals, or CAP_NULL */
    bool failed;   /* the session could not be had: said once */
    bool edit;     /* edit="yes": line_edit.c makes the lines */
    struct line_edit line;
    char in[TERMINAL_IO_SIZE]; /* edit: input read and not yet edited */
    size_t in_len, in_pos;
};

static bool config(struct vfs_node *node, const struct xml_node *xml)
{
    struct terminal *t = calloc(1, sizeof(*t));
    if (!t) {
        fprintf(stderr, "vfs: config line %u: no memory for <terminal>, left out\n", xml_line(xml));
        return false;
    }
    xml_attr(xml, "label", t->label, sizeof(t->label));
    (void)xml_attr_bool(xml, "edit", &t->edit);
    node->device_state = t;
    return true;
}

static int term_open(struct vfs_node *node)
{
    struct terminal *t = node->device_state;
    cap_t ds;
    uint64_t id;
    if (t->session) {
        return 0;
    }
    status_t st = t->failed ? RPC_UNAVAILABLE : terminal_session(t->label, &t->session, &id);
    if (!st) {
        st = terminal_buffer(t->session, &ds, &t->size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&t->io);
    }
    if (st) {
        if (!t->failed) {
            fprintf(stderr, "vfs: %s: no Terminal session (label \"%s\"): %s\n", node->name, t->label,
                    status_text(st));
        }
        t->failed = true;
        t->session = CAP_NULL;
        errno = ENXIO;
        return -1;
    }
    /* every buffer has its first page; more than the interface's size a
     * server may claim, but we do not believe it */
    if (t->size == 0 || t->size > TERMINAL_IO_SIZE) {
        t->size = TERMINAL_IO_SIZE;
    }
    return 0;
}

static ssize_t broken(struct vfs_node *node, const char *what, status_t st)
{
    fprintf(stderr, "vfs: %s: Terminal %s failed: %s\n", node->name, what, status_text(st));
    errno = EIO;
    return -1;
}

/* What is queued, up to n bytes, waiting for it unless nonblock. */
static ssize_t raw_read(struct vfs_node *node, void *buf, size_t n, bool nonblock)
{
    struct terminal *t = node->device_state;
    size_t max = n < t->size ? n : t->size;
    uint64_t got, avail;
    status_t st;
    if (!n) {
        return 0;
    }
    for (;;) {
        if ((st = terminal_read(t->session, max, &got))) {
            return broken(node, "read", st);
        }
        if (got > max) {
            return broken(node, "read", RPC_BAD_REPLY);
        }
        if (got) {
            memcpy(buf, t->io, got);
            return (ssize_t)got;
        }
        if (nonblock) {
            errno = EAGAIN;
            return -1;
        }
        if ((st = terminal_wait(t->session, &avail))) {
            return broken(node, "wait", st);
        }
    }
}

static ssize_t term_write(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock);

/* Edit input into the line until it is finished: 1 when it is, 0 when
 * more input is needed and nonblock says not to wait, -1 on errors. */
static int fill_line(struct vfs_node *node, bool nonblock)
{
    struct terminal *t = node->device_state;
    char echo[LINE_EDIT_ECHO_MAX];
    while (!line_edit_done(&t->line)) {
        if (t->in_pos == t->in_len) {
            ssize_t got = raw_read(node, t->in, sizeof(t->in), nonblock);
            if (got < 0) {
                return errno == EAGAIN ? 0 : -1;
            }
            t->in_len = (size_t)got, t->in_pos = 0;
        }
        size_t echoed = 0;
        while (t->in_pos < t->in_len && !line_edit_done(&t->line)) {
            echoed += line_edit_key(&t->line, t->in[t->in_pos++], echo + echoed);
            if (echoed > sizeof(echo) - LINE_EDIT_KEY_ECHO_MAX) {
                term_write(node, 0, echo, echoed, false);
                echoed = 0;
            }
        }
        if (echoed && term_write(node, 0, echo, echoed, false) < 0) {
            return -1;
        }
    }
    return 1;
}

static ssize_t term_read(struct vfs_node *node, off_t pos, void *buf, size_t n, bool nonblock)
{
    struct terminal *t = node->device_state;
    if (!t->edit) {
        return raw_read(node, buf, n, nonblock);
    }
    if (!n) {
        return 0;
    }
    int done = fill_line(node, nonblock);
    if (done <= 0) {
        if (!done) {
            errno = EAGAIN;
        }
        return -1;
    }
    return (ssize_t)line_edit_take(&t->line, buf, n);
}

/* The Terminal takes what it is given at once: nonblock changes nothing. */
static ssize_t term_write(struct vfs_node *node, off_t pos, const void *buf, size_t n, bool nonblock)
{
    struct terminal *t = node->device_state;
    size_t done = 0;
    while (done < n) {
        uint64_t piece = n - done < t->size ? n - done : t->size, written;
        memcpy(t->io, (const char *)buf + done, piece);
        status_t st = terminal_write(t->session, piece, &written);
        if (st || written != piece) {
            if (done) {
                return (ssize_t)done;
            }
            return broken(node, "write", st ? st : RPC_BAD_REPLY);
        }
        done += piece;
    }
    return (ssize_t)n;
}

static bool term_readable(struct vfs_node *node)
{
    struct terminal *t = node->device_state;
    uint64_t avail;
    if (t->edit) {
        return fill_line(node, true) != 0; /* a line, the end of input, or an error to read */
    }
    /* a session that fails is "readable": the read says what is wrong */
    return terminal_avail(t->session, &avail) != RPC_OK || avail > 0;
}

static int term_watch(struct vfs_node *node, cap_t wake)
{
    struct terminal *t = node->device_state;
    if (t->watched == wake) {
        return 0;
    }
    status_t st = terminal_sigh(t->session, wake);
    if (st) {
        broken(node, "sigh", st);
        return -1;
    }
    t->watched = wake;
    return 0;
}

const struct vfs_device vfs_terminal_device = {
    .type = "terminal",
    .mode = S_IFCHR | 0666,
    .tty = true,
    .config = config,
    .open = term_open,
    .read = term_read,
    .write = term_write,
    .readable = term_readable,
    .watch = term_watch,
};
