/*
 * The client half of an Event session's ring (rt/input_event.h): open
 * the session, attach the ring the server allocated, hand over a
 * notification, take events. The server is not trusted either: its head
 * index is checked by ps_queue_get and each event is copied out once.
 */
#include <rt/input_event.h>

status_t event_client_open(struct event_client *c, const char *label)
{
    char args[160];
    uint64_t size = 0, slots = 0;
    *c = (struct event_client){0};
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=%u", label, EVENT_RAM_QUOTA,
             EVENT_CAP_QUOTA);
    status_t st = parent_session(EVENT_SERVICE, args, &c->session, &c->id);
    if (!st) {
        st = event_ring(c->session, &c->ds, &size, &slots);
    }
    if (!st && (size != EVENT_RING_SIZE || slots != EVENT_SLOTS)) {
        st = RPC_BAD_REPLY; /* not the geometry of the interface */
    }
    if (!st) {
        st = rt_attach(c->ds, PD_ATTACH_WRITE, &c->base);
    }
    if (!st) {
        ps_queue_init(&c->ring, c->base, EVENT_SLOTS);
        st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &c->note);
    }
    cap_t copy = CAP_NULL;
    if (!st && (!(copy = rt_slot_alloc()) || sys_cap_mint(c->note, CAP_NULL, copy, RIGHT_WRITE, 1))) {
        st = RPC_OUT_OF_CAPS;
    }
    if (!st) {
        st = event_sigh(c->session, copy); /* the copy travels to the server */
    }
    if (copy) {
        rt_slot_free(copy);
    }
    return st;
}

bool event_client_get(struct event_client *c, struct input_event *e)
{
    struct ps_packet p;
    if (!c->base || !ps_queue_get(&c->ring, &p)) {
        return false;
    }
    ps_queue_release(&c->ring);
    input_event_unpack(&p, e);
    return true;
}

void event_client_wait(struct event_client *c)
{
    uint64_t bits;
    /* Events published after our last look signal the note (the server
     * signals when it finds the ring empty), so checking first is safe. */
    if (!ps_queue_pending(&c->ring)) {
        sys_wait(c->note, &bits);
    }
}

void event_client_close(struct event_client *c)
{
    if (c->base) {
        pd_detach(ENV_PD, (uint64_t)c->base);
    }
    if (c->ds) {
        rt_slot_free(c->ds);
    }
    if (c->id) {
        parent_close(ENV_PARENT, c->id, NULL, NULL);
    }
    *c = (struct event_client){0};
}

const char *input_key_text(unsigned code, char *buf, size_t size)
{
    const char *name = input_key_name(code);
    if (name) {
        return name;
    }
    snprintf(buf, size, "KEY_0x%x", code);
    return buf;
}
