/*
 * The device list as the report "devices" (a Report session, usually to
 * report_rom), in the form drivers and tests read:
 *
 *   <devices>
 *       <device name="ps2" type="ps2">
 *           <io_port address="0x60" size="0x1"/> ... <irq number="1"/> ...
 *       </device>
 *       <device name="00:02.0" type="pci" vendor="0x8086" device="0x100e" class="0x020000">
 *           <io_mem address="0xfeb80000" size="0x20000"/> ...
 *       </device>
 *   </devices>
 */
#include "platform.h"
#include <session/report.h>

struct text {
    char *buf;
    size_t size, len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (t->len < t->size) {
        t->len += (size_t)vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    }
    va_end(ap);
}

static void device_xml(struct text *t, const struct device *d)
{
    put(t, "\t<device name=\"%s\" type=\"%s\"", d->name, d->type);
    if (d->pci) {
        put(t, " vendor=\"0x%04x\" device=\"0x%04x\" class=\"0x%06x\"", d->vendor, d->device, d->class);
    }
    put(t, ">\n");
    for (unsigned i = 0; i < d->res_count; i++) {
        const struct resource *r = &d->res[i];
        if (r->kind == PLATFORM_IRQ) {
            put(t, "\t\t<irq number=\"%lu\"/>\n", r->base);
        } else {
            put(t, "\t\t<%s address=\"0x%lx\" size=\"0x%lx\"/>\n",
                r->kind == PLATFORM_IO_MEM ? "io_mem" : "io_port", r->base, r->size);
        }
    }
    put(t, "\t</device>\n");
}

void report_devices(struct platform *p)
{
    cap_t session, ds;
    uint64_t id, size;
    void *buf;
    char args[96];
    snprintf(args, sizeof(args), "label=\"devices\", ram_quota=%lu, cap_quota=%lu",
             (uint64_t)REPORT_RAM_QUOTA, (uint64_t)REPORT_CAP_QUOTA);
    status_t st = parent_session(REPORT_SERVICE, args, &session, &id);
    if (!st && !(st = report_dataspace(session, &ds, &size))) {
        st = rt_attach(ds, PD_ATTACH_WRITE, &buf);
    }
    if (st) {
        printf("no device report: Report session: %s\n", status_text(st));
        return;
    }
    struct text t = {.buf = buf, .size = size};
    put(&t, "<devices>\n");
    for (unsigned i = 0; i < p->count; i++) {
        device_xml(&t, &p->dev[i]);
    }
    put(&t, "</devices>\n");
    if (t.len >= t.size) {
        printf("device report longer than %lu bytes: not published\n", size);
        return;
    }
    st = report_submit(session, t.len);
    printf("device report (%lu bytes): %s\n", t.len, status_text(st));
}
