/*
 * The Event sessions of the ps2 driver (include/session/event.def). Each
 * session has a ring in a dataspace the driver allocates from the
 * session's donation; the driver is the producer and checks the one
 * index the client writes (ps_queue_space breaks the queue when the tail
 * is impossible). A full or broken ring loses events, counted and logged
 * once: the driver never waits for a client. A session that uses `next`
 * instead never gets the dataspace; the driver is then also the ring's
 * consumer.
 */
#include "ps2.h"

enum mode { MODE_UNSET, MODE_RING, MODE_NEXT };

struct event_session {
    struct event_session *next;
    const struct keymap *keymap;
    char label[64]; /* for the log; may be cut */
    cap_t ds;
    void *base;
    struct ps_queue ring; /* we produce */
    struct ps_queue self; /* we consume, in MODE_NEXT */
    enum mode mode;
    cap_t sigh, waiting; /* the client's notification, a `next` call kept waiting */
    uint64_t lost;
    bool told; /* the loss was logged */
};

static bool take(struct event_session *s, struct input_event *e)
{
    struct ps_packet p;
    if (!ps_queue_get(&s->self, &p)) {
        return false;
    }
    ps_queue_release(&s->self);
    input_event_unpack(&p, e);
    return true;
}

static status_t ring(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *slots)
{
    struct event_session *s = session;
    if (s->mode == MODE_NEXT) {
        return RPC_BUSY;
    }
    s->mode = MODE_RING;
    *ds = s->ds;
    *size = EVENT_RING_SIZE;
    *slots = EVENT_SLOTS;
    return RPC_OK;
}

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    struct event_session *s = session;
    if (s->sigh) {
        rt_slot_free(s->sigh);
    }
    s->sigh = note;
    if (ps_queue_space(&s->ring) < EVENT_SLOTS) {
        sys_signal(note); /* events wait already */
    }
    return RPC_OK;
}

static status_t next(void *session, struct rt_call *call, uint64_t *type, uint64_t *code, uint64_t *ch,
                     uint64_t *rx, uint64_t *ry, uint64_t *lost)
{
    struct event_session *s = session;
    struct input_event e;
    if (s->mode == MODE_RING || s->waiting) {
        return RPC_BUSY;
    }
    s->mode = MODE_NEXT;
    if (!take(s, &e)) {
        s->waiting = rt_call_defer(call);
        return s->waiting ? RPC_DEFERRED : RPC_OUT_OF_CAPS;
    }
    *type = e.type;
    *code = e.code;
    *ch = e.ch;
    *rx = (uint32_t)e.rx;
    *ry = (uint32_t)e.ry;
    *lost = s->lost;
    s->lost = 0;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct ps2 *d = state;
    char name[8] = "us";
    uint64_t got;
    if (xml_has_attr(info->policy, "keymap") && !xml_attr(info->policy, "keymap", name, sizeof(name))) {
        name[0] = 0;
    }
    const struct keymap *k = keymap_by_name(name);
    if (!k) {
        printf("policy line %u: keymap \"%s\" unknown (us, de): Event session for \"%s\" refused\n",
               xml_line(info->policy), name, info->label);
        return RPC_DENIED;
    }
    struct event_session *s = malloc(sizeof(*s));
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    *s = (struct event_session){.keymap = k};
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    status_t st = pd_alloc(ENV_PD, EVENT_RING_SIZE, &s->ds, &got, NULL);
    if (!st && (st = rt_attach(s->ds, PD_ATTACH_WRITE, &s->base))) {
        pd_free(ENV_PD, s->ds);
        rt_slot_free(s->ds);
    }
    if (st) {
        free(s);
        return st;
    }
    memset(s->base, 0, EVENT_RING_SIZE);
    ps_queue_init(&s->ring, s->base, EVENT_SLOTS);
    ps_queue_init(&s->self, s->base, EVENT_SLOTS);
    s->next = d->sessions;
    d->sessions = s;
    printf("Event session for \"%s\", keymap %s\n", s->label, name);
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct ps2 *d = state;
    struct event_session *s = session;
    for (struct event_session **p = &d->sessions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    if (s->waiting) {
        rt_reply_drop(s->waiting);
    }
    if (s->sigh) {
        rt_slot_free(s->sigh);
    }
    pd_detach(ENV_PD, (uint64_t)s->base);
    pd_free(ENV_PD, s->ds); /* gone from the client's space too */
    rt_slot_free(s->ds);
    free(s);
}

void sessions_post(struct ps2 *d, const struct input_event *e)
{
    for (struct event_session *s = d->sessions; s; s = s->next) {
        struct input_event mine = *e;
        struct ps_packet p;
        if (e->type == EVENT_PRESS) {
            mine.ch = keymap_char(s->keymap, e->code, &d->mods);
        }
        input_event_pack(&mine, &p);
        if (ps_queue_put(&s->ring, &p)) {
            continue;
        }
        s->lost++;
        if (!s->told) {
            s->told = true;
            printf("\"%s\": %s: events dropped\n", s->label,
                   s->ring.broken ? "the client moved its ring index where it cannot be" : "ring full");
        }
    }
}

void sessions_flush(struct ps2 *d)
{
    for (struct event_session *s = d->sessions; s; s = s->next) {
        struct input_event e;
        if (ps_queue_publish(&s->ring) && s->sigh) {
            sys_signal(s->sigh);
        }
        if (s->waiting && take(s, &e)) {
            event_next_reply(s->waiting, RPC_OK, e.type, e.code, e.ch, (uint32_t)e.rx, (uint32_t)e.ry,
                             s->lost);
            s->waiting = CAP_NULL; /* the reply capability is used up */
            s->lost = 0;
        }
    }
}

static const struct event_ops ops = {.ring = ring, .sigh = sigh, .next = next};
const struct rt_service event_service = {EVENT_SERVICE_INFO(&ops), .ram = EVENT_RAM_QUOTA,
                                         .caps = EVENT_CAP_QUOTA,  .policy = true,
                                         .create = create,         .close = destroy};
