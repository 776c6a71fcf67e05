/*
 * platform_test: a client of the platform driver, for run/platform.run.
 * Its config says what it tries:
 *
 *   <config device="ps2" forbidden="rtc" report="yes"/>
 *
 * report: read the driver's device report (ROM "devices") and print
 * each device; then list what the policy lets it see, ask for the
 * forbidden device (the driver must refuse), acquire its device and use
 * each resource (read a port, bind an IRQ, read device memory), and for
 * a PCI function read its configuration space, try to write a BAR and
 * to reach beyond its own space, and allocate DMA memory. Exits 0.
 */
#include <rt/component.h>
#include <session/platform.h>

static void print_report(void)
{
    cap_t rom, ds;
    uint64_t id, size, version;
    void *text;
    struct xml_node top, d;
    status_t st = parent_session(ROM_SERVICE, "label=\"devices\", ram_quota=20480, cap_quota=4", &rom, &id);
    if (!st && !(st = rom_dataspace(rom, &ds, &size, &version))) {
        st = rt_attach(ds, 0, &text);
    }
    if (st || !xml_parse(text, size, &top, NULL)) {
        printf("report: unavailable (%s)\n", status_text(st ? st : RPC_INVALID));
        return;
    }
    for (bool ok = xml_first_sub_of_type(&top, "device", &d); ok; ok = xml_next_of_type(&d, "device", &d)) {
        char name[32] = "", type[16] = "", vendor[16] = "", device[16] = "", class[16] = "";
        xml_attr(&d, "name", name, sizeof(name));
        xml_attr(&d, "type", type, sizeof(type));
        if (xml_attr(&d, "vendor", vendor, sizeof(vendor)) &&
            xml_attr(&d, "device", device, sizeof(device)) && xml_attr(&d, "class", class, sizeof(class))) {
            printf("report: %s %s %s:%s class %s\n", type, name, vendor + 2, device + 2, class);
        } else {
            printf("report: %s %s, %u resources\n", type, name, xml_sub_count(&d));
        }
    }
}

static void use_resource(cap_t session, uint64_t dev, uint64_t i)
{
    cap_t res, note;
    uint64_t kind, base, size, v = 0;
    status_t st = platform_resource(session, dev, i, &res, &kind, &base, &size);
    if (st) {
        printf("resource %lu: %s\n", i, status_text(st));
    } else if (kind == PLATFORM_IO_PORT) {
        st = sys_port_in(res, base, 1, &v) ? RPC_INVALID : RPC_OK;
        printf("I/O port 0x%lx (%lu): read %s\n", base, size, status_text(st));
    } else if (kind == PLATFORM_IRQ) {
        st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note);
        st = st ? st : sys_irq_bind(res, note) ? RPC_INVALID : RPC_OK;
        printf("IRQ %lu: capability bound %s\n", base, status_text(st));
    } else {
        volatile uint32_t *mem;
        st = rt_attach(res, PD_ATTACH_WRITE, (void **)&mem);
        if (!st) {
            v = mem[0];
        }
        printf("I/O memory 0x%lx (0x%lx bytes): mapped %s\n", base, size, status_text(st));
    }
}

static void pci_checks(cap_t session, uint64_t dev)
{
    uint64_t id = 0, v = 0, phys = 0, size = 0;
    cap_t ds;
    status_t st = platform_config_read(session, dev, 0, 4, &id);
    printf("config 0x0: %s, %04lx:%04lx\n", status_text(st), id & 0xffff, id >> 16);
    st = platform_config_read(session, dev, 0x10, 4, &v);
    printf("config write to BAR0: %s\n", status_text(platform_config_write(session, dev, 0x10, 4, ~0u)));
    st = platform_config_read(session, dev, 0x10, 4, &id);
    printf("BAR0 unchanged: %s\n", !st && id == v ? "yes" : "no");
    printf("config read at 0x1000: %s\n", status_text(platform_config_read(session, dev, 0x1000, 4, &v)));
    printf("config read of a device not acquired: %s\n",
           status_text(platform_config_read(session, dev ? dev - 1 : dev + 1, 0, 4, &v)));
    st = platform_dma_alloc(session, 8192, &ds, &phys, &size);
    volatile uint64_t *buf = NULL;
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&buf);
    }
    if (!st) {
        buf[0] = 0x1234;
    }
    printf("DMA buffer: %s, %lu bytes, bus address %s\n", status_text(st), size,
           phys && !(phys & 0xfff) ? "page aligned" : "missing");
    printf("DMA free: %s\n", status_text(platform_dma_free(session, phys)));
}

int main(uint64_t arg)
{
    struct xml_node cfg;
    char device[32] = "", forbidden[32] = "", report[8] = "";
    cap_t session;
    uint64_t id, dev, n, present, acquired, v;
    char name[RPC_STRING_MAX + 1];
    if (rt_config(&cfg, NULL)) {
        return 2;
    }
    xml_attr(&cfg, "device", device, sizeof(device));
    xml_attr(&cfg, "forbidden", forbidden, sizeof(forbidden));
    status_t st =
        parent_session(PLATFORM_SERVICE, "label=\"\", ram_quota=65536, cap_quota=40", &session, &id);
    if (st) {
        printf("Platform session: %s\n", status_text(st));
        return 1;
    }
    /* the driver reported before it served: the report is there */
    if (xml_attr(&cfg, "report", report, sizeof(report)) && !strcmp(report, "yes")) {
        print_report();
    }
    for (uint64_t i = 0; !platform_device(session, i, name, &present, &acquired); i++) {
        printf("sees device %s%s\n", name, present ? "" : " (absent)");
    }
    if (forbidden[0]) {
        printf("acquire %s: %s\n", forbidden, status_text(platform_acquire(session, forbidden, &dev, &n)));
    }
    st = platform_acquire(session, device, &dev, &n);
    printf("acquire %s: %s, %lu resources\n", device, status_text(st), n);
    if (st) {
        return 1;
    }
    uint64_t again, m;
    st = platform_acquire(session, device, &again, &m);
    printf("acquire %s again: %s, %s handle\n", device, status_text(st),
           again == dev && m == n ? "same" : "another");
    for (uint64_t i = 0; i < n; i++) {
        use_resource(session, dev, i);
    }
    if (strlen(device) != 7 || device[2] != ':') {
        printf("config read of a non-PCI device: %s\n",
               status_text(platform_config_read(session, dev, 0, 4, &v)));
    } else {
        pci_checks(session, dev);
    }
    printf("release: %s\n", status_text(platform_release(session, dev)));
    parent_close(ENV_PARENT, id, NULL, NULL);
    return 0;
}
