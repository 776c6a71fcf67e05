/*
 * The ring of a child's recent log lines (log_ring.h).
 */
#include "log_ring.h"
#include <rt/rt.h>

void log_ring_clear(struct log_ring *r)
{
    r->first = r->count = 0;
    r->lost = 0;
}

static void add_line(struct log_ring *r, const char *text, size_t len)
{
    char *out;
    if (r->count == LOG_RING_LINES) {
        out = r->line[r->first];
        r->first = (r->first + 1) % LOG_RING_LINES;
        r->lost++;
    } else {
        out = r->line[(r->first + r->count++) % LOG_RING_LINES];
    }
    bool cut = len > LOG_RING_LINE_MAX;
    size_t n = cut ? LOG_RING_LINE_MAX - 3 : len;
    while (cut && n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80) {
        n--; /* not in the middle of a UTF-8 character */
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (cut) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = 0;
}

unsigned log_ring_add(struct log_ring *r, const char *text, size_t len)
{
    size_t start = 0;
    unsigned lines = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            add_line(r, text + start, i - start);
            start = i + 1;
            lines++;
        }
    }
    if (start < len) {
        add_line(r, text + start, len - start);
        lines++;
    }
    return lines;
}

const char *log_ring_line(const struct log_ring *r, unsigned i)
{
    return i < r->count ? r->line[(r->first + i) % LOG_RING_LINES] : NULL;
}
