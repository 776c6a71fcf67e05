/*
 * The byte stream a client writes, interpreted (see vt.h): UTF-8 into
 * code points (a malformed or overlong sequence becomes U+FFFD), C0 controls, and
 * the VT100/ANSI escape sequences of docs/drivers.md — cursor motion,
 * erase, SGR colours and attributes, scrolling region, insert/delete,
 * save/restore, cursor visibility, the cursor position report. Anything
 * else is consumed and ignored; no input can move the cursor off the
 * grid (every position is clamped in vt_move).
 */
#include "vt.h"

static unsigned param(const struct vt *v, unsigned i, unsigned dflt)
{
    return i < v->params && v->param[i] ? v->param[i] : dflt;
}

static void sgr(struct vt *v)
{
    for (unsigned i = 0; i < (v->params ? v->params : 1); i++) {
        unsigned p = i < v->params ? v->param[i] : 0;
        if (p == 0) {
            v->pen = (struct vt_cell){.ch = ' ', .fg = VT_DEFAULT_FG, .bg = VT_DEFAULT_BG};
        } else if (p == 1) {
            v->pen.attr |= VT_BOLD;
        } else if (p == 4) {
            v->pen.attr |= VT_UNDERLINE;
        } else if (p == 7) {
            v->pen.attr |= VT_REVERSE;
        } else if (p == 22) {
            v->pen.attr &= (uint8_t)~VT_BOLD;
        } else if (p == 24) {
            v->pen.attr &= (uint8_t)~VT_UNDERLINE;
        } else if (p == 27) {
            v->pen.attr &= (uint8_t)~VT_REVERSE;
        } else if (p >= 30 && p <= 37) {
            v->pen.fg = (uint8_t)(p - 30);
        } else if (p == 39) {
            v->pen.fg = VT_DEFAULT_FG;
        } else if (p >= 40 && p <= 47) {
            v->pen.bg = (uint8_t)(p - 40);
        } else if (p == 49) {
            v->pen.bg = VT_DEFAULT_BG;
        } else if (p >= 90 && p <= 97) {
            v->pen.fg = (uint8_t)(p - 90 + 8);
        } else if (p >= 100 && p <= 107) {
            v->pen.bg = (uint8_t)(p - 100 + 8);
        }
    }
}

static void erase_display(struct vt *v, unsigned how)
{
    unsigned from = how == 0 ? v->y + 1 : 0, to = how == 1 ? v->y : v->rows;
    if (how == 0) {
        vt_erase(v, v->y, v->x, v->cols);
    } else if (how == 1) {
        vt_erase(v, v->y, 0, v->x + 1);
    }
    for (unsigned y = from; y < to; y++) {
        vt_erase(v, y, 0, v->cols);
    }
}

static void report_position(struct vt *v)
{
    unsigned x = v->x + 1, y = v->y + 1;
    char buf[24];
    unsigned n = 0, digits[2] = {y, x};
    buf[n++] = 0x1b;
    buf[n++] = '[';
    for (unsigned k = 0; k < 2; k++) {
        char tmp[8];
        unsigned t = 0, d = digits[k];
        do {
            tmp[t++] = (char)('0' + d % 10);
            d /= 10;
        } while (d);
        while (t) {
            buf[n++] = tmp[--t];
        }
        buf[n++] = k ? 'R' : ';';
    }
    if (v->reply_len + n <= sizeof(v->reply)) {
        for (unsigned i = 0; i < n; i++) {
            v->reply[v->reply_len++] = buf[i];
        }
    }
}

static void private_mode(struct vt *v, char final)
{
    if (param(v, 0, 0) == 25 && (final == 'h' || final == 'l')) {
        v->cursor_visible = final == 'h';
    }
}

static void csi(struct vt *v, char final)
{
    unsigned n = param(v, 0, 1);
    if (v->private_mode) {
        private_mode(v, final);
        return;
    }
    switch (final) {
    case 'A':
        vt_move(v, v->x, v->y > n ? v->y - n : 0);
        break;
    case 'B':
        vt_move(v, v->x, v->y + n);
        break;
    case 'C':
        vt_move(v, v->x + n, v->y);
        break;
    case 'D':
        vt_move(v, v->x > n ? v->x - n : 0, v->y);
        break;
    case 'E':
        vt_move(v, 0, v->y + n);
        break;
    case 'F':
        vt_move(v, 0, v->y > n ? v->y - n : 0);
        break;
    case 'G':
        vt_move(v, n - 1, v->y);
        break;
    case 'd':
        vt_move(v, v->x, n - 1);
        break;
    case 'H':
    case 'f':
        vt_move(v, param(v, 1, 1) - 1, n - 1);
        break;
    case 'J':
        erase_display(v, param(v, 0, 0));
        break;
    case 'K': {
        unsigned how = param(v, 0, 0);
        vt_erase(v, v->y, how == 0 ? v->x : 0, how == 1 ? v->x + 1 : v->cols);
        break;
    }
    case 'X':
        vt_erase(v, v->y, v->x, v->x + (n < v->cols ? n : v->cols));
        break;
    case 'L':
        vt_insert_lines(v, n);
        break;
    case 'M':
        vt_delete_lines(v, n);
        break;
    case '@':
        vt_insert_chars(v, n);
        break;
    case 'P':
        vt_delete_chars(v, n);
        break;
    case 'S':
        vt_scroll_up(v, n);
        break;
    case 'T':
        vt_scroll_down(v, n);
        break;
    case 'm':
        sgr(v);
        break;
    case 's':
        v->saved_x = v->x, v->saved_y = v->y, v->saved_pen = v->pen;
        break;
    case 'u':
        vt_move(v, v->saved_x, v->saved_y), v->pen = v->saved_pen;
        break;
    case 'n':
        if (param(v, 0, 0) == 6) {
            report_position(v);
        }
        break;
    case 'r': {
        unsigned top = param(v, 0, 1) - 1, bottom = param(v, 1, v->rows) - 1;
        if (top < bottom && bottom < v->rows) {
            v->top = top;
            v->bottom = bottom;
            vt_move(v, 0, 0);
        }
        break;
    }
    }
}

