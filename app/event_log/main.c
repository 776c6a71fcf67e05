/*
 * event_log: prints each input event of an Event session as a line
 * ("press KEY_A U+0061 'a'", "release KEY_A", "motion 10 -3", "wheel 0 1"),
 * for run/ps2.run and for looking at a keyboard. Config: fetch="ring"
 * (default: the shared ring, waiting for its signal) or fetch="next" (one
 * RPC per event); attack="tail" (for run/ps2.run) writes an impossible
 * index into the ring, which the driver must notice and survive.
 */
#include <rt/input_event.h>

static void show(const struct input_event *e)
{
    char buf[16];
    const char *key = input_key_text(e->code, buf, sizeof(buf));
    switch (e->type) {
    case EVENT_PRESS:
        if (e->ch >= 0x20 && e->ch < 0x7f) {
            printf("press %s U+%04x '%c'\n", key, e->ch, (char)e->ch);
        } else if (e->ch) {
            printf("press %s U+%04x\n", key, e->ch);
        } else {
            printf("press %s\n", key);
        }
        break;
    case EVENT_RELEASE:
        printf("release %s\n", key);
        break;
    case EVENT_MOTION:
        printf("motion %d %d\n", e->rx, e->ry);
        break;
    case EVENT_WHEEL:
        printf("wheel %d %d\n", e->rx, e->ry);
        break;
    default:
        printf("unknown event type %u\n", e->type);
    }
}

static int by_ring(bool attack)
{
    struct event_client c;
    struct input_event e;
    status_t st = event_client_open(&c, "");
    if (st) {
        printf("Event session: %s\n", status_text(st));
        return 1;
    }
    if (attack) {
        /* half the index space ahead of anything the driver published */
        ((struct ps_ring *)c.base)->tail = 0x80000000u;
        printf("ring tail moved to 0x80000000\n");
    }
    printf("waiting for events (ring)\n");
    for (;;) {
        while (event_client_get(&c, &e)) {
            show(&e);
        }
        event_client_wait(&c);
    }
}

static int by_next(void)
{
    char args[96];
    cap_t session;
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", EVENT_RAM_QUOTA, EVENT_CAP_QUOTA);
    status_t st = parent_session(EVENT_SERVICE, args, &session, &id);
    if (st) {
        printf("Event session: %s\n", status_text(st));
        return 1;
    }
    printf("waiting for events (next)\n");
    for (;;) {
        uint64_t type, code, ch, rx, ry, lost;
        st = event_next(session, &type, &code, &ch, &rx, &ry, &lost);
        if (st) {
            printf("next: %s\n", status_text(st));
            return 1;
        }
        if (lost) {
            printf("%lu events lost\n", lost);
        }
        struct input_event e = {(uint32_t)type, (uint32_t)code, (uint32_t)ch, (int32_t)rx, (int32_t)ry};
        show(&e);
    }
}

int main(uint64_t arg)
{
    char fetch[8] = "ring", attack[8] = "";
    rt_config_attr("fetch", fetch, sizeof(fetch));
    rt_config_attr("attack", attack, sizeof(attack));
    return strcmp(fetch, "next") ? by_ring(!strcmp(attack, "tail")) : by_next();
}
