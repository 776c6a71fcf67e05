/*
 * fb_paint: a client of the Framebuffer and Event sessions, without a
 * terminal between. Fills its part of the screen with <config
 * color=".."/> (0x00RRGGBB, default 0x0000aa) and, on a VGA text
 * screen, writes its name into the first cells (white on blue); then
 * logs each key press the Event session delivers (code and the
 * character of the session's keymap) until <config presses=".."/>
 * (default 3) came, and exits with 0. Exit value 1: no session, no
 * back buffer, a format it does not know, or a failed refresh.
 */
#include <rt/component.h>
#include <session/framebuffer.h>
#include <session/event.h>

int main(uint64_t arg)
{
    (void)arg;
    uint64_t color = 0x0000aa, presses = 3;
    uint64_t fb_id, ev_id, w, h, stride, format, size;
    cap_t fb, ev, ds;
    void *pixels;
    struct xml_node config;
    struct xml_error err;
    status_t st;

    if (rt_config(&config, &err) != RPC_OK ||
        (xml_has_attr(&config, "color") && !xml_attr_u64(&config, "color", &color)) ||
        (xml_has_attr(&config, "presses") && !xml_attr_u64(&config, "presses", &presses))) {
        printf("bad config\n");
        return 1;
    }
    st = framebuffer_session("", &fb, &fb_id); /* pays for the back buffer on its second try */
    if (st == RPC_OK) {
        st = framebuffer_mode(fb, &w, &h, &stride, &format);
    }
    if (st == RPC_OK) {
        st = framebuffer_dataspace(fb, &ds, &size);
    }
    if (st == RPC_OK) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &pixels);
    }
    if (st != RPC_OK) {
        printf("no framebuffer: %s\n", status_text(st));
        return 1;
    }
    printf("mode %lux%lu, stride %lu, %s, back buffer %lu KiB\n", w, h, stride,
           format == FRAMEBUFFER_RGB32 ? "RGB32" : format == FRAMEBUFFER_TEXT ? "VGA text" : "unknown",
           size >> 10);
    if (format == FRAMEBUFFER_RGB32) {
        for (uint64_t y = 0; y < h; y++) {
            uint32_t *row = (uint32_t *)pixels + y * stride;
            for (uint64_t x = 0; x < w; x++) {
                row[x] = (uint32_t)color;
            }
        }
    } else if (format == FRAMEBUFFER_TEXT) {
        static const char name[] = "fb_paint";
        for (uint64_t y = 0; y < h; y++) {
            uint16_t *row = (uint16_t *)pixels + y * stride;
            for (uint64_t x = 0; x < w; x++) {
                char c = y == 0 && x < sizeof(name) - 1 ? name[x] : ' ';
                row[x] = (uint16_t)(0x1f << 8 | (uint8_t)c); /* white on blue */
            }
        }
    } else {
        printf("format %lu: not one I know\n", format);
        return 1;
    }
    if ((st = framebuffer_refresh(fb, 0, 0, w, h)) != RPC_OK) {
        printf("refresh: %s\n", status_text(st));
        return 1;
    }
    printf("painted\n");

    st = event_session("", &ev, &ev_id);
    if (st != RPC_OK) {
        printf("no Event session: %s\n", status_text(st));
        return 1;
    }
    for (uint64_t n = 0; n < presses;) {
        uint64_t type, code, ch, rx, ry, lost;
        st = event_next(ev, &type, &code, &ch, &rx, &ry, &lost); /* blocks until an event */
        if (st != RPC_OK) {
            printf("event: %s\n", status_text(st));
            return 1;
        }
        if (type == EVENT_PRESS) {
            n++;
            if (ch >= 0x20 && ch < 0x7f) {
                printf("press %lu: code %lu, character '%c'\n", n, code, (int)ch);
            } else {
                printf("press %lu: code %lu, character U+%04lx\n", n, code, ch);
            }
        }
    }
    parent_close(ENV_PARENT, ev_id, NULL, NULL);
    parent_close(ENV_PARENT, fb_id, NULL, NULL);
    return 0;
}
