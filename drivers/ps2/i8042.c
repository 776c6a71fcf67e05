/*
 * Controller and device set-up of the i8042 (i8042.h). The order is the
 * robust one of Linux and OSDev: devices off, buffer flushed, interrupts
 * and translation off, controller self test, port tests, ports on,
 * device resets, then interrupts on. The controller's self test may
 * reset its configuration on some chipsets, so the configuration is
 * written again after it.
 */
#include "i8042.h"
#include <session/platform.h>

#define DATA 0x60
#define CTRL 0x64

#define STATUS_OUT 0x01 /* a byte waits in the output buffer */
#define STATUS_IN 0x02  /* the controller has not taken our last byte */
#define STATUS_AUX 0x20 /* the waiting byte is the mouse's */

#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_AUX_OFF 0xa7
#define CMD_AUX_ON 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_OFF 0xad
#define CMD_KBD_ON 0xae
#define CMD_TO_AUX 0xd4

#define CONFIG_KBD_IRQ 0x01
#define CONFIG_AUX_IRQ 0x02
#define CONFIG_KBD_OFF 0x10
#define CONFIG_AUX_OFF 0x20
#define CONFIG_TRANSLATE 0x40

#define DEV_ACK 0xfa
#define DEV_RESET 0xff
#define DEV_BAT_OK 0xaa

static unsigned status(struct i8042 *c)
{
    uint64_t v = 0xff;
    sys_port_in(c->ctrl, CTRL, 1, &v);
    return (unsigned)v;
}

static bool wait_writable(struct i8042 *c)
{
    for (unsigned i = 0; i < I8042_POLLS; i++) {
        if (!(status(c) & STATUS_IN)) {
            return true;
        }
    }
    return false;
}

/* Commands go through the platform driver, which keeps the ones that
 * reset the machine or switch A20 from us (platform.def). */
static bool command(struct i8042 *c, unsigned cmd)
{
    return wait_writable(c) && platform_i8042_command(c->platform, c->device, cmd) == RPC_OK;
}

static bool write_data(struct i8042 *c, unsigned byte)
{
    return wait_writable(c) && !sys_port_out(c->data, DATA, 1, byte);
}

/* The next byte from the controller or a device, within I8042_POLLS
 * status reads. */
static bool read_data(struct i8042 *c, uint8_t *byte)
{
    for (unsigned i = 0; i < I8042_POLLS; i++) {
        if (status(c) & STATUS_OUT) {
            uint64_t v = 0;
            sys_port_in(c->data, DATA, 1, &v);
            *byte = (uint8_t)v;
            return true;
        }
    }
    return false;
}

static void flush(struct i8042 *c)
{
    uint64_t v;
    for (unsigned i = 0; i < 64 && (status(c) & STATUS_OUT); i++) {
        sys_port_in(c->data, DATA, 1, &v);
    }
}

static bool query(struct i8042 *c, unsigned cmd, uint8_t *answer)
{
    return command(c, cmd) && read_data(c, answer);
}

/* Send byte to a device (the mouse with aux) and expect its ACK. */
static bool device(struct i8042 *c, bool aux, unsigned byte)
{
    uint8_t answer;
    if ((aux && !command(c, CMD_TO_AUX)) || !write_data(c, byte)) {
        return false;
    }
    /* a device may resend its last byte before the ACK; skip a few */
    for (unsigned i = 0; i < 4; i++) {
        if (!read_data(c, &answer)) {
            return false;
        }
        if (answer == DEV_ACK) {
            return true;
        }
    }
    return false;
}

static bool reset_device(struct i8042 *c, bool aux)
{
    uint8_t answer = 0;
    if (!device(c, aux, DEV_RESET) || !read_data(c, &answer) || answer != DEV_BAT_OK) {
        return false;
    }
    if (aux) {
        read_data(c, &answer); /* the mouse's ID after its self test */
    }
    return true;
}

