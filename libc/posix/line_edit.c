/*
 * The line discipline of <terminal edit="yes"/> (line_edit.h). Erasing
 * moves back over one screen cell per character: a UTF-8 character is
 * one lead byte and its continuation bytes (10xxxxxx).
 */
#include <stdio.h>
#include <string.h>
#include "line_edit.h"

static bool continuation(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

/* Take the last character off the line; false if it is empty. */
static bool erase(struct line_edit *le)
{
    if (!le->len) {
        return false;
    }
    while (le->len > 1 && continuation(le->text[le->len - 1])) {
        le->len--;
    }
    le->len--;
    return true;
}

static size_t kill_line(struct line_edit *le, char *echo)
{
    unsigned cells = 0;
    for (size_t i = 0; i < le->len; i++) {
        cells += !continuation(le->text[i]);
    }
    le->len = 0;
    return cells ? (size_t)snprintf(echo, LINE_EDIT_KEY_ECHO_MAX, "\x1b[%uD\x1b[K", cells) : 0;
}

/* ESC, ESC [ and the parameters up to the final byte are swallowed. */
static bool in_escape(struct line_edit *le, char c)
{
    if (le->esc == 1) {
        le->esc = c == '[' ? 2 : 0;
        return true;
    }
    if (le->esc == 2) {
        le->esc = c >= 0x40 && c <= 0x7e ? 0 : 2;
        return true;
    }
    return false;
}

size_t line_edit_key(struct line_edit *le, char c, char *echo)
{
    bool after_cr = le->after_cr;
    le->after_cr = c == '\r';
    if (in_escape(le, c)) {
        return 0;
    }
    switch (c) {
    case '\n':
        if (after_cr) {
            return 0; /* the LF of a CR LF */
        }
        /* fall through */
    case '\r':
        le->text[le->len++] = '\n';
        le->done = true;
        echo[0] = '\n';
        return 1;
    case 0x7f:
    case '\b':
        return erase(le) ? (memcpy(echo, "\b \b", 3), 3) : 0;
    case 0x15:
        return kill_line(le, echo);
    case 0x04:
        le->done = true;
        le->eof = le->len == 0;
        return 0;
    case 0x1b:
        le->esc = 1;
        return 0;
    default:
        if (((unsigned char)c < 0x20 && c != '\t') || le->len >= LINE_EDIT_MAX - 1) {
            return 0;
        }
        le->text[le->len++] = c;
        echo[0] = c;
        return 1;
    }
}

bool line_edit_done(const struct line_edit *le)
{
    return le->done;
}

size_t line_edit_take(struct line_edit *le, char *buf, size_t n)
{
    size_t left = le->len - le->taken;
    n = n < left ? n : left;
    memcpy(buf, le->text + le->taken, n);
    le->taken += n;
    if (le->taken == le->len) {
        le->len = le->taken = 0;
        le->done = le->eof = false;
    }
    return n;
}
