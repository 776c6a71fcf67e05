/*
 * The line discipline of <terminal edit="yes"/> (terminal.c): keys in,
 * a finished line and what to echo out, as a Unix tty in canonical mode
 * with echo does it. Pure code (unit/line_edit.c):
 *
 *   Enter ('\r', '\n', or "\r\n" as one)  ends the line, which ends in '\n'
 *   Backspace (DEL or ^H)                 erases the last character (UTF-8 aware)
 *   ^U                                    erases the line
 *   ^D                                    at the start of a line: end of input
 *                                         (a read gives 0); else ends the line as it is
 *   other control keys, escape sequences  ignored (arrows do not edit)
 *
 * Characters beyond LINE_EDIT_MAX - 1 are dropped.
 */
#ifndef POSIX_LINE_EDIT_H
#define POSIX_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_EDIT_MAX 1024
#define LINE_EDIT_KEY_ECHO_MAX 16 /* the most one key echoes */
#define LINE_EDIT_ECHO_MAX 256    /* a good size of echo buffer */

struct line_edit {
    char text[LINE_EDIT_MAX];
    size_t len, taken; /* bytes in text; of them handed to reads */
    bool done, eof;    /* the line is finished; by ^D at its start */
    bool after_cr;     /* the last key was '\r': a '\n' now is the same Enter */
    unsigned esc;      /* 0; 1 after ESC; 2 in ESC [ ... */
};

/* One key; writes what to echo to echo (LINE_EDIT_KEY_ECHO_MAX bytes at
 * most) and returns its length. Keys after the line is done are not
 * taken: call only while !line_edit_done. */
size_t line_edit_key(struct line_edit *le, char c, char *echo);

bool line_edit_done(const struct line_edit *le);

/* Up to n bytes of the finished line into buf; when all of it is taken
 * the next line starts. 0 for the end of input. */
size_t line_edit_take(struct line_edit *le, char *buf, size_t n);

#endif
