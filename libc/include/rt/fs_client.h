/*
 * The client half of a File_system session (include/session/
 * file_system.def, docs/storage.md): the session with its packet
 * stream, and reads, writes and directory listings through it, each
 * waited for. The operations on names and handles are the interface's
 * own client functions (file_system_file(f->session, ...)); this adds
 * what goes through the stream. One request at a time: a component that
 * wants several in flight drives f->c.src itself (packet-stream.md).
 */
#ifndef RT_FS_CLIENT_H
#define RT_FS_CLIENT_H

#include <rt/component.h>
#include <rt/stream_session.h>
#include <session/file_system.h>
#include <session/file_system_types.h>

struct fs_client {
    cap_t session;
    uint64_t id;
    struct ps_client c;
};

/* Open a File_system session with our label part label, a stream of
 * buffer payload bytes and slots ring entries (donating what it costs),
 * attach and connect its stream. */
status_t fs_client_open(struct fs_client *f, const char *label, uint64_t buffer, uint32_t slots)
    __attribute__((warn_unused_result));
/* Close the session (the donation comes back). */
void fs_client_close(struct fs_client *f);

/* One packet, waited for: its status (PS_*), or 0xffff if the stream
 * broke. op FS_OP_*, arg the offset (the first entry for
 * FS_OP_READ_DIR); data: length bytes to write, or where a read lands;
 * *done: the acknowledgement's count (bytes or entries). */
uint16_t fs_client_packet(struct fs_client *f, unsigned op, uint64_t handle, uint64_t arg, uint32_t length,
                          void *data, uint64_t *done);

/* Read (write) up to length bytes at offset of a file handle, in
 * packets of at most half the payload area: the bytes done (a read
 * ends early at the end of the file), or -1 if the first packet failed. */
int64_t fs_client_read(struct fs_client *f, uint64_t handle, uint64_t offset, void *buf, uint64_t length);
int64_t fs_client_write(struct fs_client *f, uint64_t handle, uint64_t offset, const void *buf,
                        uint64_t length);

#endif
