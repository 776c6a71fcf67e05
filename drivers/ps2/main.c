/*
 * ps2: the driver of the i8042 PS/2 controller, its keyboard and its
 * mouse, serving Event sessions (include/session/event.def). It takes
 * the device "ps2" (ports 0x60 and 0x64, IRQ 1 and 12) from the platform
 * driver, sets the controller up (i8042.c), and on each interrupt reads the waiting bytes,
 * decodes them (scancode.c, mouse.c) and posts the events to every
 * session (event_session.c). A controller that is missing or does not
 * answer is logged; the driver then serves sessions that get no events.
 */
#include "ps2.h"
#include <session/platform_device.h>

#define BIT_KEYBOARD 1
#define BIT_MOUSE 2
#define BYTES_PER_SIGNAL 256 /* a stuck controller cannot keep us here */

static void post(struct ps2 *d, uint32_t type, uint32_t code, int32_t rx, int32_t ry)
{
    struct input_event e = {.type = type, .code = code, .rx = rx, .ry = ry};
    sessions_post(d, &e);
}

static void key_byte(struct ps2 *d, uint8_t byte)
{
    unsigned code;
    bool press;
    if (scancode_feed(&d->keys, byte, &code, &press)) {
        keymap_track(&d->mods, code, press);
        post(d, press ? EVENT_PRESS : EVENT_RELEASE, code, 0, 0);
    }
}

static void mouse_byte(struct ps2 *d, uint8_t byte)
{
    static const uint32_t button[3] = {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE};
    struct mouse_report r;
    if (!mouse_feed(&d->mouse, byte, &r)) {
        return;
    }
    if (r.rx || r.ry) {
        post(d, EVENT_MOTION, 0, r.rx, r.ry);
    }
    if (r.wheel) {
        post(d, EVENT_WHEEL, 0, 0, r.wheel);
    }
    for (unsigned i = 0; i < 3; i++) {
        unsigned bit = 1u << i;
        if ((r.buttons ^ d->buttons) & bit) {
            post(d, r.buttons & bit ? EVENT_PRESS : EVENT_RELEASE, button[i], 0, 0);
        }
    }
    d->buttons = r.buttons;
}

/* Read what waits, mouse and keyboard bytes alike (the status says
 * whose), then publish it all at once: one signal per batch. */
static void drain(struct ps2 *d)
{
    uint8_t byte;
    bool aux;
    for (unsigned i = 0; i < BYTES_PER_SIGNAL && i8042_read(&d->hw, &byte, &aux); i++) {
        if (aux) {
            mouse_byte(d, byte);
        } else {
            key_byte(d, byte);
        }
    }
    sessions_flush(d);
}

static void keyboard_irq(void *arg)
{
    struct ps2 *d = arg;
    drain(d);
    sys_irq_ack(d->irq_kbd);
}

static void mouse_irq(void *arg)
{
    struct ps2 *d = arg;
    drain(d);
    sys_irq_ack(d->irq_aux);
}

/* The i8042 from the platform driver: ports 0x60 and 0x64, IRQ 1 and 12
 * (its "ps2" device, in this order). */
static bool open_device(struct ps2 *d)
{
    struct platform_device dev;
    cap_t data, ctrl, note_kbd, note_aux;
    uint64_t base;
    status_t st = platform_device_open("ps2", 4, &dev);
    if (st) {
        printf("no i8042: device \"ps2\" from the platform driver: %s\n", status_text(st));
        return false;
    }
    if ((st = platform_device_resource(&dev, 0, PLATFORM_IO_PORT, &data, &base)) ||
        (st = platform_device_resource(&dev, 1, PLATFORM_IO_PORT, &ctrl, &base)) ||
        (st = platform_device_resource(&dev, 2, PLATFORM_IRQ, &d->irq_kbd, &base)) ||
        (st = platform_device_resource(&dev, 3, PLATFORM_IRQ, &d->irq_aux, &base))) {
        printf("device \"ps2\" is not an i8042 (ports 0x60, 0x64, IRQ 1, 12): %s\n", status_text(st));
        return false;
    }
    i8042_open(&d->hw, data, ctrl, dev.session, dev.handle);
    if (!(note_kbd = rt_signal_handler(&d->server.entry, BIT_KEYBOARD, keyboard_irq, d)) ||
        !(note_aux = rt_signal_handler(&d->server.entry, BIT_MOUSE, mouse_irq, d)) ||
        sys_irq_bind(d->irq_kbd, note_kbd) || sys_irq_bind(d->irq_aux, note_aux)) {
        printf("cannot bind IRQ 1 and 12\n");
        return false;
    }
    return true;
}

int main(uint64_t arg)
{
    static struct ps2 d;
    if (rt_server_init(&d.server, &d)) {
        printf("cannot start the entrypoint\n");
        return 1;
    }
    if (open_device(&d) && i8042_init(&d.hw)) {
        mouse_init(&d.mouse, d.hw.wheel);
        drain(&d); /* what came in before the interrupts were bound */
    } else {
        printf("no input devices: Event sessions get no events\n");
    }
    status_t st = rt_server_announce(&d.server, &event_service);
    if (st) {
        printf("cannot announce Event: %s\n", status_text(st));
        return 1;
    }
    rt_server_run(&d.server);
}
