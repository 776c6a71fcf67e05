/*
 * The i8042 PS/2 controller: data port 0x60, status/command port 0x64,
 * the keyboard on the first port (IRQ 1), a mouse on the second, the
 * auxiliary port (IRQ 12). Every wait is bounded by a number of status
 * reads (I8042_POLLS), never by the clock: a missing controller (its
 * ports read 0xff) or a silent device gives up, and is logged, instead of
 * hanging the driver.
 *
 * Scan codes: the keyboard is set to scan code set 2 and the controller
 * translates it to set 1 (config bit 6), what every PC firmware does and
 * every keyboard supports; scancode.c decodes set 1.
 */
#ifndef PS2_I8042_H
#define PS2_I8042_H

#include <rt/component.h>

#define I8042_POLLS 100000 /* status reads before a wait gives up */

struct i8042 {
    cap_t data, ctrl;            /* IO_PORT capabilities for 0x60 and 0x64 (to read) */
    cap_t platform;              /* the Platform session, for commands */
    uint64_t device;             /* the device's handle there */
    bool keyboard, mouse, wheel; /* what answered at init */
};

/* The controller behind I/O port capabilities for 0x60 (data) and 0x64
 * (ctrl, which the platform driver lets us only read: commands go
 * through its i8042_command on the session `platform`, device handle
 * `device`), as the platform driver gave them (main.c). */
void i8042_open(struct i8042 *c, cap_t data, cap_t ctrl, cap_t platform, uint64_t device);

/* Reset and set up controller, keyboard and mouse, with the devices'
 * interrupts on. What does not answer is logged and left off; false if
 * the controller itself is missing or broken. */
bool i8042_init(struct i8042 *c);

/* Read one waiting byte: false if none; *aux tells the mouse's from the
 * keyboard's. */
bool i8042_read(struct i8042 *c, uint8_t *byte, bool *aux);

#endif
