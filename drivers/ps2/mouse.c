/*
 * PS/2 mouse packets (mouse.h).
 */
#include "mouse.h"

void mouse_init(struct mouse_state *m, bool wheel)
{
    *m = (struct mouse_state){.size = wheel ? 4 : 3};
}

bool mouse_feed(struct mouse_state *m, uint8_t byte, struct mouse_report *r)
{
    if (m->have == 0 && !(byte & 0x08)) {
        return false; /* not a first byte: resynchronise */
    }
    m->packet[m->have++] = byte;
    if (m->have < m->size) {
        return false;
    }
    m->have = 0;
    uint8_t flags = m->packet[0];
    int32_t dx = m->packet[1] - ((flags << 4) & 0x100);
    int32_t dy = m->packet[2] - ((flags << 3) & 0x100);
    if (flags & 0xc0) { /* overflow: the counts mean nothing */
        dx = dy = 0;
    }
    *r = (struct mouse_report){.rx = dx, .ry = -dy, .buttons = flags & 7};
    if (m->size == 4) {
        /* the wheel: a signed 4-bit count, positive towards the user */
        int32_t z = m->packet[3] & 0x0f;
        r->wheel = -(z >= 8 ? z - 16 : z);
    }
    return true;
}
