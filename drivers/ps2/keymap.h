/*
 * Keymaps: a key code and the modifiers held give a character (a
 * Unicode code point). The driver keeps one modifier state (the keys
 * are one keyboard's) and each Event session picks its keymap by policy
 * (keymap="us" or "de"). Pure logic (unit/ps2.c tests it on the host).
 */
#ifndef PS2_KEYMAP_H
#define PS2_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keymap;

/* Which modifier keys are down, and the caps lock toggle. */
struct modifiers {
    bool lshift, rshift, lctrl, rctrl, alt, altgr, capslock;
};

/* The keymap called name ("us", "de"), or NULL. */
const struct keymap *keymap_by_name(const char *name);

/* Follow a press or release of code in the modifier state. */
void keymap_track(struct modifiers *m, unsigned code, bool press);

/* The character of code under m in map k, 0 for none (modifiers,
 * function and cursor keys, unmapped combinations). */
uint32_t keymap_char(const struct keymap *k, unsigned code, const struct modifiers *m);

#endif
