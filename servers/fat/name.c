/*
 * Names: long names are UTF-16 on the disk and UTF-8 at the session;
 * short (8.3) names are upper-case ASCII, shown lower case where the
 * entry's case bits say so (as Linux and Windows do), and generated for
 * a long name as its basis with a ~N tail when the basis lost anything
 * or is taken (dir.c finds the first N no entry of the directory has).
 * Names compare without regard to ASCII case, as FAT's do.
 */
#include "fat.h"

uint8_t fat_checksum(const uint8_t short_name[11])
{
    uint8_t sum = 0;
    for (unsigned i = 0; i < 11; i++) {
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + short_name[i]);
    }
    return sum;
}

static bool strchr_ascii(const char *set, char c)
{
    for (; *set; set++) {
        if (*set == c) {
            return true;
        }
    }
    return false;
}

static bool forbidden(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c < 0x80 && strchr_ascii("\\/:*?\"<>|", (char)c));
}

enum fat_status fat_name_utf16(const char *name, size_t len, uint16_t *out, unsigned *units)
{
    const uint8_t *s = (const uint8_t *)name;
    unsigned n = 0;
    if (len == 0 || name[len - 1] == '.' || name[len - 1] == ' ') {
        return FAT_INVAL;
    }
    for (size_t i = 0; i < len;) {
        uint32_t c = s[i], more, min;
        if (c < 0x80) {
            more = 0, min = 0;
        } else if ((c & 0xe0) == 0xc0) {
            c &= 0x1f, more = 1, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            c &= 0x0f, more = 2, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            c &= 0x07, more = 3, min = 0x10000;
        } else {
            return FAT_INVAL;
        }
        for (uint32_t k = 1; k <= more; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80) {
                return FAT_INVAL;
            }
            c = c << 6 | (s[i + k] & 0x3f);
        }
        i += more + 1;
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000) || forbidden(c)) {
            return FAT_INVAL;
        }
        if (n + (c >= 0x10000 ? 2 : 1) > FAT_NAME_MAX) {
            return FAT_NAMETOOLONG;
        }
        if (c >= 0x10000) {
            c -= 0x10000;
            out[n++] = (uint16_t)(0xd800 | c >> 10);
            out[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
        } else {
            out[n++] = (uint16_t)c;
        }
    }
    *units = n;
    return FAT_OK;
}

bool fat_utf16_name(const uint16_t *in, unsigned units, char *out, size_t size)
{
    size_t at = 0;
    for (unsigned i = 0; i < units; i++) {
        uint32_t c = in[i];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < units && in[i + 1] >= 0xdc00 && in[i + 1] < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (in[++i] - 0xdc00);
        } else if (c >= 0xd800 && c < 0xe000) {
            c = '?'; /* half a pair */
        }
        uint8_t b[4];
        size_t k;
        if (c < 0x80) {
            b[0] = (uint8_t)c, k = 1;
        } else if (c < 0x800) {
            b[0] = (uint8_t)(0xc0 | c >> 6), b[1] = (uint8_t)(0x80 | (c & 0x3f)), k = 2;
        } else if (c < 0x10000) {
            b[0] = (uint8_t)(0xe0 | c >> 12), b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
            b[2] = (uint8_t)(0x80 | (c & 0x3f)), k = 3;
        } else {
            b[0] = (uint8_t)(0xf0 | c >> 18), b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
            b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f)), b[3] = (uint8_t)(0x80 | (c & 0x3f)), k = 4;
        }
        if (at + k >= size) {
            return false;
        }
        memcpy(out + at, b, k);
        at += k;
    }
    out[at] = 0;
    return true;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static uint32_t fold(uint32_t c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

void fat_short_text(const struct fat_dirent *d, char out[13])
{
    unsigned n = 0, base = 8, ext = 3;
    while (base && d->name[base - 1] == ' ') {
        base--;
    }
    while (ext && d->name[8 + ext - 1] == ' ') {
        ext--;
    }
    for (unsigned i = 0; i < base; i++) {
        uint8_t c = i == 0 && d->name[0] == 0x05 ? 0xe5 : d->name[i];
        c = c >= 0x80 ? '?' : c;
        out[n++] = d->nt_case & 0x08 ? lower((char)c) : (char)c;
    }
    if (ext) {
        out[n++] = '.';
    }
    for (unsigned i = 0; i < ext; i++) {
        uint8_t c = d->name[8 + i] >= 0x80 ? '?' : d->name[8 + i];
        out[n++] = d->nt_case & 0x10 ? lower((char)c) : (char)c;
    }
    out[n] = 0;
}

/* A character a short name may hold (upper case). */
static bool short_char(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c < 0x80 && c > 0x20 && strchr_ascii("!#$%&'()-@^_`{}~", (char)c));
}

