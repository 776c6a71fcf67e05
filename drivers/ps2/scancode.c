/*
 * Scan code set 1 (as the controller's translation delivers set 2) to
 * key codes. The key codes were designed from set 1: a plain make code
 * 0x01..0x58 is its key code, so only the extended keys need a table.
 */
#include "scancode.h"
#include <input/keycodes.h>

static const uint16_t extended[128] = {
    [0x1c] = KEY_KPENTER,   [0x1d] = KEY_RIGHTCTRL, [0x35] = KEY_KPSLASH, [0x37] = KEY_SYSRQ,
    [0x38] = KEY_RIGHTALT,  [0x47] = KEY_HOME,      [0x48] = KEY_UP,      [0x49] = KEY_PAGEUP,
    [0x4b] = KEY_LEFT,      [0x4d] = KEY_RIGHT,     [0x4f] = KEY_END,     [0x50] = KEY_DOWN,
    [0x51] = KEY_PAGEDOWN,  [0x52] = KEY_INSERT,    [0x53] = KEY_DELETE,  [0x5b] = KEY_LEFTMETA,
    [0x5c] = KEY_RIGHTMETA, [0x5d] = KEY_COMPOSE,
};

static unsigned plain(uint8_t make)
{
    if ((make >= 0x01 && make <= 0x53) || (make >= 0x56 && make <= 0x58)) {
        return make;
    }
    return make == 0x54 ? KEY_SYSRQ : 0; /* Alt+SysRq sends its own code */
}

bool scancode_feed(struct scancode_state *s, uint8_t byte, unsigned *code, bool *press)
{
    if (byte == 0x00 || byte == 0xff || byte == 0xfa || byte == 0xfe || byte == 0xee) {
        return false; /* buffer overrun, error, ACK, resend, echo */
    }
    if (s->pending) { /* Pause: E1 1D 45 (make), E1 9D C5 (break) */
        s->pending--;
        if (s->pending) {
            return false;
        }
        s->prefix = 0;
        *code = KEY_PAUSE;
        *press = !(byte & 0x80);
        return true;
    }
    if (byte == 0xe0) {
        s->prefix = 0xe0;
        return false;
    }
    if (byte == 0xe1) {
        s->prefix = 0xe1;
        s->pending = 2;
        return false;
    }
    uint8_t make = byte & 0x7f;
    bool extended_key = s->prefix == 0xe0;
    s->prefix = 0;
    *press = !(byte & 0x80);
    if (extended_key && (make == 0x2a || make == 0x36)) {
        return false; /* the fake shifts around some extended keys */
    }
    *code = extended_key ? extended[make] : plain(make);
    return *code != 0;
}
