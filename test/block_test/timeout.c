/*
 * A disk slower than its driver's watchdog allows (run/block_timeout.run
 * throttles it in QEMU to a few requests a second): 16 one-block reads
 * at once, so the last ones wait longer than the driver's timeout and
 * must fail (PS_FAILED); then the driver, which reset its device, must
 * serve again: a single read succeeds (a few tries, as the throttled
 * device may still be catching up).
 */
#include "block_test.h"

#define READS 16
#define TRIES 5

static unsigned burst(struct conn *k)
{
    struct ps_source *s = &k->c.src;
    struct ps_packet p;
    void *data;
    unsigned submitted = 0, acked = 0, failed = 0;
    for (; submitted < READS; submitted++) {
        if (!ps_source_alloc(s, (uint32_t)k->block_size, &p, &data)) {
            break;
        }
        p.op = BLOCK_OP_READ;
        p.arg = submitted;
        p.length = (uint32_t)k->block_size;
        if (!ps_source_submit(s, &p)) {
            ps_source_free(s, &p);
            break;
        }
    }
    if (ps_source_flush(s)) {
        ps_client_signal(&k->c);
    }
    while (acked < submitted && !ps_source_broken(s)) {
        if (ps_source_get_ack(s, &p, &data)) {
            acked++;
            failed += p.status != PS_OK;
            ps_source_free(s, &p);
            ps_source_flush(s);
        } else if (!ps_source_ready(s)) {
            ps_client_wait();
        }
    }
    printf("timeout: %u reads at once, %u acknowledged, %u failed\n", submitted, acked, failed);
    return submitted == READS && acked == READS ? failed : 0;
}

bool timeout_run(void)
{
    struct conn k;
    if (conn_open(&k, "rw", TEST_SLOTS, TEST_BUFFER)) {
        return false;
    }
    unsigned failed = burst(&k);
    uint16_t st = 0xffff;
    unsigned tries = 0;
    while (st != PS_OK && tries < TRIES) {
        tries++;
        st = request(&k, BLOCK_OP_READ, 0, (uint32_t)k.block_size, NULL);
    }
    printf("timeout: after the reset a read has status %u (try %u)\n", st, tries);
    conn_close(&k);
    return failed > 0 && st == PS_OK;
}
