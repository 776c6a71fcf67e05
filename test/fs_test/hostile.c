/*
 * What an honest client would not send: bogus handles, paths with "..",
 * names over the limit, packets outside the payload area or for handles
 * that are not open, writes through read-only handles and sessions, a
 * flood of handles and of packets; a session confined to a subtree
 * trying to leave it. Each must be answered with the documented error,
 * and the server must go on serving.
 */
#include "fs_test.h"

/* (error is read after the call: argument order is unspecified) */
static bool err(status_t st, const uint64_t *error, uint64_t expected)
{
    return st == RPC_INVALID && *error == expected;
}

static void handles(struct fs_client *k)
{
    uint64_t h, error = 0, x;
    check(err(file_system_status(k->session, 0, &x, &x, &x, &x, &x, &x, &x, &x, &error), &error,
              FS_ERR_BAD_HANDLE),
          "hostile: status of handle 0");
    check(err(file_system_close(k->session, 1000, &error), &error, FS_ERR_BAD_HANDLE),
          "hostile: close of handle 1000");
    check(err(file_system_truncate(k->session, ~0ull, 0, &error), &error, FS_ERR_BAD_HANDLE),
          "hostile: truncate of handle 2^64-1");
    unsigned opened = 0;
    for (unsigned i = 0; i < FS_HANDLES_MAX + 8; i++) {
        opened += file_system_node(k->session, "/", &h, &error) == RPC_OK;
    }
    check(opened == FS_HANDLES_MAX &&
              err(file_system_node(k->session, "/", &h, &error), &error, FS_ERR_NO_HANDLE),
          "hostile: %u handles of %u asked for, then none", opened, FS_HANDLES_MAX + 9);
    unsigned closed = 0;
    for (unsigned i = 1; i <= FS_HANDLES_MAX; i++) {
        closed += file_system_close(k->session, i, &error) == RPC_OK;
    }
    check(closed == FS_HANDLES_MAX, "hostile: all handles closed");
}

static void paths(struct fs_client *k)
{
    uint64_t h, error = 0;
    char longer[300];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = 0;
    check(err(file_system_file(k->session, "../hello.txt", FS_MODE_READ, 0, &h, &error), &error,
              FS_ERR_INVALID),
          "hostile: path ../hello.txt");
    check(err(file_system_file(k->session, "new/../../x", FS_MODE_READ, FS_CREATE, &h, &error), &error,
              FS_ERR_INVALID),
          "hostile: create new/../../x");
    check(file_system_file(k->session, longer, FS_MODE_READ, FS_CREATE, &h, &error) != RPC_OK,
          "hostile: a path of 299 bytes");
    check(err(file_system_file(k->session, "hello.txt", 7, 0, &h, &error), &error, FS_ERR_INVALID),
          "hostile: open mode 7");
    check(err(file_system_unlink(k->session, "/", &error), &error, FS_ERR_INVALID), "hostile: unlink /");
    check(err(file_system_move(k->session, "new", "new/deeper/new", &error), &error, FS_ERR_INVALID),
          "hostile: move /new below itself");
    check(err(file_system_symlink(k->session, "hello.txt", "x", &error), &error,
              fat ? FS_ERR_INVALID : FS_ERR_EXISTS),
          "hostile: symlink over a file");
}

/* Put one raw packet on the submit ring, publish, wait for its ack. */
static uint16_t raw(struct fs_client *k, struct ps_packet p)
{
    while (!ps_queue_put(&k->c.src.submit, &p)) {
        ps_client_wait();
    }
    ps_queue_publish(&k->c.src.submit);
    ps_client_signal(&k->c);
    for (;;) {
        if (ps_queue_get(&k->c.src.ack, &p)) {
            if (ps_queue_release(&k->c.src.ack)) {
                ps_client_signal(&k->c);
            }
            return p.status;
        }
        ps_client_wait();
    }
}

