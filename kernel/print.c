/*
 * Kernel console: a tiny printf onto the serial port and the screen
 * (screen_console.c), plus panic() and the few string helpers the
 * freestanding kernel needs.
 */
#include "kernel.h"
#include "arch/x86_64/arch.h"
#include "screen_console.h"

static void console_putc(char c)
{
    if (c == '\n') {
        serial_putc('\r');
    }
    serial_putc(c);
    screen_console_putc(c);
}

void kputs_n(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        console_putc(s[i]);
    }
}

bool klog_take(const char *s, size_t n)
{
    if (!serial_log_take(s, n)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        screen_console_putc(s[i]);
    }
    return true;
}

static void put_num(uint64_t v, unsigned base, int width, char pad, bool neg)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        buf[n++] = '-';
    }
    while (n < width) {
        buf[n++] = pad;
    }
    while (n) {
        console_putc(buf[--n]);
    }
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            kputs_n(fmt, 1);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') {
            pad = '0';
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            kputs_n(s ? s : "(null)", strlen(s ? s : "(null)"));
            break;
        }
        case 'c':
            console_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad, false);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad, false);
            break;
        case 'p':
            kputs_n("0x", 2);
            put_num((uint64_t)va_arg(ap, void *), 16, 16, '0', false);
            break;
        case '%':
            console_putc('%');
            break;
        default:
            console_putc('?');
            break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    screen_console_reclaim(); /* a PC without serial: the panic on screen */
    serial_flush_sync();      /* what the log queued, then this, polled */
    kprintf("\nKERNEL PANIC: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    halt_forever();
}

static const char *const err_names[] = {
#define ERROR(NAME, text) [ERR_##NAME] = #NAME,
#include <arbor/errors.def>
#undef ERROR
};

const char *err_name(err_t e)
{
    return (unsigned)e < ERR_COUNT ? err_names[e] : "?";
}
