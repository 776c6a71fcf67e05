/*
 * The pure parts of drivers/ps2: set-1 scan codes to key codes (plain,
 * extended, Pause, fake shifts, controller answers), keymaps (US and
 * German, shift, AltGr, caps lock, Ctrl) and mouse packets (signs,
 * overflow, the wheel, resynchronising after a lost byte).
 */
#include "unit.h"
#include "../drivers/ps2/scancode.h"
#include "../drivers/ps2/keymap.h"
#include "../drivers/ps2/mouse.h"
#include <input/keycodes.h>

/* Feed bytes; returns how many events came out, the last in *code, *press. */
static unsigned feed(struct scancode_state *s, const uint8_t *bytes, unsigned n, unsigned *code, bool *press)
{
    unsigned events = 0;
    for (unsigned i = 0; i < n; i++) {
        events += scancode_feed(s, bytes[i], code, press);
    }
    return events;
}

TEST(scancodes_plain_extended_and_pause)
{
    struct scancode_state s = {0};
    unsigned code = 0;
    bool press = false;
    EXPECT(feed(&s, (const uint8_t[]){0x1e}, 1, &code, &press) == 1 && code == KEY_A && press);
    EXPECT(feed(&s, (const uint8_t[]){0x9e}, 1, &code, &press) == 1 && code == KEY_A && !press);
    EXPECT(feed(&s, (const uint8_t[]){0x58}, 1, &code, &press) == 1 && code == KEY_F12);
    EXPECT(feed(&s, (const uint8_t[]){0xe0, 0x38}, 2, &code, &press) == 1 && code == KEY_RIGHTALT && press);
    EXPECT(feed(&s, (const uint8_t[]){0xe0, 0xc8}, 2, &code, &press) == 1 && code == KEY_UP && !press);
    /* Print Screen with its fake shift: only the key itself */
    EXPECT(feed(&s, (const uint8_t[]){0xe0, 0x2a, 0xe0, 0x37}, 4, &code, &press) == 1 && code == KEY_SYSRQ);
    EXPECT(feed(&s, (const uint8_t[]){0xe1, 0x1d, 0x45}, 3, &code, &press) == 1 && code == KEY_PAUSE &&
           press);
    EXPECT(feed(&s, (const uint8_t[]){0xe1, 0x9d, 0xc5}, 3, &code, &press) == 1 && code == KEY_PAUSE &&
           !press);
    /* answers of the controller and the keyboard are no keys */
    EXPECT(feed(&s, (const uint8_t[]){0xfa, 0xfe, 0x00, 0xff, 0xee}, 5, &code, &press) == 0);
    /* unknown codes give nothing, and the state is clean afterwards */
    EXPECT(feed(&s, (const uint8_t[]){0x7e, 0xe0, 0x10}, 3, &code, &press) == 0);
    EXPECT(feed(&s, (const uint8_t[]){0x2c}, 1, &code, &press) == 1 && code == KEY_Z);
}

static uint32_t ch(const char *map, unsigned code, struct modifiers m)
{
    return keymap_char(keymap_by_name(map), code, &m);
}

TEST(keymaps_us_and_de)
{
    EXPECT(keymap_by_name("us") && keymap_by_name("de") && !keymap_by_name("fr") && !keymap_by_name(""));
    struct modifiers none = {0}, shift = {.lshift = true}, altgr = {.altgr = true}, caps = {.capslock = true};
    EXPECT(ch("us", KEY_A, none) == 'a' && ch("us", KEY_A, shift) == 'A' && ch("us", KEY_A, caps) == 'A');
    EXPECT(ch("us", KEY_A, (struct modifiers){.rshift = true, .capslock = true}) == 'a');
    EXPECT(ch("us", KEY_Y, none) == 'y' && ch("de", KEY_Y, none) == 'z' && ch("de", KEY_Z, shift) == 'Y');
    EXPECT(ch("us", KEY_2, shift) == '@' && ch("de", KEY_2, shift) == '"' && ch("de", KEY_3, shift) == 0xa7);
    EXPECT(ch("de", KEY_SEMICOLON, none) == 0xf6 && ch("de", KEY_SEMICOLON, caps) == 0xd6);
    EXPECT(ch("de", KEY_Q, altgr) == '@' && ch("de", KEY_E, altgr) == 0x20ac &&
           ch("de", KEY_102ND, none) == '<');
    EXPECT(ch("de", KEY_1, caps) == '1'); /* caps lock leaves digits alone */
    EXPECT(ch("us", KEY_C, (struct modifiers){.lctrl = true}) == 3);
    EXPECT(ch("us", KEY_ENTER, none) == '\n' && ch("de", KEY_SPACE, none) == ' ');
    EXPECT(ch("us", KEY_LEFTSHIFT, none) == 0 && ch("us", KEY_F1, none) == 0 &&
           ch("us", BTN_LEFT, none) == 0);
}

TEST(modifiers_follow_the_keys)
{
    struct modifiers m = {0};
    keymap_track(&m, KEY_LEFTSHIFT, true);
    keymap_track(&m, KEY_RIGHTALT, true);
    EXPECT(m.lshift && m.altgr);
    keymap_track(&m, KEY_LEFTSHIFT, false);
    EXPECT(!m.lshift);
    keymap_track(&m, KEY_CAPSLOCK, true);
    keymap_track(&m, KEY_CAPSLOCK, false);
    EXPECT(m.capslock);
    keymap_track(&m, KEY_CAPSLOCK, true);
    EXPECT(!m.capslock);
}

TEST(mouse_packets)
{
    struct mouse_state m;
    struct mouse_report r;
    mouse_init(&m, false);
    /* left button, x -1 (sign bit 4), y +2 (up: reported as -2) */
    EXPECT(!mouse_feed(&m, 0x19, &r) && !mouse_feed(&m, 0xff, &r) && mouse_feed(&m, 0x02, &r));
    EXPECT(r.rx == -1 && r.ry == -2 && r.buttons == 1 && r.wheel == 0);
    /* a byte without bit 3 cannot start a packet: dropped */
    EXPECT(!mouse_feed(&m, 0x00, &r));
    EXPECT(!mouse_feed(&m, 0x0a, &r) && !mouse_feed(&m, 5, &r) && mouse_feed(&m, 0, &r));
    EXPECT(r.rx == 5 && r.ry == 0 && r.buttons == 2);
    /* overflow: no motion */
    EXPECT(!mouse_feed(&m, 0x48, &r) && !mouse_feed(&m, 9, &r) && mouse_feed(&m, 9, &r) && r.rx == 0);
    mouse_init(&m, true);
    EXPECT(!mouse_feed(&m, 0x08, &r) && !mouse_feed(&m, 0, &r) && !mouse_feed(&m, 0, &r));
    EXPECT(mouse_feed(&m, 0x0f, &r) && r.wheel == 1); /* -1: away from the user */
}
