/*
 * Fuzz target: libc/posix/line_edit.c, the line discipline of a POSIX
 * program's <terminal edit="yes"/>: every byte typed on its terminal.
 * Bytes are keys; a key right after a finished line takes the line in
 * reads of 1..16 bytes (from the key). Invariants, after every key:
 * - the echo of one key is at most LINE_EDIT_KEY_ECHO_MAX bytes (ASan
 *   checks the buffer of exactly that size);
 * - len <= LINE_EDIT_MAX (its last byte the Enter of a full line), taken <= len;
 * - a finished line read out gives back exactly len bytes, the last '\n'
 *   unless it ended by ^D, and never more than asked.
 */
#include "../libc/posix/line_edit.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct line_edit le;
    memset(&le, 0, sizeof(le));
    for (size_t i = 0; i < size; i++) {
        char *echo = malloc(LINE_EDIT_KEY_ECHO_MAX);
        size_t n = line_edit_key(&le, (char)data[i], echo);
        free(echo);
        if (n > LINE_EDIT_KEY_ECHO_MAX || le.len > LINE_EDIT_MAX || le.taken > le.len) {
            abort();
        }
        if (!line_edit_done(&le)) {
            continue;
        }
        size_t want = le.len - le.taken, got = 0;
        bool eof = le.eof;
        char buf[16];
        for (unsigned k = 0; k < LINE_EDIT_MAX + 2; k++) {
            size_t ask = 1 + (i + k) % sizeof(buf);
            size_t r = line_edit_take(&le, buf, ask);
            if (r > ask) {
                abort();
            }
            got += r;
            if (!line_edit_done(&le) || r == 0) {
                break;
            }
        }
        if (got != want && !(eof && got == 0)) {
            abort();
        }
        if (line_edit_done(&le) && !le.eof) {
            abort(); /* all of it taken: the next line starts */
        }
        if (le.eof) {
            return 0; /* end of input: no more keys */
        }
    }
    return 0;
}
