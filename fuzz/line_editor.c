/*
 * Fuzz target: app/shell's line editor (line_editor.c), which takes every
 * byte typed on the shell's terminal (the screen's keyboard or, through
 * drivers/uart, anyone on the serial line). Byte 0 chooses the
 * terminal's width (0..255, 0 meaning unknown); the rest is fed byte by
 * byte, with the line shown again (editor_show) after each finished
 * one and hidden now and then (editor_hide), as the shell does.
 * Invariants, after every byte:
 * - len <= EDITOR_LINE_MAX, cursor <= len, the line NUL terminated at
 *   len, the cursor at the start of a character;
 * - the line and every line handed out (EDITOR_LINE) is well-formed
 *   UTF-8 of printable characters (utf8_printable_len, which the log
 *   paths use too): no control byte reaches the history or a command;
 * - the escape parameters stay within EDITOR_PARAM_MAX;
 * - what one byte makes the editor emit is bounded (a few lines' worth).
 */
#include "../app/shell/line_editor.h"
#include <rt/utf8.h>
#include <stdlib.h>
#include <string.h>

static size_t emitted;

static void emit(void *arg, const char *text, size_t len)
{
    (void)arg;
    (void)text;
    emitted += len;
}

static void printable(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t k = utf8_printable_len((const unsigned char *)s + i, len - i);
        if (!k) {
            abort();
        }
        i += k;
    }
}

static void check(const struct line_editor *e)
{
    if (e->len > EDITOR_LINE_MAX || e->cursor > e->len || e->line[e->len] != 0 ||
        e->param_len > EDITOR_PARAM_MAX || e->hist_count > EDITOR_HISTORY || e->browse > e->hist_count) {
        abort();
    }
    if (e->cursor < e->len && ((unsigned char)e->line[e->cursor] & 0xc0) == 0x80) {
        abort(); /* the cursor inside a character */
    }
    printable(e->line, e->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct line_editor e;
    if (size < 1) {
        return 0;
    }
    editor_init(&e, "arbor> ", data[0], emit, NULL);
    editor_show(&e);
    for (size_t i = 1; i < size; i++) {
        const char *line = NULL;
        emitted = 0;
        enum editor_event ev = editor_feed(&e, data[i], &line);
        /* one byte redraws at most the line with its prompt, a few times */
        if (emitted > 8 * (EDITOR_LINE_MAX + 64)) {
            abort();
        }
        check(&e);
        if (ev == EDITOR_LINE) {
            if (!line || strlen(line) > EDITOR_LINE_MAX) {
                abort();
            }
            printable(line, strlen(line));
            editor_show(&e);
        } else if (ev == EDITOR_TOO_LONG || ev == EDITOR_CANCEL) {
            editor_show(&e);
        } else if (data[i] == 0x7f && (i & 7) == 0) {
            editor_hide(&e);
            editor_show(&e);
        }
    }
    return 0;
}
