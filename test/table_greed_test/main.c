/*
 * table_greed_test: exhaust core's records from one child's quota (see
 * README). Local copies of the capabilities are dropped as they come, so
 * the child's own cap space is no limit; core keeps every object.
 */
#include <rt/component.h>
#include <session/io.h>

#define UTCB_AREA 0x500000000ull /* UTCBs of the threads made here */

static uint64_t io_session(const char *service, const char *args, cap_t *cap)
{
    cap_t session;
    uint64_t id;
    uint64_t st = parent_session(service, args, &session, &id);
    return st ? st : io_cap(session, cap, NULL);
}

static void drop(cap_t cap)
{
    sys_cap_delete(cap);
    rt_slot_free(cap);
}

static uint64_t dataspaces(unsigned *count)
{
    cap_t ds;
    uint64_t size, st;
    for (*count = 0; (st = pd_alloc(ENV_PD, 4096, &ds, &size, NULL)) == RPC_OK; (*count)++) {
        drop(ds);
    }
    return st;
}

static uint64_t threads(unsigned first, unsigned *count)
{
    cap_t th;
    uint64_t st;
    for (*count = 0; (st = cpu_create_thread(ENV_CPU, ENV_PD, UTCB_AREA + (first + *count) * 4096ull, 0, &th,
                                             NULL)) == RPC_OK;
         (*count)++) {
        drop(th);
    }
    return st;
}

static void print_quota(const char *who)
{
    uint64_t q[4];
    pd_quota(ENV_PD, &q[0], &q[1], &q[2], &q[3]);
    printf("%s: own quota left: %lu KiB RAM of %lu, %lu caps of %lu\n", who, (q[0] - q[1]) >> 10, q[0] >> 10,
           q[2] - q[3], q[2]);
}

/* Sleep for ticks of the CMOS clock's 64 Hz periodic interrupt. */
static int sleep_rtc(cap_t ports, cap_t irq, cap_t note, unsigned ticks)
{
    uint64_t b, bits;
    if (sys_irq_bind(irq, note) || sys_port_out(ports, 0x70, 1, 0x0a) || sys_port_out(ports, 0x71, 1, 0x2a) ||
        sys_port_out(ports, 0x70, 1, 0x0b) || sys_port_in(ports, 0x71, 1, &b) ||
        sys_port_out(ports, 0x70, 1, 0x0b) || sys_port_out(ports, 0x71, 1, b | 0x40)) {
        return 1;
    }
    for (unsigned i = 0; i < ticks; i++) {
        sys_port_out(ports, 0x70, 1, 0x0c);
        sys_port_in(ports, 0x71, 1, &bits); /* re-arms the interrupt */
        sys_irq_ack(irq);
        sys_wait(note, &bits);
    }
    sys_port_out(ports, 0x70, 1, 0x0b);
    return sys_port_out(ports, 0x71, 1, b & ~0x40ull) ? 1 : 0;
}

static int greedy(void)
{
    cap_t ports, irq, note;
    unsigned ds, th;
    printf("greedy: taking what its quota pays for\n");
    /* the clock to sleep on, before the quota is gone */
    if (io_session(IO_PORT_SERVICE, "label=\"rtc\", base=0x70, size=2, ram_quota=4096, cap_quota=2",
                   &ports) ||
        io_session(IRQ_SERVICE, "label=\"rtc\", irq=8, ram_quota=4096, cap_quota=2", &irq) ||
        pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note)) {
        printf("greedy: no clock\n");
        return 1;
    }
    uint64_t st = dataspaces(&ds);
    printf("greedy: %u dataspaces of 4 KiB, then: %s\n", ds, status_text(st));
    print_quota("greedy");
    uint64_t more = parent_resource_request(ENV_PARENT, 0, 1500);
    printf("greedy: 1500 caps more: %s\n", status_text(more));
    st = threads(0, &th);
    printf("greedy: %u threads, then: %s\n", th, status_text(st));
    print_quota("greedy");
    printf("greedy: holding them for 2 s\n");
    int bad = sleep_rtc(ports, irq, note, 128);
    printf("greedy: exiting\n");
    return bad;
}

static int sibling(void)
{
    unsigned made = 0, started = 0;
    cap_t ds, th;
    uint64_t size;
    for (unsigned i = 0; i < 20; i++) {
        made += pd_alloc(ENV_PD, 4096, &ds, &size, NULL) == RPC_OK;
    }
    for (unsigned i = 0; i < 5; i++) {
        started += cpu_create_thread(ENV_CPU, ENV_PD, UTCB_AREA + i * 4096ull, 0, &th, NULL) == RPC_OK;
    }
    printf("sibling: %u of 20 dataspaces and %u of 5 threads: %s\n", made, started,
           made == 20 && started == 5 ? "ok" : "FAILED");
    return made == 20 && started == 5 ? 0 : 1;
}

int main(uint64_t arg)
{
    char mode[16];
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    return !strcmp(mode, "greedy") ? greedy() : !strcmp(mode, "sibling") ? sibling() : 1;
}