static bool setup_keyboard(struct i8042 *c)
{
    /* scan code set 2, which the controller translates to set 1 */
    return reset_device(c, false) && device(c, false, 0xf0) && device(c, false, 0x02) &&
           device(c, false, 0xf4);
}

/* The IntelliMouse knock (sample rates 200, 100, 80) turns on the wheel:
 * the mouse then answers ID 3. */
static bool setup_mouse(struct i8042 *c)
{
    static const uint8_t knock[] = {0xf3, 200, 0xf3, 100, 0xf3, 80};
    uint8_t id = 0;
    if (!reset_device(c, true) || !device(c, true, 0xf6)) {
        return false;
    }
    for (unsigned i = 0; i < sizeof(knock); i++) {
        if (!device(c, true, knock[i])) {
            return false;
        }
    }
    if (device(c, true, 0xf2) && read_data(c, &id)) {
        c->wheel = id == 3;
    }
    return device(c, true, 0xf4);
}

void i8042_open(struct i8042 *c, cap_t data, cap_t ctrl, cap_t platform, uint64_t device)
{
    *c = (struct i8042){.data = data, .ctrl = ctrl, .platform = platform, .device = device};
}

bool i8042_init(struct i8042 *c)
{
    uint8_t config = 0, answer = 0;
    if (status(c) == 0xff) {
        printf("no i8042 controller: its status port reads 0xff\n");
        return false;
    }
    if (!command(c, CMD_KBD_OFF) || !command(c, CMD_AUX_OFF)) {
        printf("i8042 does not take commands: given up\n");
        return false;
    }
    flush(c);
    if (!query(c, CMD_READ_CONFIG, &config)) {
        printf("i8042 does not answer: given up\n");
        return false;
    }
    config &= ~(CONFIG_KBD_IRQ | CONFIG_AUX_IRQ | CONFIG_TRANSLATE);
    if (!command(c, CMD_WRITE_CONFIG) || !write_data(c, config) || !query(c, CMD_SELF_TEST, &answer) ||
        answer != 0x55) {
        printf("i8042 self test failed (answer 0x%x)\n", answer);
        return false;
    }
    command(c, CMD_WRITE_CONFIG);
    write_data(c, config);
    /* a second port exists if enabling it clears its "off" bit */
    bool two = command(c, CMD_AUX_ON) && query(c, CMD_READ_CONFIG, &config) && !(config & CONFIG_AUX_OFF);
    command(c, CMD_AUX_OFF);
    bool kbd_port = query(c, CMD_KBD_TEST, &answer) && answer == 0;
    bool aux_port = two && query(c, CMD_AUX_TEST, &answer) && answer == 0;
    if (kbd_port) {
        command(c, CMD_KBD_ON);
    }
    if (aux_port) {
        command(c, CMD_AUX_ON);
    }
    flush(c);
    c->keyboard = kbd_port && setup_keyboard(c);
    c->mouse = aux_port && setup_mouse(c);
    printf("i8042: keyboard %s, mouse %s\n", c->keyboard ? "ok" : "not answering",
           c->mouse   ? (c->wheel ? "ok (wheel)" : "ok")
           : aux_port ? "not answering"
                      : "no port");
    flush(c);
    if (!query(c, CMD_READ_CONFIG, &config)) {
        return false;
    }
    config &= ~(CONFIG_KBD_OFF | CONFIG_AUX_OFF);
    config |= CONFIG_TRANSLATE | (c->keyboard ? CONFIG_KBD_IRQ : 0) | (c->mouse ? CONFIG_AUX_IRQ : 0);
    return command(c, CMD_WRITE_CONFIG) && write_data(c, config);
}

bool i8042_read(struct i8042 *c, uint8_t *byte, bool *aux)
{
    unsigned s = status(c);
    uint64_t v = 0;
    if (s == 0xff || !(s & STATUS_OUT)) {
        return false;
    }
    sys_port_in(c->data, DATA, 1, &v);
    *byte = (uint8_t)v;
    *aux = s & STATUS_AUX;
    return true;
}
