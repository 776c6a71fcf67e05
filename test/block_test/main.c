/*
 * block_test: checks a Block driver from its client's side, each step
 * in its own session (labels "stranger", "ro", "rw", "attack": the
 * driver's policies decide):
 *   1. "stranger" has no policy: the session is refused;
 *   2. "ro" (writeable="no"): reads work, a write is refused (PS_BAD_OP);
 *   3. "rw": read_count blocks from read_first checked against the
 *      pattern of read_seed (the run script wrote them into the image),
 *      write_count blocks from write_first with write_seed, a sync, all
 *      read back and checked (the run script checks the image after the
 *      boot);
 *   4. hostile.c's attacks, then the written blocks read back again;
 *   5. our own RAM and caps are what they were before the first session.
 * <config blocks="N" read_first= read_count= read_seed= write_first=
 *         write_count= write_seed=/>; blocks is the disk's size the
 * driver must report.
 */
#include "block_test.h"

uint64_t config_u64(const struct xml_node *config, const char *name, uint64_t fallback)
{
    uint64_t v = fallback;
    return xml_attr_u64(config, name, &v) ? v : fallback;
}

status_t conn_open(struct conn *k, const char *label, uint32_t slots, uint64_t buffer)
{
    char args[160];
    uint64_t size, n;
    cap_t ds, note = ps_client_note();
    *k = (struct conn){0};
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%u, buffer=%lu, slots=%u", label,
             BLOCK_RAM_QUOTA + ps_session_ram(slots, buffer), BLOCK_CAP_QUOTA, buffer, slots);
    status_t st = note ? parent_session(BLOCK_SERVICE, args, &k->session, &k->id) : RPC_OUT_OF_CAPS;
    if (st) {
        printf("%s: session: %s\n", label, status_text(st));
        return st;
    }
    if ((st = block_info(k->session, &k->block_size, &k->blocks, &k->writable, &k->max_bytes)) ||
        (st = block_stream(k->session, &ds, &size, &n)) || (st = ps_client_attach(&k->c, ds, size, n)) ||
        (st = block_connect(k->session, note, &k->c.peer))) {
        printf("%s: stream: %s\n", label, status_text(st));
        conn_close(k);
    }
    return st;
}

void conn_close(struct conn *k)
{
    if (k->session) {
        parent_close(ENV_PARENT, k->id, NULL, NULL);
        rt_slot_free(k->session);
    }
    ps_client_detach(&k->c);
    *k = (struct conn){0};
}

static void quota(uint64_t q[2])
{
    pd_quota(ENV_PD, NULL, &q[0], NULL, &q[1]);
}

static bool read_only(void)
{
    struct conn k;
    static uint8_t block[4096];
    if (conn_open(&k, "ro", TEST_SLOTS, TEST_BUFFER)) {
        return false;
    }
    uint16_t r = request(&k, BLOCK_OP_READ, 0, (uint32_t)k.block_size, block);
    uint16_t w = request(&k, BLOCK_OP_WRITE, 0, (uint32_t)k.block_size, block);
    printf("read-only session: writable %lu, read status %u, write status %u (%s)\n", k.writable, r, w,
           w == PS_BAD_OP ? "refused" : "NOT REFUSED");
    conn_close(&k);
    return !k.writable && r == PS_OK && w == PS_BAD_OP;
}

static bool read_write(const struct xml_node *config, bool again)
{
    struct conn k;
    uint64_t blocks = config_u64(config, "blocks", 0);
    uint64_t wf = config_u64(config, "write_first", 0), wc = config_u64(config, "write_count", 0);
    uint64_t ws = config_u64(config, "write_seed", 2);
    if (conn_open(&k, "rw", TEST_SLOTS, TEST_BUFFER)) {
        return false;
    }
    printf("disk: %lu blocks of %lu bytes, %s, at most %lu bytes a request\n", k.blocks, k.block_size,
           k.writable ? "writable" : "read-only", k.max_bytes);
    bool ok = k.blocks == blocks && k.writable;
    if (again) {
        ok = hostile_run(&k) && pattern_run(&k, false, wf, wc, ws);
    } else {
        ok = ok && pattern_run(&k, false, config_u64(config, "read_first", 0),
                               config_u64(config, "read_count", 0), config_u64(config, "read_seed", 1));
        ok = ok && pattern_run(&k, true, wf, wc, ws);
        uint16_t s = request(&k, BLOCK_OP_SYNC, 0, 0, NULL);
        printf("sync: status %u\n", s);
        ok = ok && s == PS_OK && pattern_run(&k, false, wf, wc, ws);
    }
    conn_close(&k);
    return ok;
}

int main(uint64_t arg)
{
    struct xml_node config;
    struct conn k;
    uint64_t before[2], after[2];
    if (rt_config(&config, NULL)) {
        printf("no config\n");
        return 1;
    }
    ps_client_note(); /* made once, for all our streams: not part of a session's cost */
    quota(before);
    bool stranger = conn_open(&k, "stranger", TEST_SLOTS, TEST_BUFFER) != RPC_OK;
    printf("session without a policy: %s\n", stranger ? "refused" : "ACCEPTED");
    if (!stranger) {
        conn_close(&k);
    }
    bool ok = stranger;
    ok = read_only() && ok;
    ok = ok && read_write(&config, false);
    ok = ok && read_write(&config, true);
    quota(after);
    printf("own RAM used %lu -> %lu, caps used %lu -> %lu\n", before[0], after[0], before[1], after[1]);
    ok = ok && before[0] == after[0] && before[1] == after[1];
    printf("block test %s\n", ok ? "passed" : "FAILED");
    return ok ? 0 : 1;
}
