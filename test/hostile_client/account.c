/*
 * The quota invariant of the hostile client: what we were given at start
 * (our PD's RAM and cap quota) is never less than our quota now plus what
 * the sessions we hold were donated; after closing everything it is
 * exactly our quota again. A PD session's quota moves with PD_TRANSFER,
 * so what it holds is asked from the session itself.
 */
#include "hostile.h"

static struct {
    uint64_t ram, caps; /* given */
    struct held held[HELD_MAX];
} acc;

static void quota(cap_t pd, uint64_t *ram, uint64_t *caps)
{
    uint64_t q[4] = {0};
    pd_quota(pd, &q[0], &q[1], &q[2], &q[3]);
    *ram = q[0];
    *caps = q[2];
}

void account_init(void)
{
    quota(ENV_PD, &acc.ram, &acc.caps);
}

static void holding(uint64_t *held_ram, uint64_t *held_caps)
{
    *held_ram = *held_caps = 0;
    for (unsigned i = 0; i < HELD_MAX; i++) {
        struct held *h = &acc.held[i];
        if (h->used && h->pd) {
            quota(h->cap, &h->ram, &h->caps);
        }
        *held_ram += h->used ? h->ram : 0;
        *held_caps += h->used ? h->caps : 0;
    }
}

bool account_check(const char *when)
{
    uint64_t ram, caps, held_ram, held_caps;
    holding(&held_ram, &held_caps);
    quota(ENV_PD, &ram, &caps);
    if (ram + held_ram <= acc.ram && caps + held_caps <= acc.caps) {
        return true;
    }
    printf("%s: quota %lu + held %lu bytes, %lu + %lu caps, given %lu bytes, %lu caps: GAINED\n", when, ram,
           held_ram, caps, held_caps, acc.ram, acc.caps);
    return false;
}

bool account_exact(uint64_t *ram, uint64_t *caps)
{
    uint64_t held_ram, held_caps;
    holding(&held_ram, &held_caps);
    quota(ENV_PD, ram, caps);
    return *ram + held_ram == acc.ram && *caps + held_caps == acc.caps;
}

void account_given(uint64_t *ram, uint64_t *caps)
{
    *ram = acc.ram;
    *caps = acc.caps;
}

struct held *account_add(uint64_t id, cap_t cap, uint64_t ram, uint64_t caps, bool pd)
{
    for (unsigned i = 0; i < HELD_MAX; i++) {
        struct held *h = &acc.held[i];
        if (!h->used) {
            *h = (struct held){.used = true, .pd = pd, .id = id, .ram = ram, .caps = caps, .cap = cap};
            return h;
        }
    }
    return NULL;
}

void account_close(struct held *h, struct tally *t)
{
    uint64_t ram, caps;
    account_check("before close");
    t->requests++;
    if (parent_close(ENV_PARENT, h->id, &ram, &caps) || ram != h->ram || caps != h->caps) {
        printf("close of session %lu: %lu bytes and %lu caps back of %lu and %lu: unexpected\n", h->id, ram,
               caps, h->ram, h->caps);
        t->unexpected++;
    }
    /* The capability is stale now: no call on it may reach the server. */
    for (unsigned i = 0; i < 4; i++) {
        struct msg m = {.info = MSGINFO(1 + i, i, 0), .w = {requests_random()}};
        t->requests++;
        if (sys_call(h->cap, &m) == 0) {
            printf("session %lu answered %s after its close: unexpected\n", h->id,
                   status_text(MSGINFO_LABEL(m.info)));
            t->unexpected++;
        }
    }
    rt_slot_free(h->cap);
    h->used = false;
}

struct held *account_held(unsigned i)
{
    return i < HELD_MAX && acc.held[i].used ? &acc.held[i] : NULL;
}
