/*
 * What Enter and a newline become on a serial line (pure code, tested by
 * unit/uart_line.c). A serial terminal sends '\r' for Enter and needs
 * "\r\n" to start a new line; a Terminal client reads '\n' for Enter and
 * writes '\n', as it would on servers/terminal (terminal.def).
 */
#include "line.h"

size_t line_input(char *buf, size_t n, bool *cr)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        bool after_cr = *cr;
        *cr = c == '\r';
        if (c == '\n' && after_cr) {
            continue; /* the LF of a CR LF: Enter was delivered already */
        }
        buf[out++] = c == '\r' ? '\n' : c;
    }
    return out;
}

size_t line_output(const char *in, size_t n, size_t *used, char *out, size_t out_size)
{
    size_t o = 0;
    while (*used < n) {
        char c = in[*used];
        size_t need = c == '\n' ? 2 : 1;
        if (o + need > out_size) {
            break;
        }
        if (c == '\n') {
            out[o++] = '\r';
        }
        out[o++] = c;
        (*used)++;
    }
    return o;
}
