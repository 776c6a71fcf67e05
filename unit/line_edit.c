/*
 * The line discipline of <terminal edit="yes"/> (libc/posix/line_edit.c):
 * echo, Enter in its three forms, erasing (UTF-8 aware), killing the
 * line, ^D, escape sequences ignored, long lines, reads in pieces.
 */
#include "unit.h"
#include "../libc/posix/line_edit.h"

/* Feed keys until the line is done; the echo and the keys used. */
static size_t feed(struct line_edit *le, const char *keys, char *echo, size_t *used)
{
    size_t n = 0, i = 0;
    for (; keys[i] && !line_edit_done(le); i++) {
        n += line_edit_key(le, keys[i], echo + n);
    }
    echo[n] = 0;
    *used = i;
    return n;
}

static const char *take_all(struct line_edit *le)
{
    static char buf[LINE_EDIT_MAX + 1];
    size_t n = line_edit_take(le, buf, sizeof(buf) - 1);
    buf[n] = 0;
    return buf;
}

TEST(keys_are_echoed_and_enter_ends_the_line)
{
    struct line_edit le = {0};
    char echo[256];
    size_t used;
    feed(&le, "1+2\rnext", echo, &used);
    EXPECT(line_edit_done(&le) && used == 4 && !strcmp(echo, "1+2\n"));
    EXPECT(!strcmp(take_all(&le), "1+2\n") && !line_edit_done(&le));
    /* CR LF is one Enter: the LF does not make an empty line */
    feed(&le, "a\r\nb\n", echo, &used);
    EXPECT(!strcmp(take_all(&le), "a\n"));
    feed(&le, "\nb\n", echo, &used);
    EXPECT(!strcmp(take_all(&le), "b\n") && !strcmp(echo, "b\n"));
}

TEST(erase_and_kill)
{
    struct line_edit le = {0};
    char echo[256];
    size_t used;
    feed(&le,
         "1+5\x7f"
         "2\n",
         echo, &used);
    EXPECT(!strcmp(echo, "1+5\b \b2\n") && !strcmp(take_all(&le), "1+2\n"));
    feed(&le, "h\xc3\xa4\bi\n", echo, &used); /* one backspace takes both bytes of 'ä' */
    EXPECT(!strcmp(take_all(&le), "hi\n"));
    feed(&le, "\x7fgarbage\x15ok\n", echo, &used); /* nothing to erase; ^U kills 7 cells */
    EXPECT(!strcmp(echo, "garbage\x1b[7D\x1b[Kok\n") && !strcmp(take_all(&le), "ok\n"));
}

TEST(control_d_and_escape_sequences)
{
    struct line_edit le = {0};
    char echo[256], buf[8];
    size_t used;
    feed(&le, "\x04", echo, &used);
    EXPECT(line_edit_done(&le) && line_edit_take(&le, buf, sizeof(buf)) == 0 && !line_edit_done(&le));
    feed(&le, "ab\x04", echo, &used); /* ends the line without a newline */
    EXPECT(!strcmp(take_all(&le), "ab"));
    feed(&le, "x\x1b[1;5Dy\x1bOz\x03\x01\n", echo, &used); /* a CSI and an SS3 key, ^C, ^A */
    EXPECT(!strcmp(take_all(&le), "xyz\n") && !strcmp(echo, "xyz\n"));
}

TEST(long_lines_and_reads_in_pieces)
{
    struct line_edit le = {0};
    char echo[LINE_EDIT_MAX * 2 + 8], buf[4];
    size_t used;
    static char keys[LINE_EDIT_MAX + 100];
    memset(keys, 'k', sizeof(keys) - 2);
    keys[sizeof(keys) - 2] = '\n';
    feed(&le, keys, echo, &used);
    EXPECT(line_edit_done(&le) && le.len == LINE_EDIT_MAX);
    size_t total = 0, n;
    while ((n = line_edit_take(&le, buf, sizeof(buf))) > 0) {
        total += n;
        if (n < sizeof(buf)) {
            EXPECT(buf[n - 1] == '\n');
            break;
        }
    }
    EXPECT(total == LINE_EDIT_MAX && !line_edit_done(&le));
}