static void escape(struct vt *v, uint8_t b)
{
    v->state = VT_GROUND;
    switch (b) {
    case '[':
        v->state = VT_CSI;
        v->params = 0;
        v->param[0] = 0;
        v->private_mode = false;
        break;
    case ']':
        v->state = VT_OSC;
        break;
    case '(':
    case ')':
        v->state = VT_CHARSET;
        break;
    case '7':
        v->saved_x = v->x, v->saved_y = v->y, v->saved_pen = v->pen;
        break;
    case '8':
        vt_move(v, v->saved_x, v->saved_y), v->pen = v->saved_pen;
        break;
    case 'c':
        vt_reset(v);
        break;
    case 'D':
        vt_newline(v);
        break;
    case 'E':
        vt_move(v, 0, v->y), vt_newline(v);
        break;
    case 'M':
        if (v->y == v->top) {
            vt_scroll_down(v, 1);
        } else {
            vt_move(v, v->x, v->y ? v->y - 1 : 0);
        }
        break;
    }
}

static void csi_byte(struct vt *v, uint8_t b)
{
    if (b >= '0' && b <= '9') {
        if (!v->params) {
            v->params = 1;
        }
        unsigned *p = &v->param[v->params - 1];
        *p = *p > 9999 ? 9999 : *p * 10 + (b - '0'); /* absurd numbers are clamped, never overflow */
    } else if (b == ';') {
        if (!v->params) {
            v->params = 1;
        }
        if (v->params < VT_PARAMS) {
            v->param[v->params++] = 0;
        }
    } else if (b == '?' && !v->params) {
        v->private_mode = true;
    } else if (b >= 0x40 && b <= 0x7e) {
        v->state = VT_GROUND;
        csi(v, (char)b);
    } else if (b < 0x20 || b > 0x7e) {
        v->state = VT_GROUND; /* a broken sequence ends */
    }
}

static void control(struct vt *v, uint8_t b)
{
    switch (b) {
    case '\r':
        vt_move(v, 0, v->y);
        break;
    case '\n':
    case '\v':
    case '\f':
        vt_move(v, 0, v->y); /* newline mode: a client's "\n" starts a line, as a tty's onlcr does */
        vt_newline(v);
        break;
    case '\b':
        vt_move(v, v->x ? v->x - 1 : 0, v->y);
        break;
    case '\t':
        vt_move(v, (v->x / 8 + 1) * 8, v->y);
        break;
    case 0x1b:
        v->state = VT_ESC;
        break;
    }
}

/* One code point of text, or a control. */
static void text(struct vt *v, uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7f) {
        control(v, (uint8_t)cp);
    } else if (cp < 0x80 || cp >= 0xa0) {
        vt_put(v, cp);
    }
}

static void utf8(struct vt *v, uint8_t b)
{
    if (v->utf8_left && (b & 0xc0) == 0x80) {
        v->utf8_cp = v->utf8_cp << 6 | (b & 0x3f);
        if (!--v->utf8_left) {
            /* an overlong form (c0 9b for ESC) is no way to a control */
            bool bad = v->utf8_cp > 0x10ffff || v->utf8_cp < v->utf8_min;
            text(v, bad ? 0xfffd : v->utf8_cp);
        }
        return;
    }
    if (v->utf8_left) {
        v->utf8_left = 0;
        text(v, 0xfffd); /* a sequence cut short */
    }
    if (b < 0x80) {
        text(v, b);
    } else if ((b & 0xe0) == 0xc0) {
        v->utf8_cp = b & 0x1f, v->utf8_left = 1, v->utf8_min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        v->utf8_cp = b & 0x0f, v->utf8_left = 2, v->utf8_min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        v->utf8_cp = b & 0x07, v->utf8_left = 3, v->utf8_min = 0x10000;
    } else {
        text(v, 0xfffd);
    }
}

void vt_write(struct vt *v, const uint8_t *bytes, size_t n)
{
    if (v->view) {
        v->view = 0;
        v->view_moved = true;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t b = bytes[i];
        switch (v->state) {
        case VT_GROUND:
            utf8(v, b);
            break;
        case VT_ESC:
            escape(v, b);
            break;
        case VT_CSI:
            csi_byte(v, b);
            break;
        case VT_OSC:
            v->state = b == 0x07 ? VT_GROUND : b == 0x1b ? VT_OSC_ESC : VT_OSC;
            break;
        case VT_OSC_ESC:
            v->state = b == '\\' ? VT_GROUND : VT_OSC;
            break;
        case VT_CHARSET:
            v->state = VT_GROUND;
            break;
        }
    }
}
