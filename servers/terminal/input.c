/*
 * Keys to bytes: a press gives the character of the keymap the Event
 * server chose (UTF-8 encoded), or for the keys a VT100 has no
 * character for the usual escape sequences: arrows ESC [ A..D, Home
 * ESC [ H, End ESC [ F, Insert, Delete, Page Up, Page Down ESC [ 2 3 5 6 ~.
 * Enter sends CR and Backspace DEL, as a VT100 (and a serial terminal)
 * do. Shift with Page Up / Page Down scrolls the view back and forth
 * instead and sends nothing.
 */
#include "terminal.h"

#define BIT_EVENT 3

static const struct {
    unsigned code;
    const char *seq;
} keys[] = {
    {KEY_UP, "\033[A"},      {KEY_DOWN, "\033[B"},      {KEY_RIGHT, "\033[C"},   {KEY_LEFT, "\033[D"},
    {KEY_HOME, "\033[H"},    {KEY_END, "\033[F"},       {KEY_INSERT, "\033[2~"}, {KEY_DELETE, "\033[3~"},
    {KEY_PAGEUP, "\033[5~"}, {KEY_PAGEDOWN, "\033[6~"}, {KEY_ENTER, "\r"},       {KEY_KPENTER, "\r"},
    {KEY_BACKSPACE, "\177"},
};

static size_t utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xc0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | (cp >> 18 & 0x07));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

static void press(struct terminal *t, const struct input_event *e)
{
    if (t->shift && (e->code == KEY_PAGEUP || e->code == KEY_PAGEDOWN)) {
        int half = (int)(t->vt.rows / 2);
        vt_view_scroll(&t->vt, e->code == KEY_PAGEUP ? half : -half);
        terminal_show(t);
        return;
    }
    for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (keys[i].code == e->code) {
            session_input(t, (const uint8_t *)keys[i].seq, strlen(keys[i].seq));
            return;
        }
    }
    if (e->ch && e->ch <= 0x10ffff) {
        uint8_t buf[4];
        session_input(t, buf, utf8_encode(e->ch, buf));
    }
}

static void events(void *arg)
{
    struct terminal *t = arg;
    struct ps_packet p;
    while (ps_queue_get(&t->ring, &p)) {
        struct input_event e;
        ps_queue_release(&t->ring);
        input_event_unpack(&p, &e);
        if (e.code == KEY_LEFTSHIFT || e.code == KEY_RIGHTSHIFT) {
            t->shift = e.type == EVENT_PRESS;
        } else if (e.type == EVENT_PRESS) {
            press(t, &e);
        }
    }
}

bool input_open(struct terminal *t)
{
    char args[96];
    uint64_t id, size = 0, slots = 0;
    cap_t ds = CAP_NULL, note;
    void *base;
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", EVENT_RAM_QUOTA, EVENT_CAP_QUOTA);
    status_t st = parent_session(EVENT_SERVICE, args, &t->event, &id);
    if (!st) {
        st = event_ring(t->event, &ds, &size, &slots);
    }
    if (!st && (size != EVENT_RING_SIZE || slots != EVENT_SLOTS)) {
        st = RPC_BAD_REPLY;
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &base);
    }
    if (!st) {
        ps_queue_init(&t->ring, base, EVENT_SLOTS);
        note = rt_signal_handler(&t->server.entry, BIT_EVENT, events, t);
        st = note ? event_sigh(t->event, note) : RPC_OUT_OF_CAPS;
    }
    if (st) {
        printf("no keyboard: Event session: %s\n", status_text(st));
        return false;
    }
    return true;
}
