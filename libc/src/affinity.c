/*
 * Affinity spaces and locations (rt/affinity.h): the text form of the
 * session argument and the two transformations Genode applies on a
 * session's way to core.
 */
#include <rt/affinity.h>
#include <stdint.h>

/* A decimal number of at most 5 digits at *p, then the byte sep. */
static bool number(const char **p, char sep, unsigned *out)
{
    unsigned v = 0, digits = 0;
    for (; **p >= '0' && **p <= '9' && digits < 6; (*p)++, digits++) {
        v = v * 10 + (unsigned)(**p - '0');
    }
    if (!digits || digits > 5 || **p != sep) {
        return false;
    }
    if (sep) {
        (*p)++;
    }
    *out = v;
    return true;
}

static bool valid(const struct affinity *a)
{
    return a->space_w && a->space_h && (uint64_t)a->space_w * a->space_h <= AFFINITY_SPACE_MAX && a->w &&
           a->h && (uint64_t)a->x + a->w <= a->space_w && (uint64_t)a->y + a->h <= a->space_h;
}

bool affinity_parse(const char *text, struct affinity *out)
{
    struct affinity a;
    const char *p = text;
    if (!number(&p, ',', &a.x) || !number(&p, ' ', &a.y) || !number(&p, 'x', &a.w) ||
        !number(&p, ' ', &a.h) || p[0] != 'o' || p[1] != 'f' || p[2] != ' ') {
        return false;
    }
    p += 3;
    if (!number(&p, 'x', &a.space_w) || !number(&p, '\0', &a.space_h) || !valid(&a)) {
        return false;
    }
    *out = a;
    return true;
}

/* Append v in decimal and then the text after at out[*n]; false if full. */
static bool put(char *out, unsigned cap, unsigned *n, unsigned v, const char *after)
{
    char digits[10];
    unsigned k = 0;
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k) {
        if (*n + 1 >= cap) {
            return false;
        }
        out[(*n)++] = digits[--k];
    }
    for (; *after; after++) {
        if (*n + 1 >= cap) {
            return false;
        }
        out[(*n)++] = *after;
    }
    out[*n] = 0;
    return true;
}

bool affinity_format(const struct affinity *a, char *out, unsigned cap)
{
    unsigned n = 0;
    return cap && put(out, cap, &n, a->x, ",") && put(out, cap, &n, a->y, " ") &&
           put(out, cap, &n, a->w, "x") && put(out, cap, &n, a->h, " of ") &&
           put(out, cap, &n, a->space_w, "x") && put(out, cap, &n, a->space_h, "");
}

/* One axis of scale_to: [pos, pos + len) of from onto to, at least 1. */
static void scale_axis(unsigned pos, unsigned len, unsigned from, unsigned to, unsigned *npos, unsigned *nlen)
{
    uint64_t a = (uint64_t)pos * to / from, b = (uint64_t)(pos + len) * to / from;
    if (a >= to) {
        a = to - 1;
    }
    if (b > to) {
        b = to;
    }
    *npos = (unsigned)a;
    *nlen = b > a ? (unsigned)(b - a) : 1;
}

struct affinity affinity_scale_to(const struct affinity *a, unsigned sw, unsigned sh)
{
    struct affinity r = {.space_w = sw ? sw : 1, .space_h = sh ? sh : 1};
    scale_axis(a->x, a->w, a->space_w, r.space_w, &r.x, &r.w);
    scale_axis(a->y, a->h, a->space_h, r.space_h, &r.y, &r.h);
    return r;
}

struct affinity affinity_filter(const struct affinity *child, const struct affinity *asked)
{
    if (!asked) {
        return *child;
    }
    uint64_t sw = (uint64_t)child->space_w * asked->space_w, sh = (uint64_t)child->space_h * asked->space_h;
    if (sw * sh > AFFINITY_SPACE_MAX) {
        return *child;
    }
    struct affinity r = {
        .space_w = (unsigned)sw,
        .space_h = (unsigned)sh,
        .x = child->x * asked->space_w + asked->x * child->w,
        .y = child->y * asked->space_h + asked->y * child->h,
        .w = asked->w * child->w,
        .h = asked->h * child->h,
    };
    return valid(&r) ? r : *child;
}
