/*
 * The recent log lines of one child: a fixed ring of LOG_RING_LINES
 * lines of at most LOG_RING_LINE_MAX bytes, the oldest overwritten. A
 * line is stored as text a terminal can show without harm: control
 * bytes (escape sequences a child might send to the user's terminal)
 * become '?', a longer line is cut and ends in "...". Pure logic
 * (unit/shell.c).
 */
#ifndef SHELL_LOG_RING_H
#define SHELL_LOG_RING_H

#include <stddef.h>

#define LOG_RING_LINES 16
#define LOG_RING_LINE_MAX 120

struct log_ring {
    char line[LOG_RING_LINES][LOG_RING_LINE_MAX + 1];
    unsigned first, count;
    unsigned long lost; /* lines overwritten since the last clear */
};

void log_ring_clear(struct log_ring *r);

/* Add text[0, len) as lines: split at '\n'; a last part without '\n' is
 * a line too, an empty text none. Returns how many lines it added (the
 * last ones of the ring, as many as it holds). */
unsigned log_ring_add(struct log_ring *r, const char *text, size_t len);

/* Line i, the oldest being 0, or NULL beyond the last. */
const char *log_ring_line(const struct log_ring *r, unsigned i);

#endif
