/*
 * The ring of a child's recent log lines (log_ring.h).
 */
#include "log_ring.h"
#include <rt/rt.h>
#include <rt/utf8.h>

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
    size_t max = cut ? LOG_RING_LINE_MAX - 3 : len, n = 0;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_printable_len((const unsigned char *)text + i, len - i);
        if (n + (k ? k : 1) > max) {
            break; /* not in the middle of a character */
        }
        if (k) {
            memcpy(out + n, text + i, k);
        } else {
            out[n] = '?';
        }
        n += k ? k : 1;
        i += k ? k : 1;
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
