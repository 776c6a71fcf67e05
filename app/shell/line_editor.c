/*
 * The line editor (line_editor.h): one input byte at a time through a
 * small decoder (escape sequences, UTF-8), each key an edit of the line,
 * each edit followed by drawing the line again from its start. Drawing
 * it whole (CR, prompt, text, erase to the end, cursor back) costs a few
 * bytes more than patching the screen and is right on any VT100 for any
 * edit; a line wider than the terminal scrolls sideways so the cursor
 * stays visible and nothing wraps.
 */
#include "line_editor.h"
#include <rt/rt.h>

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

static void emit(struct line_editor *e, const char *text, size_t len)
{
    e->emit(e->emit_arg, text, len);
}

static void emit_str(struct line_editor *e, const char *text)
{
    emit(e, text, strlen(text));
}

static bool is_continuation(char c)
{
    return ((uint8_t)c & 0xc0) == 0x80;
}

/* Characters (code points) in line[from, to). */
static unsigned chars_between(const struct line_editor *e, size_t from, size_t to)
{
    unsigned n = 0;
    for (size_t i = from; i < to; i++) {
        n += !is_continuation(e->line[i]);
    }
    return n;
}

/* The byte offset of character number ch. */
static size_t offset_of_char(const struct line_editor *e, unsigned ch)
{
    size_t i = 0;
    for (unsigned n = 0; i < e->len; i++) {
        if (!is_continuation(e->line[i]) && n++ == ch) {
            return i;
        }
    }
    return e->len;
}

static void refresh(struct line_editor *e)
{
    unsigned cols = e->cols ? e->cols : 80;
    unsigned room = cols > e->prompt_cols + 9 ? cols - e->prompt_cols - 1 : 8;
    unsigned cur = chars_between(e, 0, e->cursor), total = chars_between(e, 0, e->len);
    if (cur < e->scroll) {
        e->scroll = cur;
    }
    if (cur - e->scroll > room) {
        e->scroll = cur - room;
    }
    unsigned shown_end = total - e->scroll > room ? e->scroll + room : total;
    size_t from = offset_of_char(e, e->scroll), to = offset_of_char(e, shown_end);
    emit_str(e, "\r");
    emit_str(e, e->prompt);
    emit(e, e->line + from, to - from);
    emit_str(e, "\x1b[K");
    if (shown_end > cur) {
        char back[16];
        snprintf(back, sizeof(back), "\x1b[%uD", shown_end - cur);
        emit_str(e, back);
    }
}

void editor_show(struct line_editor *e)
{
    refresh(e);
}

void editor_hide(struct line_editor *e)
{
    emit_str(e, "\r\x1b[K");
}

static void set_line(struct line_editor *e, const char *text)
{
    size_t n = strlen(text);
    memcpy(e->line, text, n + 1);
    e->len = e->cursor = n;
    e->scroll = 0;
}

static void clear_line(struct line_editor *e)
{
    set_line(e, "");
    e->overflow = false;
    e->browse = 0;
}

void editor_init(struct line_editor *e, const char *prompt, unsigned cols, editor_emit_fn fn, void *arg)
{
    memset(e, 0, sizeof(*e));
    e->prompt = prompt;
    e->prompt_cols = (unsigned)strlen(prompt);
    e->cols = cols;
    e->emit = fn;
    e->emit_arg = arg;
}

/* ---- edits ---- */

static void move_bytes(char *line, size_t to, size_t from, size_t n)
{
    if (to < from) {
        for (size_t i = 0; i < n; i++) {
            line[to + i] = line[from + i];
        }
    } else {
        for (size_t i = n; i > 0; i--) {
            line[to + i - 1] = line[from + i - 1];
        }
    }
}

static void insert(struct line_editor *e, const char *bytes, size_t n)
{
    if (e->len + n > EDITOR_LINE_MAX) {
        e->overflow = true;
        emit_str(e, "\a");
        return;
    }
    move_bytes(e->line, e->cursor + n, e->cursor, e->len - e->cursor + 1);
    memcpy(e->line + e->cursor, bytes, n);
    e->len += n;
    e->cursor += n;
    refresh(e);
}

/* Remove line[from, to). */
static void erase(struct line_editor *e, size_t from, size_t to)
{
    move_bytes(e->line, from, to, e->len - to + 1);
    e->len -= to - from;
    e->cursor = from;
    e->overflow = e->overflow && e->len > 0; /* all gone: nothing was lost */
    refresh(e);
}