bool fat_short_exact(const char *name, size_t len, uint8_t raw[11], uint8_t *nt_case)
{
    size_t dot = len;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '.') {
            if (dot != len) {
                return false;
            }
            dot = i;
        }
    }
    size_t ext = dot < len ? len - dot - 1 : 0;
    if (dot == 0 || dot > 8 || (dot < len && (ext == 0 || ext > 3))) {
        return false;
    }
    memset(raw, ' ', 11);
    *nt_case = 0;
    for (unsigned part = 0; part < 2; part++) {
        size_t from = part ? dot + 1 : 0, to = part ? len : dot;
        bool upper = false, low = false;
        for (size_t i = from; i < to; i++) {
            char c = name[i];
            upper |= c >= 'A' && c <= 'Z';
            low |= c >= 'a' && c <= 'z';
            if (!short_char(fold((uint8_t)c))) {
                return false;
            }
            raw[part ? 8 + i - from : i] = (uint8_t)fold((uint8_t)c);
        }
        if (upper && low) {
            return false;
        }
        *nt_case |= low ? (part ? 0x10 : 0x08) : 0;
    }
    return raw[0] != 0xe5 && raw[0] != ' ';
}

bool fat_short_basis(const uint16_t *name, unsigned units, uint8_t raw[11])
{
    bool lossy = false;
    unsigned start = 0, last_dot = units, base = 0, ext = 0;
    memset(raw, ' ', 11);
    while (start < units && name[start] == '.') {
        start++;
        lossy = true;
    }
    for (unsigned i = start; i < units; i++) {
        if (name[i] == '.') {
            last_dot = i;
        }
    }
    for (unsigned i = start; i < units; i++) {
        uint32_t c = fold(name[i]);
        if (c == ' ' || (c == '.' && i != last_dot)) {
            lossy = true;
            continue;
        }
        if (i == last_dot) {
            continue;
        }
        if (!short_char(c)) {
            c = '_';
            lossy = true;
        }
        if (i < last_dot) {
            if (base < 8) {
                raw[base++] = (uint8_t)c;
            } else {
                lossy = true;
            }
        } else if (ext < 3) {
            raw[8 + ext++] = (uint8_t)c;
        } else {
            lossy = true;
        }
    }
    if (base == 0) {
        raw[0] = '_';
        lossy = true;
    }
    return lossy;
}

void fat_short_tail(uint8_t raw[11], unsigned n)
{
    char tail[12];
    unsigned len = 0, base = 8;
    for (unsigned v = n; v; v /= 10) {
        len++;
    }
    tail[0] = '~';
    for (unsigned i = len, v = n; i; i--, v /= 10) {
        tail[i] = (char)('0' + v % 10);
    }
    len++;
    while (base && raw[base - 1] == ' ') {
        base--;
    }
    unsigned at = base + len > 8 ? 8 - len : base;
    memcpy(raw + at, tail, len);
    for (unsigned i = at + len; i < 8; i++) {
        raw[i] = ' ';
    }
}

bool fat_name_equal(const uint16_t *a, unsigned an, const uint16_t *b, unsigned bn)
{
    if (an != bn) {
        return false;
    }
    for (unsigned i = 0; i < an; i++) {
        if (fold(a[i]) != fold(b[i])) {
            return false;
        }
    }
    return true;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = y / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

uint32_t fat_unix_time(uint16_t date, uint16_t time)
{
    unsigned month = (date >> 5) & 15, day = date & 31;
    month = month < 1 || month > 12 ? 1 : month;
    day = day ? day : 1;
    int64_t days = days_from_civil(1980 + (date >> 9), month, day);
    return (uint32_t)(days * 86400 + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2);
}
