/*
 * The US and German keymaps. A map lists, per key code, the character
 * plain, with shift and with AltGr (0: none). Letters (and the German
 * umlauts) follow caps lock; Ctrl with a letter gives its control
 * character. Dead keys are not composed: they give their own character.
 */
#include "keymap.h"
#include <input/keycodes.h>

struct key_chars {
    uint16_t code;
    uint32_t plain, shift, altgr;
};

struct keymap {
    const char *name;
    const struct key_chars *keys;
    unsigned count;
};

/* What both maps share: the keys whose characters do not depend on the
 * layout. */
static const struct key_chars common[] = {
    {KEY_ESC, 0x1b, 0x1b, 0},   {KEY_BACKSPACE, '\b', '\b', 0}, {KEY_TAB, '\t', '\t', 0},
    {KEY_ENTER, '\n', '\n', 0}, {KEY_SPACE, ' ', ' ', ' '},     {KEY_KPENTER, '\n', '\n', 0},
    {KEY_KPSLASH, '/', '/', 0}, {KEY_KPASTERISK, '*', '*', 0},  {KEY_KPMINUS, '-', '-', 0},
    {KEY_KPPLUS, '+', '+', 0},  {KEY_DELETE, 0x7f, 0x7f, 0},    {KEY_A, 'a', 'A', 0},
    {KEY_B, 'b', 'B', 0},       {KEY_C, 'c', 'C', 0},           {KEY_D, 'd', 'D', 0},
    {KEY_F, 'f', 'F', 0},       {KEY_G, 'g', 'G', 0},           {KEY_H, 'h', 'H', 0},
    {KEY_I, 'i', 'I', 0},       {KEY_J, 'j', 'J', 0},           {KEY_K, 'k', 'K', 0},
    {KEY_L, 'l', 'L', 0},       {KEY_N, 'n', 'N', 0},           {KEY_O, 'o', 'O', 0},
    {KEY_P, 'p', 'P', 0},       {KEY_R, 'r', 'R', 0},           {KEY_S, 's', 'S', 0},
    {KEY_T, 't', 'T', 0},       {KEY_U, 'u', 'U', 0},           {KEY_V, 'v', 'V', 0},
    {KEY_W, 'w', 'W', 0},       {KEY_X, 'x', 'X', 0},
};

static const struct key_chars us_keys[] = {
    {KEY_1, '1', '!', 0},          {KEY_2, '2', '@', 0},          {KEY_3, '3', '#', 0},
    {KEY_4, '4', '$', 0},          {KEY_5, '5', '%', 0},          {KEY_6, '6', '^', 0},
    {KEY_7, '7', '&', 0},          {KEY_8, '8', '*', 0},          {KEY_9, '9', '(', 0},
    {KEY_0, '0', ')', 0},          {KEY_MINUS, '-', '_', 0},      {KEY_EQUAL, '=', '+', 0},
    {KEY_Q, 'q', 'Q', 0},          {KEY_E, 'e', 'E', 0},          {KEY_Y, 'y', 'Y', 0},
    {KEY_Z, 'z', 'Z', 0},          {KEY_M, 'm', 'M', 0},          {KEY_LEFTBRACE, '[', '{', 0},
    {KEY_RIGHTBRACE, ']', '}', 0}, {KEY_SEMICOLON, ';', ':', 0},  {KEY_APOSTROPHE, '\'', '"', 0},
    {KEY_GRAVE, '`', '~', 0},      {KEY_BACKSLASH, '\\', '|', 0}, {KEY_COMMA, ',', '<', 0},
    {KEY_DOT, '.', '>', 0},        {KEY_SLASH, '/', '?', 0},      {KEY_102ND, '\\', '|', 0},
};

static const struct key_chars de_keys[] = {
    {KEY_1, '1', '!', 0},
    {KEY_2, '2', '"', 0xb2},
    {KEY_3, '3', 0xa7, 0xb3},
    {KEY_4, '4', '$', 0},
    {KEY_5, '5', '%', 0},
    {KEY_6, '6', '&', 0},
    {KEY_7, '7', '/', '{'},
    {KEY_8, '8', '(', '['},
    {KEY_9, '9', ')', ']'},
    {KEY_0, '0', '=', '}'},
    {KEY_MINUS, 0xdf, '?', '\\'},
    {KEY_EQUAL, 0xb4, '`', 0},
    {KEY_Q, 'q', 'Q', '@'},
    {KEY_E, 'e', 'E', 0x20ac},
    {KEY_Y, 'z', 'Z', 0},
    {KEY_Z, 'y', 'Y', 0},
    {KEY_M, 'm', 'M', 0xb5},
    {KEY_LEFTBRACE, 0xfc, 0xdc, 0},
    {KEY_RIGHTBRACE, '+', '*', '~'},
    {KEY_SEMICOLON, 0xf6, 0xd6, 0},
    {KEY_APOSTROPHE, 0xe4, 0xc4, 0},
    {KEY_GRAVE, '^', 0xb0, 0},
    {KEY_BACKSLASH, '#', '\'', 0},
    {KEY_COMMA, ',', ';', 0},
    {KEY_DOT, '.', ':', 0},
    {KEY_SLASH, '-', '_', 0},
    {KEY_102ND, '<', '>', '|'},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct keymap maps[] = {
    {"us", us_keys, COUNT(us_keys)},
    {"de", de_keys, COUNT(de_keys)},
};

/* Pure logic without the C library: its own string compare. */
static bool same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

const struct keymap *keymap_by_name(const char *name)
{
    for (unsigned i = 0; i < COUNT(maps); i++) {
        if (same(maps[i].name, name)) {
            return &maps[i];
        }
    }
    return NULL;
}

void keymap_track(struct modifiers *m, unsigned code, bool press)
{
    switch (code) {
    case KEY_LEFTSHIFT:
        m->lshift = press;
        break;
    case KEY_RIGHTSHIFT:
        m->rshift = press;
        break;
    case KEY_LEFTCTRL:
        m->lctrl = press;
        break;
    case KEY_RIGHTCTRL:
        m->rctrl = press;
        break;
    case KEY_LEFTALT:
        m->alt = press;
        break;
    case KEY_RIGHTALT:
        m->altgr = press;
        break;
    case KEY_CAPSLOCK:
        m->capslock ^= press;
        break;
    }
}

static const struct key_chars *find(const struct key_chars *keys, unsigned count, unsigned code)
{
    for (unsigned i = 0; i < count; i++) {
        if (keys[i].code == code) {
            return &keys[i];
        }
    }
    return NULL;
}

/* A letter whose shifted form is its capital: caps lock applies. */
static bool letter(const struct key_chars *k)
{
    return k->shift != k->plain && ((k->plain >= 'a' && k->plain <= 'z') || k->shift == k->plain - 0x20);
}

uint32_t keymap_char(const struct keymap *k, unsigned code, const struct modifiers *m)
{
    const struct key_chars *c = find(k->keys, k->count, code);
    if (!c) {
        c = find(common, COUNT(common), code);
    }
    if (!c) {
        return 0;
    }
    if (m->altgr) {
        return c->altgr;
    }
    bool shift = m->lshift || m->rshift;
    if (letter(c) && m->capslock) {
        shift = !shift;
    }
    uint32_t ch = shift ? c->shift : c->plain;
    if ((m->lctrl || m->rctrl) && ch < 0x80 && ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')) {
        return ch & 0x1f;
    }
    return ch;
}
