/*
 * Key and button codes of input events (the Event session,
 * include/session/event.def). The numbers and names are Genode's
 * Input::Keycode, which are Linux's input-event codes: a code names a
 * key's position (KEY_Y is the key right of KEY_T whatever it is labelled),
 * and a keymap turns it into a character. One X-macro list gives the enum
 * and the names (input_key_name).
 */
#ifndef INPUT_KEYCODES_H
#define INPUT_KEYCODES_H

#define INPUT_KEYS(X)                                                                                        \
    X(KEY_RESERVED, 0)                                                                                       \
    X(KEY_ESC, 1)                                                                                            \
    X(KEY_1, 2)                                                                                              \
    X(KEY_2, 3)                                                                                              \
    X(KEY_3, 4)                                                                                              \
    X(KEY_4, 5)                                                                                              \
    X(KEY_5, 6)                                                                                              \
    X(KEY_6, 7)                                                                                              \
    X(KEY_7, 8)                                                                                              \
    X(KEY_8, 9)                                                                                              \
    X(KEY_9, 10)                                                                                             \
    X(KEY_0, 11)                                                                                             \
    X(KEY_MINUS, 12)                                                                                         \
    X(KEY_EQUAL, 13)                                                                                         \
    X(KEY_BACKSPACE, 14)                                                                                     \
    X(KEY_TAB, 15)                                                                                           \
    X(KEY_Q, 16)                                                                                             \
    X(KEY_W, 17)                                                                                             \
    X(KEY_E, 18)                                                                                             \
    X(KEY_R, 19)                                                                                             \
    X(KEY_T, 20)                                                                                             \
    X(KEY_Y, 21)                                                                                             \
    X(KEY_U, 22)                                                                                             \
    X(KEY_I, 23)                                                                                             \
    X(KEY_O, 24)                                                                                             \
    X(KEY_P, 25)                                                                                             \
    X(KEY_LEFTBRACE, 26)                                                                                     \
    X(KEY_RIGHTBRACE, 27)                                                                                    \
    X(KEY_ENTER, 28)                                                                                         \
    X(KEY_LEFTCTRL, 29)                                                                                      \
    X(KEY_A, 30)                                                                                             \
    X(KEY_S, 31)                                                                                             \
    X(KEY_D, 32)                                                                                             \
    X(KEY_F, 33)                                                                                             \
    X(KEY_G, 34)                                                                                             \
    X(KEY_H, 35)                                                                                             \
    X(KEY_J, 36)                                                                                             \
    X(KEY_K, 37)                                                                                             \
    X(KEY_L, 38)                                                                                             \
    X(KEY_SEMICOLON, 39)                                                                                     \
    X(KEY_APOSTROPHE, 40)                                                                                    \
    X(KEY_GRAVE, 41)                                                                                         \
    X(KEY_LEFTSHIFT, 42)                                                                                     \
    X(KEY_BACKSLASH, 43)                                                                                     \
    X(KEY_Z, 44)                                                                                             \
    X(KEY_X, 45)                                                                                             \
    X(KEY_C, 46)                                                                                             \
    X(KEY_V, 47)                                                                                             \
    X(KEY_B, 48)                                                                                             \
    X(KEY_N, 49)                                                                                             \
    X(KEY_M, 50)                                                                                             \
    X(KEY_COMMA, 51)                                                                                         \
    X(KEY_DOT, 52)                                                                                           \
    X(KEY_SLASH, 53)                                                                                         \
    X(KEY_RIGHTSHIFT, 54)                                                                                    \
    X(KEY_KPASTERISK, 55)                                                                                    \
    X(KEY_LEFTALT, 56)                                                                                       \
    X(KEY_SPACE, 57)                                                                                         \
    X(KEY_CAPSLOCK, 58)                                                                                      \
    X(KEY_F1, 59)                                                                                            \
    X(KEY_F2, 60)                                                                                            \
    X(KEY_F3, 61)                                                                                            \
    X(KEY_F4, 62)                                                                                            \
    X(KEY_F5, 63)                                                                                            \
    X(KEY_F6, 64)                                                                                            \
    X(KEY_F7, 65)                                                                                            \
    X(KEY_F8, 66)                                                                                            \
    X(KEY_F9, 67)                                                                                            \
    X(KEY_F10, 68)                                                                                           \
    X(KEY_NUMLOCK, 69)                                                                                       \
    X(KEY_SCROLLLOCK, 70)                                                                                    \
    X(KEY_KP7, 71)                                                                                           \
    X(KEY_KP8, 72)                                                                                           \
    X(KEY_KP9, 73)                                                                                           \
    X(KEY_KPMINUS, 74)                                                                                       \
    X(KEY_KP4, 75)                                                                                           \
    X(KEY_KP5, 76)                                                                                           \
    X(KEY_KP6, 77)                                                                                           \
    X(KEY_KPPLUS, 78)                                                                                        \
    X(KEY_KP1, 79)                                                                                           \
    X(KEY_KP2, 80)                                                                                           \
    X(KEY_KP3, 81)                                                                                           \
    X(KEY_KP0, 82)                                                                                           \
    X(KEY_KPDOT, 83)                                                                                         \
    X(KEY_102ND, 86)                                                                                         \
    X(KEY_F11, 87)                                                                                           \
    X(KEY_F12, 88)                                                                                           \
    X(KEY_KPENTER, 96)                                                                                       \
    X(KEY_RIGHTCTRL, 97)                                                                                     \
    X(KEY_KPSLASH, 98)                                                                                       \
    X(KEY_SYSRQ, 99)                                                                                         \
    X(KEY_RIGHTALT, 100)                                                                                     \
    X(KEY_HOME, 102)                                                                                         \
    X(KEY_UP, 103)                                                                                           \
    X(KEY_PAGEUP, 104)                                                                                       \
    X(KEY_LEFT, 105)                                                                                         \
    X(KEY_RIGHT, 106)                                                                                        \
    X(KEY_END, 107)                                                                                          \
    X(KEY_DOWN, 108)                                                                                         \
    X(KEY_PAGEDOWN, 109)                                                                                     \
    X(KEY_INSERT, 110)                                                                                       \
    X(KEY_DELETE, 111)                                                                                       \
    X(KEY_PAUSE, 119)                                                                                        \
    X(KEY_LEFTMETA, 125)                                                                                     \
    X(KEY_RIGHTMETA, 126)                                                                                    \
    X(KEY_COMPOSE, 127)                                                                                      \
    X(BTN_LEFT, 0x110)                                                                                       \
    X(BTN_RIGHT, 0x111)                                                                                      \
    X(BTN_MIDDLE, 0x112)

enum input_keycode {
#define INPUT_KEY_ENUM(name, value) name = value,
    INPUT_KEYS(INPUT_KEY_ENUM)
#undef INPUT_KEY_ENUM
        KEY_MAX = 0x2ff,
};

/* The name of code ("KEY_A"), or NULL for a code without one here. */
static inline const char *input_key_name(unsigned code)
{
    switch (code) {
#define INPUT_KEY_CASE(name, value)                                                                          \
    case value:                                                                                              \
        return #name;
        INPUT_KEYS(INPUT_KEY_CASE)
#undef INPUT_KEY_CASE
    }
    return 0;
}

#endif
