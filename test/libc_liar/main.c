/*
 * libc_liar: a Timer, an Rtc and a ROM that answer garbage (README),
 * for the C library's hostile tests (run/libc_hostile.run).
 */
#include <rt/component.h>
#include <rt/server.h>
#include <session/rtc.h>
#include <session/timer.h>

static unsigned elapsed_calls, rtc_calls;

static status_t sigh(void *session, struct rt_call *call, cap_t note)
{
    cap_t *s = session;
    rt_call_drop_cap(*s);
    *s = note;
    return RPC_OK;
}

/* a timeout fires at once, whatever was asked */
static status_t trigger_once(void *session, struct rt_call *call, uint64_t us)
{
    cap_t *s = session;
    if (*s) {
        sys_signal(*s);
    }
    return RPC_OK;
}

static status_t trigger_periodic(void *session, struct rt_call *call, uint64_t us)
{
    return trigger_once(session, call, us);
}

static status_t sleep_op(void *session, struct rt_call *call, uint64_t us, uint64_t *woke)
{
    printf("sleep of %llu us asked\n", (unsigned long long)us);
    *woke = UINT64_MAX;
    return RPC_OK;
}

static status_t elapsed_us(void *session, struct rt_call *call, uint64_t *us)
{
    static const uint64_t lies[] = {5000000, 2000000, UINT64_MAX, 0};
    unsigned n = elapsed_calls++;
    *us = n < 4 ? lies[n] : 1000000 + (uint64_t)(n - 4) * 1000;
    return RPC_OK;
}

static status_t current(void *session, struct rt_call *call, uint64_t *year, uint64_t *month, uint64_t *day,
                        uint64_t *hour, uint64_t *minute, uint64_t *second)
{
    unsigned n = rtc_calls++;
    *year = n == 1 ? 65535 : 2024;
    *month = n == 0 ? 13 : 2;
    *day = 29, *hour = 12, *minute = 34, *second = 56;
    printf("date %u given\n", n);
    return RPC_OK;
}

/* one page of text, said to be 1 MiB */
static status_t rom_ds(void *session, struct rt_call *call, cap_t *ds, uint64_t *size, uint64_t *version)
{
    static cap_t page;
    uint64_t real, missing;
    void *at = NULL;
    if (!page && (pd_alloc(ENV_PD, 4096, &page, &real, &missing) || rt_attach(page, PD_ATTACH_WRITE, &at))) {
        return RPC_OUT_OF_RAM;
    }
    if (at) {
        memcpy(at, "one page\n", 9);
    }
    *ds = page;
    *size = 1 << 20;
    *version = 1;
    printf("ROM of 4096 bytes said to be %llu\n", (unsigned long long)*size);
    return RPC_OK;
}

static status_t rom_sigh_op(void *session, struct rt_call *call, cap_t note)
{
    rt_call_drop_cap(note);
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    cap_t *s = calloc(1, sizeof(*s));
    *session = s;
    return s ? RPC_OK : RPC_OUT_OF_RAM;
}

static void destroy(void *state, void *session)
{
    cap_t *s = session;
    rt_call_drop_cap(*s);
    free(s);
}

static const struct timer_ops timer_ops = {.sigh = sigh,
                                           .trigger_once = trigger_once,
                                           .trigger_periodic = trigger_periodic,
                                           .sleep = sleep_op,
                                           .elapsed_us = elapsed_us};
static const struct rt_service timer_service = {TIMER_SERVICE_INFO(&timer_ops), .ram = TIMER_RAM_QUOTA,
                                                .caps = TIMER_CAP_QUOTA, .create = create, .close = destroy};
static const struct rom_ops rom_ops = {.dataspace = rom_ds, .sigh = rom_sigh_op};
static const struct rt_service rom_service = {ROM_SERVICE_INFO(&rom_ops), .ram = ROM_RAM_QUOTA,
                                              .caps = ROM_CAP_QUOTA, .create = create, .close = destroy};
static const struct rtc_ops rtc_ops = {.current = current};
static const struct rt_service rtc_service = {RTC_SERVICE_INFO(&rtc_ops), .ram = RTC_RAM_QUOTA,
                                              .caps = RTC_CAP_QUOTA, .create = create, .close = destroy};

/* core's PD_DS_SIZE, which the C library asks instead of believing a
 * ROM server: a page and its read-only twin are 4096 bytes, what is no
 * dataspace (nothing, a notification, the PD session) is refused */
static void ds_size_check(void)
{
    cap_t page = CAP_NULL, ro = CAP_NULL, note = CAP_NULL;
    uint64_t real = 0, missing, size = 0, ro_size = 0, junk = 0;
    bool ok = !pd_alloc(ENV_PD, 100, &page, &real, &missing) && !pd_ds_size(ENV_PD, page, &size) &&
              !pd_ds_readonly(ENV_PD, page, &ro) && !pd_ds_size(ENV_PD, ro, &ro_size) &&
              !pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note);
    ok = ok && size == 4096 && ro_size == 4096 && pd_ds_size(ENV_PD, CAP_NULL, &junk) == RPC_INVALID &&
         pd_ds_size(ENV_PD, note, &junk) == RPC_INVALID && pd_ds_size(ENV_PD, ENV_PD, &junk) == RPC_INVALID;
    printf("PD_DS_SIZE: %s (page %llu, read-only %llu)\n", ok ? "ok" : "FAILED", (unsigned long long)size,
           (unsigned long long)ro_size);
    pd_free(ENV_PD, page);
}

int main(uint64_t arg)
{
    static int state;
    ds_size_check();
    return rt_serve(&state, &timer_service, &rtc_service, &rom_service, NULL);
}
