/*
 * The shell's line editor: input bytes from a terminal (UTF-8 text,
 * control keys, VT100/xterm escape sequences) edit one line with a
 * cursor and a history; what the terminal must show is emitted as text
 * with the few escape sequences every VT100 understands (CR, ESC [ K,
 * ESC [ n D). Pure logic without sessions (unit/shell.c tests it).
 *
 * Keys: printable characters insert at the cursor; Left/Right (also
 * Ctrl-B/F), Home/End (also Ctrl-A/E), Backspace (DEL or BS), Delete
 * (also Ctrl-D), Ctrl-U and Ctrl-K (erase before and after the cursor),
 * Ctrl-C (abandon the line), Ctrl-L (draw it again), Up/Down (also
 * Ctrl-P/N) through the history. Enter is CR or LF; CR LF counts once.
 * Invalid UTF-8, C1 controls (U+0080..U+009F) and unknown sequences are
 * dropped, so the line is always valid UTF-8 without control characters
 * (fuzz/line_editor checks it).
 */
#ifndef SHELL_LINE_EDITOR_H
#define SHELL_LINE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDITOR_LINE_MAX 160 /* bytes of one line */
#define EDITOR_HISTORY 16   /* lines kept */
#define EDITOR_PARAM_MAX 8  /* bytes of an escape sequence's parameters */

typedef void (*editor_emit_fn)(void *arg, const char *text, size_t len);

enum editor_event {
    EDITOR_NONE,     /* the byte was taken (or dropped) */
    EDITOR_LINE,     /* Enter: a line is complete */
    EDITOR_TOO_LONG, /* Enter on a line that lost input beyond EDITOR_LINE_MAX */
    EDITOR_CANCEL,   /* Ctrl-C */
};

struct line_editor {
    /* the line: UTF-8, NUL terminated; len and cursor in bytes, the cursor
     * always at the start of a character */
    char line[EDITOR_LINE_MAX + 1];
    size_t len, cursor;
    bool overflow;   /* input was dropped: the line is too long */
    unsigned scroll; /* first character shown (lines wider than the terminal) */

    /* decoding the input */
    unsigned esc; /* ESC_* in line_editor.c */
    char param[EDITOR_PARAM_MAX];
    unsigned param_len;
    bool param_overflow;
    char utf8[4];
    unsigned utf8_len, utf8_need;
    bool after_cr;

    /* history: hist_count lines in a ring, the oldest at hist_first;
     * browse 0 while editing a new line, k when showing the k-th newest */
    char history[EDITOR_HISTORY][EDITOR_LINE_MAX + 1];
    unsigned hist_first, hist_count, browse;
    char saved[EDITOR_LINE_MAX + 1];   /* the new line while browsing */
    char entered[EDITOR_LINE_MAX + 1]; /* the line Enter finished */

    /* display */
    const char *prompt;
    unsigned prompt_cols, cols;
    editor_emit_fn emit;
    void *emit_arg;
};

/* An empty line and history; output goes to emit. cols is the
 * terminal's width (0: unknown, taken as 80). Shows nothing yet. */
void editor_init(struct line_editor *e, const char *prompt, unsigned cols, editor_emit_fn emit, void *arg);

/* Take one input byte. On EDITOR_LINE *line is the line (valid until
 * the next call), already in the history and moved past on screen; the
 * editor holds an empty line then, not yet shown (editor_show). */
enum editor_event editor_feed(struct line_editor *e, uint8_t byte, const char **line);

/* Draw the prompt and the line (after editor_hide or a finished line). */
void editor_show(struct line_editor *e);

/* Erase the prompt and the line, to print other lines in their place. */
void editor_hide(struct line_editor *e);

#endif
