/*
 * driver_test: a user-level driver, for run/drivers.run. It drives the
 * CMOS real-time clock's periodic interrupt through an IO_PORT session
 * (the PIT is the kernel's), takes its interrupt through an IRQ session,
 * reads the HPET's registers through an IO_MEM session, and checks that
 * nobody gets a resource twice.
 */
#include <rt/component.h>
#include <session/io.h>

static uint64_t io_session(const char *service, const char *args, cap_t *cap, uint64_t *size)
{
    cap_t session;
    uint64_t id;
    uint64_t st = parent_session(service, args, &session, &id);
    if (st) {
        return st;
    }
    return io_cap(session, cap, size);
}

#define RTC_INDEX 0x70
#define RTC_DATA 0x71

static uint64_t rtc_write(cap_t ports, unsigned reg, uint64_t value)
{
    uint64_t err = sys_port_out(ports, RTC_INDEX, 1, reg);
    return err ? err : sys_port_out(ports, RTC_DATA, 1, value);
}

static uint64_t rtc_read(cap_t ports, unsigned reg, uint64_t *value)
{
    uint64_t err = sys_port_out(ports, RTC_INDEX, 1, reg);
    return err ? err : sys_port_in(ports, RTC_DATA, 1, value);
}

static int timer(void)
{
    cap_t ports, irq, mmio, note, dummy;
    uint64_t size, bits;
    uint64_t st = io_session(IO_PORT_SERVICE, "label=\"rtc\", base=0x70, size=2, ram_quota=4096, cap_quota=2",
                             &ports, &size);
    printf("IO_PORT 0x70-0x71: %s\n", status_text(st));
    printf("IO_PORT 0x71 again: %s\n",
           status_text(io_session(IO_PORT_SERVICE,
                                  "label=\"rtc2\", base=0x71, size=1, ram_quota=4096, cap_quota=2", &dummy,
                                  &size)));
    st = st ? st : io_session(IRQ_SERVICE, "label=\"rtc\", irq=8, ram_quota=4096, cap_quota=2", &irq, &size);
    printf("IRQ 8: %s\n", status_text(st));
    printf("IRQ 8 again: %s\n",
           status_text(
               io_session(IRQ_SERVICE, "label=\"rtc2\", irq=8, ram_quota=4096, cap_quota=2", &dummy, &size)));
    if (st || pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) || sys_irq_bind(irq, note)) {
        return 1;
    }
    uint64_t b, c;
    /* 1024 Hz periodic interrupt; reading register C re-arms it. */
    if (rtc_write(ports, 0x0a, 0x26) || rtc_read(ports, 0x0b, &b) || rtc_write(ports, 0x0b, b | 0x40) ||
        rtc_read(ports, 0x0c, &c) || sys_port_out(ports, 0x80, 1, 0) != ERR_INVALID_ARG) {
        printf("port access not as expected\n");
        return 1;
    }
    unsigned got = 0;
    for (unsigned i = 0; i < 5; i++) {
        got += sys_wait(note, &bits) == ERR_OK;
        rtc_read(ports, 0x0c, &c);
        sys_irq_ack(irq);
    }
    printf("timer interrupts received: %u\n", got);
    volatile uint64_t *hpet;
    st = io_session(IO_MEM_SERVICE, "label=\"hpet\", base=0xfed00000, size=4096, ram_quota=4096, cap_quota=2",
                    &mmio, &size);
    if (!st) {
        st = rt_attach(mmio, PD_ATTACH_WRITE, (void **)&hpet);
    }
    if (!st) { /* the capabilities register: counter period in fs, at most 100 ns */
        uint64_t period = hpet[0] >> 32;
        st = period > 0 && period <= 100000000 ? RPC_OK : RPC_INVALID;
    }
    printf("IO_MEM HPET registers: %s\n", status_text(st));
    printf("IO_MEM 0xfed00000 again: %s\n",
           status_text(io_session(IO_MEM_SERVICE,
                                  "label=\"hpet2\", base=0xfed00000, size=4096, ram_quota=4096, cap_quota=2",
                                  &dummy, &size)));
    printf("IO_MEM on RAM at 1 MiB: %s\n",
           status_text(io_session(IO_MEM_SERVICE,
                                  "label=\"ram\", base=0x100000, size=4096, ram_quota=4096, cap_quota=2",
                                  &dummy, &size)));
    rtc_write(ports, 0x0b, b & ~0x40ull); /* quiet */
    return got == 5 ? 0 : 1;
}

int main(uint64_t arg)
{
    return timer();
}
