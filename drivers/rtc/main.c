/*
 * rtc: serves "Rtc" (include/session/rtc.def) from the PC's CMOS
 * real-time clock, the platform driver's device "rtc" (ports 0x70 and
 * 0x71). Each `current` reads the clock afresh: it waits (a bounded
 * number of status reads) while the clock updates itself, reads the
 * date registers, and reads them once more until two passes agree, so
 * that an update between two registers is never seen half done. The
 * decoding (BCD or binary, 12- or 24-hour) is cmos.c.
 */
#include <rt/server.h>
#include <session/platform_device.h>
#include <session/rtc.h>
#include "cmos.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
/* status reads to wait for an update to end (one takes 244 us at most
 * on real clocks, far fewer reads than this) */
#define UPDATE_POLLS 100000
/* passes to get two equal readings in a row */
#define READ_PASSES 8

struct rtc {
    cap_t ports;
    bool complained; /* a broken clock is logged once, not per call */
};

static uint8_t reg(struct rtc *r, uint8_t index)
{
    uint64_t v = 0xff;
    sys_port_out(r->ports, CMOS_INDEX, 1, index);
    sys_port_in(r->ports, CMOS_DATA, 1, &v);
    return (uint8_t)v;
}

/* One pass over the registers after an update ended; false if the
 * update did not end. */
static bool read_pass(struct rtc *r, struct cmos_raw *raw)
{
    unsigned polls = 0;
    while (reg(r, CMOS_STATUS_A) & CMOS_A_UPDATE_IN_PROGRESS) {
        if (++polls == UPDATE_POLLS) {
            return false;
        }
    }
    *raw = (struct cmos_raw){reg(r, CMOS_SECOND), reg(r, CMOS_MINUTE), reg(r, CMOS_HOUR),    reg(r, CMOS_DAY),
                             reg(r, CMOS_MONTH),  reg(r, CMOS_YEAR),   reg(r, CMOS_STATUS_B)};
    return true;
}

static status_t broken(struct rtc *r, const char *what)
{
    if (!r->complained) {
        printf("the CMOS clock %s: Rtc sessions get UNAVAILABLE\n", what);
        r->complained = true;
    }
    return RPC_UNAVAILABLE;
}

static status_t current(void *session, struct rt_call *call, uint64_t *year, uint64_t *month, uint64_t *day,
                        uint64_t *hour, uint64_t *minute, uint64_t *second)
{
    struct rtc *r = session;
    struct cmos_raw a, b;
    struct cmos_date d;
    if (!read_pass(r, &a)) {
        return broken(r, "never ends its update");
    }
    for (unsigned pass = 1;; pass++) {
        if (!read_pass(r, &b)) {
            return broken(r, "never ends its update");
        }
        if (!memcmp(&a, &b, sizeof(a))) {
            break;
        }
        if (pass == READ_PASSES) {
            return broken(r, "changes between every two readings");
        }
        a = b;
    }
    if (!cmos_decode(&a, &d)) {
        printf("the CMOS clock holds no date (%02x-%02x-%02x %02x:%02x:%02x, status B %02x)\n", a.year,
               a.month, a.day, a.hour, a.minute, a.second, a.status_b);
        return RPC_UNAVAILABLE;
    }
    *year = d.year, *month = d.month, *day = d.day;
    *hour = d.hour, *minute = d.minute, *second = d.second;
    return RPC_OK;
}

static struct rtc rtc;

/* Sessions keep no state: each is the one clock. */
static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    *session = state;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
}

static const struct rtc_ops ops = {.current = current};
static const struct rt_service rtc_service = {RTC_SERVICE_INFO(&ops), .ram = RTC_RAM_QUOTA,
                                              .caps = RTC_CAP_QUOTA, .create = create, .close = destroy};

int main(uint64_t arg)
{
    struct platform_device dev;
    uint64_t base;
    status_t st = platform_device_open("rtc", 2, &dev);
    if (!st) {
        st = platform_device_resource(&dev, 0, PLATFORM_IO_PORT, &rtc.ports, &base);
    }
    if (st) {
        printf("no CMOS clock: device \"rtc\" (ports 0x70, 0x71) from the platform driver: %s\n",
               status_text(st));
        return 1;
    }
    return rt_serve(&rtc, &rtc_service, NULL);
}
