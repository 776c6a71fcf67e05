/*
 * What the ends of test/stream_test share: the data pattern and its
 * checksum, and a client's way to a session with a stream.
 */
#include "stream_test.h"

#define FNV_PRIME 0x100000001b3ull
#define FNV_BASIS 0xcbf29ce484222325ull

static uint64_t mix(uint64_t h, uint64_t w)
{
    return (h ^ w) * FNV_PRIME;
}

uint64_t st_fill(void *data, uint32_t len, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1, h = FNV_BASIS;
    uint8_t *d = data;
    uint32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (d) {
            memcpy(d + i, &x, 8);
        }
        h = mix(h, x);
    }
    for (; i < len; i++) {
        if (d) {
            d[i] = (uint8_t)(seed + i);
        }
        h = mix(h, (uint8_t)(seed + i));
    }
    return h;
}

uint64_t st_checksum(const void *data, uint32_t len)
{
    const uint8_t *d = data;
    uint64_t h = FNV_BASIS, w;
    uint32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, d + i, 8);
        h = mix(h, w);
    }
    for (; i < len; i++) {
        h = mix(h, d[i]);
    }
    return h;
}

status_t st_connect(struct st_conn *k, const char *label, uint32_t slots, uint64_t buffer)
{
    char args[160];
    uint64_t size, n;
    cap_t ds, note = ps_client_note();
    *k = (struct st_conn){0};
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%u, buffer=%lu, slots=%u", label,
             STREAM_TEST_RAM_QUOTA + ps_session_ram(slots, buffer), STREAM_TEST_CAP_QUOTA, buffer, slots);
    status_t st = note ? parent_session(STREAM_TEST_SERVICE, args, &k->session, &k->id) : RPC_OUT_OF_CAPS;
    if (st) {
        printf("%s: session: %s\n", label, status_text(st));
        return st;
    }
    if ((st = stream_test_stream(k->session, &ds, &size, &n)) ||
        (st = ps_client_attach(&k->c, ds, size, n)) ||
        (st = stream_test_connect(k->session, note, &k->c.peer))) {
        printf("%s: stream: %s\n", label, status_text(st));
        st_disconnect(k);
    }
    return st;
}

void st_disconnect(struct st_conn *k)
{
    if (k->session) {
        parent_close(ENV_PARENT, k->id, NULL, NULL);
        rt_slot_free(k->session);
    }
    ps_client_detach(&k->c);
    *k = (struct st_conn){0};
}
