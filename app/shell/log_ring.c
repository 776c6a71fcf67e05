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

/* The length of the well-formed UTF-8 character of a printable code
 * point at s, or 0: C0 and C1 controls, DEL, overlong forms (c0 9b is
 * ESC), stray bytes and code points beyond U+10FFFF are none. What is
 * none becomes '?', so a child's line cannot steer the terminal that
 * `log` prints it on (a serial terminal takes c2 9b as CSI). */
static size_t char_len(const unsigned char *s, size_t left)
{
    static const uint32_t least[5] = {0x20, 0x20, 0xa0, 0x800, 0x10000};
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xe0) == 0xc0 ? 2
               : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    if (!n || n > left) {
        return 0;
    }
    uint32_t cp = n == 1 ? s[0] : s[0] & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (s[i] & 0x3f);
    }
    return cp >= least[n] && cp != 0x7f && cp <= 0x10ffff ? n : 0;
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
        size_t k = char_len((const unsigned char *)text + i, len - i);
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
