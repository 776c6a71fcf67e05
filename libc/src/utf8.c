/*
 * UTF-8 checks (rt/utf8.h).
 */
#include <rt/utf8.h>
#include <stdint.h>

size_t utf8_printable_len(const unsigned char *s, size_t left)
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