static size_t char_before(const struct line_editor *e, size_t at)
{
    while (at > 0 && is_continuation(e->line[--at])) {
    }
    return at;
}

static size_t char_after(const struct line_editor *e, size_t at)
{
    if (at < e->len) {
        at++;
    }
    while (at < e->len && is_continuation(e->line[at])) {
        at++;
    }
    return at;
}

static void move_to(struct line_editor *e, size_t at)
{
    e->cursor = at;
    refresh(e);
}

/* ---- history ---- */

static const char *history_line(const struct line_editor *e, unsigned newest)
{
    return e->history[(e->hist_first + e->hist_count - newest) % EDITOR_HISTORY];
}

static void history_add(struct line_editor *e)
{
    if (!e->len || (e->hist_count && !strcmp(history_line(e, 1), e->line))) {
        return;
    }
    if (e->hist_count == EDITOR_HISTORY) {
        e->hist_first = (e->hist_first + 1) % EDITOR_HISTORY;
        e->hist_count--;
    }
    memcpy(e->history[(e->hist_first + e->hist_count) % EDITOR_HISTORY], e->line, e->len + 1);
    e->hist_count++;
}

static void history_up(struct line_editor *e)
{
    if (e->browse == e->hist_count) {
        emit_str(e, "\a");
        return;
    }
    if (e->browse == 0) {
        memcpy(e->saved, e->line, e->len + 1);
    }
    e->browse++;
    set_line(e, history_line(e, e->browse));
    refresh(e);
}

static void history_down(struct line_editor *e)
{
    if (e->browse == 0) {
        emit_str(e, "\a");
        return;
    }
    e->browse--;
    set_line(e, e->browse ? history_line(e, e->browse) : e->saved);
    refresh(e);
}

/* ---- keys ---- */

enum key { KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT, KEY_HOME, KEY_END, KEY_DELETE, KEY_BACKSPACE };

static void key(struct line_editor *e, enum key k)
{
    switch (k) {
    case KEY_UP:
        history_up(e);
        break;
    case KEY_DOWN:
        history_down(e);
        break;
    case KEY_RIGHT:
        move_to(e, char_after(e, e->cursor));
        break;
    case KEY_LEFT:
        move_to(e, char_before(e, e->cursor));
        break;
    case KEY_HOME:
        move_to(e, 0);
        break;
    case KEY_END:
        move_to(e, e->len);
        break;
    case KEY_DELETE:
        if (e->cursor < e->len) {
            erase(e, e->cursor, char_after(e, e->cursor));
        }
        break;
    case KEY_BACKSPACE:
        if (e->cursor > 0) {
            erase(e, char_before(e, e->cursor), e->cursor);
        }
        break;
    }
}

/* The final byte of ESC [ params final, or of ESC O final. */
static void sequence(struct line_editor *e, char final)
{
    static const char letters[] = "ABCDHF";
    static const enum key letter_keys[] = {KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT, KEY_HOME, KEY_END};
    for (unsigned i = 0; letters[i]; i++) {
        if (final == letters[i]) {
            key(e, letter_keys[i]);
            return;
        }
    }
    if (final != '~' || e->param_overflow) {
        return; /* a sequence we do not know: dropped */
    }
    unsigned n = 0;
    for (unsigned i = 0; i < e->param_len && e->param[i] >= '0' && e->param[i] <= '9'; i++) {
        n = n * 10 + (unsigned)(e->param[i] - '0');
    }
    if (n == 1 || n == 7) {
        key(e, KEY_HOME);
    } else if (n == 4 || n == 8) {
        key(e, KEY_END);
    } else if (n == 3) {
        key(e, KEY_DELETE);
    }
}

/* Whether byte continues an escape sequence (it is used up then). */
static bool in_sequence(struct line_editor *e, uint8_t byte)
{
    if (byte == 0x1b) { /* a new sequence begins */
        e->esc = ESC_START;
        return true;
    }
    if (byte < 0x20) { /* a control key ends the sequence and counts on its own */
        e->esc = ESC_NONE;
        return false;
    }
    if (e->esc == ESC_START) {
        e->esc = byte == '[' ? ESC_CSI : byte == 'O' ? ESC_SS3 : ESC_NONE;
        e->param_len = 0;
        e->param_overflow = false;
        return true;
    }
    if (e->esc == ESC_SS3) {
        e->esc = ESC_NONE;
        sequence(e, (char)byte);
        return true;
    }
    if (byte >= 0x20 && byte <= 0x3f) { /* parameters and intermediates */
        if (e->param_len < EDITOR_PARAM_MAX) {
            e->param[e->param_len++] = (char)byte;
        } else {
            e->param_overflow = true;
        }
        return true;
    }
    e->esc = ESC_NONE;
    if (byte >= 0x40 && byte <= 0x7e) {
        sequence(e, (char)byte);
        return true;
    }
    return false; /* DEL or a byte beyond ASCII ends the sequence and counts on its own */
}

