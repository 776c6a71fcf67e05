/*
 * The pure part of drivers/uart: Enter from a serial terminal ('\r', or
 * CR LF) reads as '\n', also when CR and LF arrive in different reads;
 * '\n' written goes out as "\r\n", and output stops whole where the
 * buffer ends.
 */
#include "unit.h"
#include "../drivers/uart/line.h"
#include <string.h>

static size_t in(const char *text, char *buf, bool *cr)
{
    size_t n = strlen(text);
    memcpy(buf, text, n);
    return line_input(buf, n, cr);
}

TEST(enter_reads_as_newline)
{
    char buf[32];
    bool cr = false;
    EXPECT(in("ls\r", buf, &cr) == 3 && !memcmp(buf, "ls\n", 3) && cr);
    EXPECT(in("a\r\nb\n", buf, &cr) == 4 && !memcmp(buf, "a\nb\n", 4) && !cr);
    EXPECT(in("\r\r", buf, &cr) == 2 && !memcmp(buf, "\n\n", 2));
}

TEST(crlf_split_across_reads_gives_one_enter)
{
    char buf[8];
    bool cr = false;
    EXPECT(in("x\r", buf, &cr) == 2 && buf[1] == '\n');
    EXPECT(in("\ny", buf, &cr) == 1 && buf[0] == 'y');
    EXPECT(in("\n", buf, &cr) == 1 && buf[0] == '\n'); /* a lone LF is Enter too */
}

TEST(newline_goes_out_as_crlf)
{
    char out[16];
    size_t used = 0;
    EXPECT(line_output("ab\ncd", 5, &used, out, sizeof(out)) == 6 && used == 5 &&
           !memcmp(out, "ab\r\ncd", 6));
}

TEST(output_stops_before_a_pair_that_does_not_fit)
{
    char out[3];
    size_t used = 0;
    EXPECT(line_output("ab\nc", 4, &used, out, sizeof(out)) == 2 && used == 2);
    EXPECT(line_output("ab\nc", 4, &used, out, sizeof(out)) == 3 && used == 4 && !memcmp(out, "\r\nc", 3));
}
