/*
 * The ps2 driver's state and the seam between its two halves: main.c
 * drives the i8042 and turns its bytes into events, event_session.c
 * serves the Event sessions those events go to.
 */
#ifndef PS2_PS2_H
#define PS2_PS2_H

#include <rt/server.h>
#include <rt/input_event.h>
#include "i8042.h"
#include "keymap.h"
#include "mouse.h"
#include "scancode.h"

struct event_session;

struct ps2 {
    struct rt_server server;
    /* the hardware, owned by main.c */
    struct i8042 hw;
    cap_t irq_kbd, irq_aux;
    struct scancode_state keys;
    struct mouse_state mouse;
    uint8_t buttons;       /* mouse buttons down */
    struct modifiers mods; /* the keyboard's modifier keys */
    /* the open sessions, owned by event_session.c: each gets every event */
    struct event_session *sessions;
};

extern const struct rt_service event_service;

/* Put e in every session's ring; a press gets the character of each
 * session's keymap under d->mods. Published by sessions_flush. */
void sessions_post(struct ps2 *d, const struct input_event *e);

/* Publish what was posted: signal the sessions whose ring had been
 * empty, answer the `next` callers that wait. */
void sessions_flush(struct ps2 *d);

#endif