/* Whether the sequence so far can start a valid UTF-8 character of a
 * printable code point (no overlong forms, no C1 controls U+0080..U+009F,
 * which some terminals obey as escapes, no surrogates, nothing beyond
 * U+10FFFF). */
static bool utf8_plausible(const struct line_editor *e)
{
    uint8_t lead = (uint8_t)e->utf8[0], second = (uint8_t)e->utf8[1];
    if (e->utf8_len < 2) {
        return true;
    }
    return !(lead == 0xc2 && second < 0xa0) && !(lead == 0xe0 && second < 0xa0) &&
           !(lead == 0xed && second >= 0xa0) &&
           !(lead == 0xf0 && second < 0x90) && !(lead == 0xf4 && second >= 0x90);
}

/* Whether byte belongs to a UTF-8 character (used up then). */
static bool in_utf8(struct line_editor *e, uint8_t byte)
{
    if (e->utf8_need && is_continuation((char)byte)) {
        e->utf8[e->utf8_len++] = (char)byte;
        if (!utf8_plausible(e)) {
            e->utf8_need = 0;
        } else if (e->utf8_len == e->utf8_need) {
            e->utf8_need = 0;
            insert(e, e->utf8, e->utf8_len);
        }
        return true;
    }
    e->utf8_need = 0; /* an incomplete character is dropped */
    if (byte < 0x80) {
        return false;
    }
    e->utf8_len = 1;
    e->utf8[0] = (char)byte;
    e->utf8_need = byte >= 0xc2 && byte <= 0xdf   ? 2
                   : byte >= 0xe0 && byte <= 0xef ? 3
                   : byte >= 0xf0 && byte <= 0xf4 ? 4
                                                  : 0;
    return true;
}

static enum editor_event enter(struct line_editor *e, const char **line)
{
    bool too_long = e->overflow;
    e->cursor = e->len;
    refresh(e);
    emit_str(e, "\r\n");
    if (!too_long) {
        history_add(e);
    }
    memcpy(e->entered, e->line, e->len + 1);
    *line = e->entered;
    clear_line(e);
    return too_long ? EDITOR_TOO_LONG : EDITOR_LINE;
}

enum editor_event editor_feed(struct line_editor *e, uint8_t byte, const char **line)
{
    bool after_cr = e->after_cr;
    e->after_cr = false;
    if ((e->esc != ESC_NONE && in_sequence(e, byte)) || in_utf8(e, byte)) {
        return EDITOR_NONE;
    }
    if (byte >= 0x20 && byte < 0x7f) {
        char c = (char)byte;
        insert(e, &c, 1);
        return EDITOR_NONE;
    }
    switch (byte) {
    case '\r':
        e->after_cr = true;
        return enter(e, line);
    case '\n':
        return after_cr ? EDITOR_NONE : enter(e, line);
    case 0x1b:
        e->esc = ESC_START;
        break;
    case 0x01:
        key(e, KEY_HOME);
        break;
    case 0x05:
        key(e, KEY_END);
        break;
    case 0x02:
        key(e, KEY_LEFT);
        break;
    case 0x06:
        key(e, KEY_RIGHT);
        break;
    case 0x10:
        key(e, KEY_UP);
        break;
    case 0x0e:
        key(e, KEY_DOWN);
        break;
    case 0x04:
        key(e, KEY_DELETE);
        break;
    case 0x08:
    case 0x7f:
        key(e, KEY_BACKSPACE);
        break;
    case 0x15:
        erase(e, 0, e->cursor);
        break;
    case 0x0b:
        erase(e, e->cursor, e->len);
        break;
    case 0x0c:
        refresh(e);
        break;
    case 0x03:
        emit_str(e, "^C\r\n");
        clear_line(e);
        return EDITOR_CANCEL;
    default:
        break; /* other control bytes mean nothing here */
    }
    return EDITOR_NONE;
}
