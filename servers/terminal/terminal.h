/*
 * The terminal's state and the seams between its files: main.c sets up
 * the screen (a Framebuffer session, the font ROM), the vt (vt.c,
 * vt_parse.c) and its drawing (render.c); input.c turns the Event
 * session's key presses into bytes; session.c serves the Terminal
 * session that writes to the screen and reads those bytes.
 */
#ifndef TERMINAL_TERMINAL_H
#define TERMINAL_TERMINAL_H

#include <rt/server.h>
#include <rt/input_event.h>
#include <session/terminal.h>
#include "font.h"
#include "render.h"
#include "vt.h"

#define TERMINAL_INPUT_MAX 1024 /* bytes of input queued per session */
#define HISTORY_LINES 500       /* scrollback */

struct term_session;

struct terminal {
    struct rt_server server;
    /* the screen, owned by main.c */
    cap_t fb;
    struct vt vt;
    struct render render;
    struct font font;
    /* the keyboard, owned by input.c */
    cap_t event;
    struct ps_queue ring; /* we consume */
    bool shift;
    /* the one session, owned by session.c */
    struct term_session *session;
};

extern const struct rt_service terminal_service;

/* Draw what changed in the vt and refresh it on the screen. */
void terminal_show(struct terminal *t);

/* Open the Event session (false, after saying why, if there is none:
 * the terminal then has no input). */
bool input_open(struct terminal *t);

/* Input for the client: queue bytes (dropped, counted, when full). */
void session_input(struct terminal *t, const uint8_t *bytes, size_t n);

#endif
