/*
 * The common first steps of a PCI device driver (rt/pci_driver.h).
 */
#include <rt/pci_driver.h>

#define RESOURCES_MAX 8

/* The first present device of our policy that match() accepts (given
 * its vendor/device ID and its class code), acquired. */
static bool find(struct pci_driver *p, const char *what, bool (*match)(const void *, uint32_t, uint32_t),
                 const void *ctx, uint64_t dma, unsigned dma_allocs)
{
    char args[128], name[RPC_STRING_MAX + 1];
    uint64_t id, present, acquired, ids, class;
    *p = (struct pci_driver){0};
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%lu, cap_quota=%lu",
             (unsigned long)(PLATFORM_RAM_QUOTA + RESOURCES_MAX * PLATFORM_RESOURCE_RAM + dma +
                             2 * 4096ull * dma_allocs),
             (unsigned long)(PLATFORM_CAP_QUOTA + RESOURCES_MAX * PLATFORM_RESOURCE_CAPS +
                             dma_allocs * PLATFORM_DMA_CAPS));
    status_t st = parent_session(PLATFORM_SERVICE, args, &p->platform, &id);
    if (st) {
        printf("no Platform session: %s\n", status_text(st));
        return false;
    }
    for (uint64_t i = 0; !platform_device(p->platform, i, name, &present, &acquired); i++) {
        if (!present || platform_acquire(p->platform, name, &p->device, &p->resources)) {
            continue;
        }
        if (!platform_config_read(p->platform, p->device, 0, 4, &ids) &&
            !platform_config_read(p->platform, p->device, 8, 4, &class) &&
            match(ctx, (uint32_t)ids, (uint32_t)(class >> 8))) {
            p->ids = (uint32_t)ids;
            snprintf(p->name, sizeof(p->name), "%s", name);
            return true;
        }
        platform_release(p->platform, p->device);
    }
    printf("no %s among the devices of our policy\n", what);
    return false;
}

struct id_list {
    const uint32_t *ids;
    unsigned n;
};

static bool match_ids(const void *ctx, uint32_t ids, uint32_t class)
{
    const struct id_list *l = ctx;
    (void)class;
    for (unsigned k = 0; k < l->n; k++) {
        if (ids == l->ids[k]) {
            return true;
        }
    }
    return false;
}

static bool match_class(const void *ctx, uint32_t ids, uint32_t class)
{
    (void)ids;
    return class == *(const uint32_t *)ctx;
}

bool pci_driver_find(struct pci_driver *p, const char *what, const uint32_t *ids, unsigned n, uint64_t dma,
                     unsigned dma_allocs)
{
    struct id_list l = {ids, n};
    return find(p, what, match_ids, &l, dma, dma_allocs);
}

bool pci_driver_find_class(struct pci_driver *p, const char *what, uint32_t class, uint64_t dma,
                           unsigned dma_allocs)
{
    return find(p, what, match_class, &class, dma, dma_allocs);
}

bool pci_driver_enable(struct pci_driver *p)
{
    uint64_t cmd;
    /* I/O and memory decoding, bus mastering on; INTx not disabled */
    return !platform_config_read(p->platform, p->device, 4, 2, &cmd) &&
           !platform_config_write(p->platform, p->device, 4, 2, (cmd | 7) & ~0x400ull);
}

bool pci_driver_irq(struct pci_driver *p, struct rt_entrypoint *entry, unsigned bit, void (*fn)(void *),
                    void *arg)
{
    for (uint64_t i = 0; i < p->resources; i++) {
        uint64_t kind, base, size;
        cap_t res;
        if (platform_resource(p->platform, p->device, i, &res, &kind, &base, &size) || kind != PLATFORM_IRQ) {
            continue;
        }
        cap_t note = rt_signal_handler(entry, bit, fn, arg);
        if (!note || sys_irq_bind(res, note)) {
            printf("cannot bind IRQ %lu\n", base);
            return false;
        }
        p->irq = res;
        printf("interrupt: IRQ %lu (INTx)\n", base);
        return true;
    }
    printf("device %s has no interrupt\n", p->name);
    return false;
}

bool pci_driver_dma(struct pci_driver *p, uint64_t bytes, void **virt, uint64_t *phys)
{
    cap_t ds;
    uint64_t size;
    status_t st = platform_dma_alloc(p->platform, bytes, &ds, phys, &size);
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, virt);
    }
    if (st) {
        printf("no DMA memory (%lu bytes): %s\n", bytes, status_text(st));
        return false;
    }
    memset(*virt, 0, bytes);
    return true;
}

volatile uint8_t *pci_driver_mmio(struct pci_driver *p, unsigned bar, uint64_t *size)
{
    uint64_t lo, hi = 0;
    if (bar > 5 || platform_config_read(p->platform, p->device, 0x10 + 4 * bar, 4, &lo) || (lo & 1)) {
        return NULL;
    }
    if ((lo & 6) == 4 && bar < 5 && platform_config_read(p->platform, p->device, 0x14 + 4 * bar, 4, &hi)) {
        return NULL;
    }
    uint64_t addr = (lo & ~0xfull) | hi << 32;
    for (uint64_t i = 0; addr && i < p->resources; i++) {
        cap_t res;
        uint64_t kind, base;
        void *at;
        if (platform_resource(p->platform, p->device, i, &res, &kind, &base, size) ||
            kind != PLATFORM_IO_MEM || base != addr) {
            continue;
        }
        return rt_attach(res, PD_ATTACH_WRITE, &at) ? NULL : at;
    }
    return NULL;
}