static void packets(struct fs_client *k)
{
    uint64_t h = 0, ro = 0, error, done;
    uint8_t data[64];
    uint64_t end = k->c.src.layout.payload_size;
    check(file_system_file(k->session, "new/big.bin", FS_MODE_READ_WRITE, 0, &h, &error) == RPC_OK &&
              file_system_file(k->session, "hello.txt", FS_MODE_READ, 0, &ro, &error) == RPC_OK,
          "hostile: files opened");
    check(raw(k, (struct ps_packet){.offset = end, .length = 64, .op = FS_PACKET(FS_OP_READ, h)}) ==
              PS_BAD_PACKET,
          "hostile: packet after the payload area");
    check(raw(k, (struct ps_packet){.offset = ~0ull - 8, .length = 64, .op = FS_PACKET(FS_OP_READ, h)}) ==
              PS_BAD_PACKET,
          "hostile: packet offset that overflows");
    check(fs_client_packet(k, FS_OP_READ, 31, 0, 64, data, &done) == PS_BAD_OP,
          "hostile: read of a handle not open");
    check(fs_client_packet(k, 9, h, 0, 64, data, &done) == PS_BAD_OP, "hostile: unknown op");
    check(fs_client_packet(k, FS_OP_WRITE, ro, 0, 64, data, &done) == PS_BAD_OP,
          "hostile: write to a read-only handle");
    check(fs_client_packet(k, FS_OP_READ_DIR, h, 0, 64, data, &done) == PS_BAD_OP,
          "hostile: directory read of a file");
    check(fs_client_packet(k, FS_OP_READ, h, ~0ull, 64, data, &done) == PS_OK && done == 0,
          "hostile: read at offset 2^64-1: nothing");
    check(fs_client_packet(k, FS_OP_WRITE, h, 1ull << 62, 64, data, &done) == PS_FAILED && done == 0,
          "hostile: write at offset 2^62: refused");
    unsigned bad = 0;
    for (unsigned i = 0; i < 500; i++) {
        bad += raw(k, (struct ps_packet){.offset = i * 64, .length = 64, .op = FS_PACKET(FS_OP_READ, 200)}) ==
               PS_BAD_OP;
    }
    check(bad == 500, "hostile: 500 packets for handle 200 refused");
    file_system_close(k->session, h, &error);
    file_system_close(k->session, ro, &error);
}

static bool serves(struct fs_client *k)
{
    static uint8_t b[64];
    int64_t n = read_file(k, "hello.txt", b, sizeof(b));
    return n == (int64_t)strlen(hello) && memcmp(b, hello, (size_t)n) == 0;
}

void hostile_run(void)
{
    struct fs_client k, other, stranger;
    uint64_t h, error = 0;
    /* at most two sessions at a time, as in main.c */
    check(fs_client_open(&stranger, "stranger", TEST_BUFFER, TEST_SLOTS) != RPC_OK,
          "hostile: session without a policy refused");
    if (fs_client_open(&k, "hostile", TEST_BUFFER, TEST_SLOTS)) {
        check(false, "hostile: session");
        return;
    }
    handles(&k);
    paths(&k);
    packets(&k);
    bool ok = fs_client_open(&other, "ro", TEST_BUFFER, TEST_SLOTS) == RPC_OK &&
              err(file_system_file(other.session, "hello.txt", FS_MODE_WRITE, 0, &h, &error), &error,
                  FS_ERR_READ_ONLY) &&
              err(file_system_unlink(other.session, "hello.txt", &error), &error, FS_ERR_READ_ONLY) &&
              err(file_system_dir(other.session, "x", 1, &h, &error), &error, FS_ERR_READ_ONLY);
    fs_client_close(&other);
    check(ok, "hostile: writes through a read-only session refused");
    ok = fs_client_open(&other, "sub", TEST_BUFFER, TEST_SLOTS) == RPC_OK &&
         file_system_node(other.session, "dir2", &h, &error) == RPC_OK &&
         err(file_system_node(other.session, "hello.txt", &h, &error), &error, FS_ERR_NOT_FOUND) &&
         err(file_system_node(other.session, "../hello.txt", &h, &error), &error, FS_ERR_INVALID) &&
         err(file_system_unlink(other.session, "", &error), &error, FS_ERR_INVALID);
    fs_client_close(&other);
    check(ok, "hostile: a session with root /dir1.renamed stays inside it");
    check(serves(&k), "hostile: the server serves after the attacks");
    fs_client_close(&k);
    /* a storm of sessions, each with handles left open at its close */
    unsigned storm = 0;
    for (unsigned i = 0; i < 20; i++) {
        if (fs_client_open(&k, "hostile", TEST_BUFFER, TEST_SLOTS) == RPC_OK) {
            storm += file_system_node(k.session, "new", &h, &error) == RPC_OK &&
                     file_system_watch(k.session, h, &error) == RPC_OK;
            fs_client_close(&k);
        }
    }
    check(storm == 20, "hostile: 20 sessions opened and closed with handles open");
}
