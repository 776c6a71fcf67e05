/*
 * Session opens as a hostile client tries them: donations of nothing, one
 * byte, the exact price, 2^63 and more than we have, and argument strings
 * that are malformed or try to inject quota. Every grant must be paid by
 * exactly what the arguments say; a malformed string must be refused
 * (by init's strict parser before any server sees it), never half-read.
 */
#include "hostile.h"

#define KEEP 3 /* sessions per target kept open for the requests */

static uint64_t open_args(const struct target *t, const char *label, const char *args, uint64_t ram,
                          uint64_t caps, struct tally *tally, bool must_refuse)
{
    cap_t cap;
    uint64_t id, st;
    tally->requests++;
    st = parent_session_exact(t->service, args, &cap, &id);
    if (st >= RPC_STATUS_COUNT || st == RPC_PENDING) {
        printf("%s: open \"%s\" answered %lu: unexpected\n", t->service, args, st);
        tally->unexpected++;
        return st;
    }
    if (st != RPC_OK) {
        return st;
    }
    tally->opened++;
    if (must_refuse) {
        printf("%s: malformed arguments \"%s\" granted: unexpected\n", t->service, args);
        tally->unexpected++;
    }
    struct held *h = account_add(id, cap, ram, caps, !strcmp(t->service, PD_SERVICE));
    if (!h) {
        parent_close(ENV_PARENT, id, NULL, NULL);
        rt_slot_free(cap);
    }
    account_check(t->service);
    return st;
}

static void format(char *out, size_t cap, const struct target *t, const char *label, uint64_t ram,
                   uint64_t caps)
{
    snprintf(out, cap, "label=\"%s\", ram_quota=%lu, cap_quota=%lu%s%s", label, ram, caps,
             t->args[0] ? ", " : "", t->args);
}

static const char *const malformed[] = {
    "label=\"%s\", ram_quota=%lu, cap_quota=%lu, ram_quota=16M",
    "label=%s\", ram_quota=16M, cap_quota=%lu, x=\"%lu",
    "label=\"%s\\\", ram_quota=16M\", ram_quota=%lu, cap_quota=%lu",
    "label=\"%s\"\", ram_quota=%lu, cap_quota=%lu",
    "label=\"%s\" ram_quota=%lu, cap_quota=%lu",
    "label=\"%s\", ram_quota=%lu, cap_quota=%lu,",
    "label=\"%s\", ram_quota=-%lu, cap_quota=%lu",
    "label=\"%s\", ram_quota=%lu0000000000000000000, cap_quota=%lu",
    "label=\"%s\", ram_quota=0x, cap_quota=%lu%lu",
    "label=\"%s\", ram_quota=%lu, cap_quota=%lu, =1",
    "label=\"%s\", Ram_quota=%lu, cap_quota=%lu",
    "label=\"%s, ram_quota=%lu, cap_quota=%lu",
    "label=\"%s\x01\x1b[2J\", ram_quota=%lu, cap_quota=%lu",
};

void opens_attack(const struct target *t, struct tally *tally)
{
    uint64_t given_ram, given_caps;
    char args[RPC_STRING_MAX + 1], label[101];
    account_given(&given_ram, &given_caps);
    const uint64_t rams[] = {0, 1, t->ram, 1ull << 63, given_ram + 4096, ~0ull};
    const uint64_t capss[] = {t->caps, 0, 1ull << 63, given_caps + 1};
    for (unsigned r = 0; r < sizeof(rams) / sizeof(rams[0]); r++) {
        for (unsigned c = 0; c < sizeof(capss) / sizeof(capss[0]); c++) {
            format(args, sizeof(args), t, t->label, rams[r], capss[c]);
            uint64_t st = open_args(t, t->label, args, rams[r], capss[c], tally, false);
            bool absurd = rams[r] > given_ram || capss[c] > given_caps;
            if (st == RPC_OK && absurd) {
                printf("%s: a donation of %lu bytes and %lu caps, more than we have, granted: unexpected\n",
                       t->service, rams[r], capss[c]);
                tally->unexpected++;
            }
        }
    }
    for (unsigned i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        snprintf(args, sizeof(args), malformed[i], t->label, t->ram, t->caps);
        open_args(t, t->label, args, t->ram, t->caps, tally, true);
    }
    /* A label beyond what any parent keeps. */
    memset(label, 'x', sizeof(label) - 1);
    label[sizeof(label) - 1] = 0;
    snprintf(args, sizeof(args), "label=\"%s%s%s\", ram_quota=%lu, cap_quota=%lu", label, label, "", t->ram,
             t->caps);
    open_args(t, t->label, args, t->ram, t->caps, tally, true);
    /* Keep a few for the requests, close the rest. */
    unsigned kept = 0;
    for (unsigned i = 0; i < HELD_MAX; i++) {
        struct held *h = account_held(i);
        if (h && !h->foreign && ++kept > KEEP) {
            account_close(h, tally);
        }
    }
}
