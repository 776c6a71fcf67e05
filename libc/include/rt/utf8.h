/*
 * UTF-8 for text that a component passes on to a terminal on someone
 * else's behalf (app/shell's child logs, servers/log_terminal).
 */
#ifndef RT_UTF8_H
#define RT_UTF8_H

#include <stddef.h>

/* The length of the well-formed UTF-8 character of a printable code
 * point at s (at most left bytes), or 0: C0 and C1 controls, DEL,
 * overlong forms (c0 9b would be ESC), stray or missing continuation
 * bytes and code points beyond U+10FFFF are no character. A caller that
 * replaces what is none (by '?') passes on no control, and each byte
 * sequence it keeps is one character on screen. */
size_t utf8_printable_len(const unsigned char *s, size_t left);

#endif
