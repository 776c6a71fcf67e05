/*
 * Platform sessions. A session may see and acquire the devices its
 * <policy> names (<device name=".."/>); asking for another is refused
 * and logged with the client's label and the device. Acquiring opens
 * core's IO_MEM / IO_PORT / IRQ sessions for the device's resources,
 * paid from the client's donation, and the client gets the capabilities
 * core gave; releasing (or closing the session) closes them, which
 * revokes every copy. PCI configuration space is reached only here,
 * for the session's own functions, and never the registers that would
 * move where a device answers (of a bridge, none: they are the
 * chipset's). DMA buffers are RAM of this driver,
 * paid from the donation, with their physical address from core.
 */
#include "platform.h"

struct dma {
    cap_t ds;
    uint64_t phys, size;
};

struct platform_session {
    struct platform *p;
    char label[160];
    char allowed[PLATFORM_DEVICES_MAX][PLATFORM_NAME_MAX + 1];
    unsigned allowed_count;
    bool may_reboot;              /* policy reboot="yes" */
    uint64_t ram_left, caps_left; /* the donation beyond the session's cost */
    struct dma dma[PLATFORM_DMA_MAX];
};

static bool allowed(const struct platform_session *s, const char *name)
{
    for (unsigned i = 0; i < s->allowed_count; i++) {
        if (!strcmp(s->allowed[i], name)) {
            return true;
        }
    }
    return false;
}

static struct device *find(struct platform *p, const char *name)
{
    for (unsigned i = 0; i < p->count; i++) {
        if (!strcmp(p->dev[i].name, name)) {
            return &p->dev[i];
        }
    }
    return NULL;
}

/* The device behind a handle, if this session holds it. */
static struct device *held(struct platform_session *s, uint64_t handle)
{
    return handle < s->p->count && s->p->dev[handle].owner == s ? &s->p->dev[handle] : NULL;
}

/* The i8042's command port: its holder reads it (the status), and
 * writes commands only through i8042_command. */
#define I8042_COMMAND_PORT 0x64

static bool i8042_command_port(const struct device *d, const struct resource *r)
{
    return !strcmp(d->type, "ps2") && r->kind == PLATFORM_IO_PORT && r->base == I8042_COMMAND_PORT;
}

static void release(struct platform_session *s, struct device *d)
{
    for (unsigned i = 0; i < d->res_count; i++) {
        if (d->res[i].client) {
            rt_slot_free(d->res[i].client);
            d->res[i].client = CAP_NULL;
        }
        if (d->res[i].io.session) {
            io_close(&d->res[i].io);
            s->ram_left += PLATFORM_RESOURCE_RAM;
            s->caps_left += PLATFORM_RESOURCE_CAPS;
        }
    }
    d->owner = NULL;
}

static status_t device_op(void *session, struct rt_call *call, uint64_t index, char *name, uint64_t *present,
                          uint64_t *acquired)
{
    struct platform_session *s = session;
    if (index >= s->allowed_count) {
        return RPC_NOT_FOUND;
    }
    struct device *d = find(s->p, s->allowed[index]);
    memcpy(name, s->allowed[index], sizeof(s->allowed[index]));
    *present = d != NULL;
    *acquired = d && d->owner == s;
    return RPC_OK;
}

static status_t acquire_op(void *session, struct rt_call *call, const char *name, uint64_t *handle,
                           uint64_t *resources)
{
    struct platform_session *s = session;
    if (!allowed(s, name)) {
        printf("\"%s\" may not use device \"%s\": its policy does not name it\n", s->label, name);
        return RPC_DENIED;
    }
    struct device *d = find(s->p, name);
    if (!d) {
        return RPC_NOT_FOUND;
    }
    *handle = (uint64_t)(d - s->p->dev);
    *resources = d->res_count;
    if (d->owner) {
        return d->owner == s ? RPC_OK : RPC_BUSY; /* asking twice is no error */
    }
    if (s->ram_left < d->res_count * PLATFORM_RESOURCE_RAM) {
        return RPC_OUT_OF_RAM;
    }
    if (s->caps_left < d->res_count * PLATFORM_RESOURCE_CAPS) {
        return RPC_OUT_OF_CAPS;
    }
    d->owner = s;
    for (unsigned i = 0; i < d->res_count; i++) {
        struct resource *r = &d->res[i];
        status_t st = io_open(r->kind, d->name, r->base, r->size, &r->io);
        if (!st && i8042_command_port(d, r)) {
            r->client = rt_slot_alloc();
            if (!r->client || sys_cap_mint(r->io.cap, CAP_NULL, r->client, RIGHT_READ, 0)) {
                st = RPC_OUT_OF_CAPS;
                s->ram_left -= PLATFORM_RESOURCE_RAM; /* release gives back what io_open took */
                s->caps_left -= PLATFORM_RESOURCE_CAPS;
            }
        }
        if (st) {
            printf("device \"%s\" for \"%s\": resource %u from core: %s\n", d->name, s->label, i,
                   status_text(st));
            release(s, d);
            return st;
        }
        s->ram_left -= PLATFORM_RESOURCE_RAM;
        s->caps_left -= PLATFORM_RESOURCE_CAPS;
    }
    return RPC_OK;
}

static status_t release_op(void *session, struct rt_call *call, uint64_t handle)
{
    struct device *d = held(session, handle);
    if (!d) {
        return RPC_INVALID;
    }
    release(session, d);
    return RPC_OK;
}

static status_t resource_op(void *session, struct rt_call *call, uint64_t handle, uint64_t index, cap_t *res,
                            uint64_t *kind, uint64_t *base, uint64_t *size)
{
    struct device *d = held(session, handle);
    if (!d) {
        return RPC_INVALID;
    }
    if (index >= d->res_count) {
        return RPC_NOT_FOUND;
    }
    *res = d->res[index].client ? d->res[index].client : d->res[index].io.cap;
    *kind = d->res[index].kind;
    *base = d->res[index].base;
    *size = d->res[index].size;
    return RPC_OK;
}

/* The session's PCI function, with offset and width in its space. */
static struct device *config_target(struct platform_session *s, uint64_t handle, uint64_t off, uint64_t width)
{
    struct device *d = held(s, handle);
    if (!d || !d->pci || (width != 1 && width != 2 && width != 4) || off % width ||
        off >= pci_config_size(s->p)) {
        return NULL;
    }
    return d;
}

static status_t config_read_op(void *session, struct rt_call *call, uint64_t handle, uint64_t off,
                               uint64_t width, uint64_t *value)
{
    struct platform_session *s = session;
    struct device *d = config_target(s, handle, off, width);
    uint32_t v;
    if (!d || !pci_read(s->p, d, (unsigned)off, (unsigned)width, &v)) {
        return RPC_INVALID;
    }
    *value = v;
    return RPC_OK;
}

/* Why a client may not write these bytes of d's configuration space, or
 * NULL: a bridge's (class 0x06: host, ISA/LPC, PCI-PCI, ...) registers
 * decide where memory, ports and whole buses answer (a host bridge's
 * PCIEXBAR moved over RAM takes it from the kernel, an LPC bridge's
 * PMBASE moved over COM1 takes the console), so none of them; of any
 * other function the registers that say where it answers. */
static const char *protected_register(const struct device *d, uint64_t off, uint64_t width)
{
    uint64_t end = off + width;
    if (d->class >> 16 == 0x06) {
        return "a bridge's registers are the chipset's";
    }
    if (d->header == 0) {
        return (off < 0x28 && end > 0x10) || (off < 0x34 && end > 0x30)
                   ? "base address registers are the driver's"
                   : NULL;
    }
    return off < 0x3c && end > 0x10 ? "base address registers are the driver's" : NULL;
}

static status_t config_write_op(void *session, struct rt_call *call, uint64_t handle, uint64_t off,
                                uint64_t width, uint64_t value)
{
    struct platform_session *s = session;
    struct device *d = config_target(s, handle, off, width);
    if (!d) {
        return RPC_INVALID;
    }
    const char *why = protected_register(d, off, width);
    if (why) {
        printf("\"%s\": config write to 0x%lx of %s refused: %s\n", s->label, off, d->name, why);
        return RPC_DENIED;
    }
    return pci_write(s->p, d, (unsigned)off, (unsigned)width, (uint32_t)value) ? RPC_OK : RPC_INVALID;
}

static status_t i8042_command_op(void *session, struct rt_call *call, uint64_t handle, uint64_t command)
{
    struct platform_session *s = session;
    struct device *d = held(s, handle);
    struct resource *r = NULL;
    for (unsigned i = 0; d && i < d->res_count; i++) {
        r = i8042_command_port(d, &d->res[i]) ? &d->res[i] : r;
    }
    if (!r || !r->io.cap || command > 0xff) {
        return RPC_INVALID;
    }
    if (command >= 0xf0 || command == 0xd1 || command == 0xdd || command == 0xdf) {
        printf("\"%s\": i8042 command 0x%lx refused: it would reset the machine or switch A20\n", s->label,
               command);
        return RPC_DENIED;
    }
    return sys_port_out(r->io.cap, I8042_COMMAND_PORT, 1, command) ? RPC_INVALID : RPC_OK;
}

static status_t dma_alloc_op(void *session, struct rt_call *call, uint64_t bytes, cap_t *ds, uint64_t *phys,
                             uint64_t *size)
{
    struct platform_session *s = session;
    uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE, missing;
    unsigned i = 0;
    while (i < PLATFORM_DMA_MAX && s->dma[i].ds) {
        i++;
    }
    if (i == PLATFORM_DMA_MAX || s->caps_left < PLATFORM_DMA_CAPS) {
        return RPC_OUT_OF_CAPS;
    }
    /* a page more for core's record of the dataspace, should one be due */
    if (pages == 0 || pages > (1u << 18) || s->ram_left < (pages + 1) * PAGE_SIZE) {
        return pages == 0 ? RPC_INVALID : RPC_OUT_OF_RAM;
    }
    struct dma *m = &s->dma[i];
    status_t st = pd_alloc(ENV_PD, bytes, &m->ds, &m->size, &missing);
    if (!st && (st = pd_dma_addr(ENV_PD, m->ds, &m->phys))) {
        pd_free(ENV_PD, m->ds);
        rt_slot_free(m->ds);
    }
    if (st) {
        *m = (struct dma){0};
        return st;
    }
    s->ram_left -= (pages + 1) * PAGE_SIZE;
    s->caps_left -= PLATFORM_DMA_CAPS;
    *ds = m->ds;
    *phys = m->phys;
    *size = m->size;
    return RPC_OK;
}

static void dma_free(struct platform_session *s, struct dma *m)
{
    pd_free(ENV_PD, m->ds); /* detached from the client too */
    rt_slot_free(m->ds);
    s->ram_left += (m->size / PAGE_SIZE + 1) * PAGE_SIZE;
    s->caps_left += PLATFORM_DMA_CAPS;
    *m = (struct dma){0};
}

static status_t dma_free_op(void *session, struct rt_call *call, uint64_t phys)
{
    struct platform_session *s = session;
    for (unsigned i = 0; i < PLATFORM_DMA_MAX; i++) {
        if (s->dma[i].ds && s->dma[i].phys == phys) {
            dma_free(s, &s->dma[i]);
            return RPC_OK;
        }
    }
    return RPC_INVALID;
}

static status_t reboot_op(void *session, struct rt_call *call)
{
    struct platform_session *s = session;
    if (!s->may_reboot) {
        printf("\"%s\" may not restart the machine: its policy does not say reboot=\"yes\"\n", s->label);
        return RPC_DENIED;
    }
    machine_restart(s->p, s->label);
    return RPC_UNAVAILABLE;
}

cap_t device_port(struct platform *p, uint64_t port)
{
    for (unsigned i = 0; i < p->count; i++) {
        for (unsigned j = 0; p->dev[i].owner && j < p->dev[i].res_count; j++) {
            const struct resource *r = &p->dev[i].res[j];
            if (r->kind == PLATFORM_IO_PORT && r->io.cap && r->base <= port && port < r->base + r->size) {
                return r->io.cap;
            }
        }
    }
    return CAP_NULL;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct platform_session *s = malloc(sizeof(*s));
    struct xml_node n;
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    memset(s, 0, sizeof(*s));
    s->p = state;
    snprintf(s->label, sizeof(s->label), "%s", info->label);
    s->ram_left = info->ram - PLATFORM_RAM_QUOTA;
    s->caps_left = info->caps - PLATFORM_CAP_QUOTA;
    char reboot[8] = "";
    s->may_reboot = xml_attr(info->policy, "reboot", reboot, sizeof(reboot)) && !strcmp(reboot, "yes");
    for (bool ok = xml_first_sub_of_type(info->policy, "device", &n); ok;
         ok = xml_next_of_type(&n, "device", &n)) {
        char name[PLATFORM_NAME_MAX + 1];
        if (s->allowed_count == PLATFORM_DEVICES_MAX || !xml_attr(&n, "name", name, sizeof(name))) {
            printf("policy line %u for \"%s\": more than %u devices or a <device> without a name\n",
                   xml_line(&n), s->label, PLATFORM_DEVICES_MAX);
            free(s);
            return RPC_DENIED;
        }
        memcpy(s->allowed[s->allowed_count++], name, sizeof(name));
    }
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct platform_session *s = session;
    for (unsigned i = 0; i < s->p->count; i++) {
        if (s->p->dev[i].owner == s) {
            release(s, &s->p->dev[i]);
        }
    }
    for (unsigned i = 0; i < PLATFORM_DMA_MAX; i++) {
        if (s->dma[i].ds) {
            dma_free(s, &s->dma[i]);
        }
    }
    free(s);
}

static const struct platform_ops ops = {
    .device = device_op,
    .acquire = acquire_op,
    .release = release_op,
    .resource = resource_op,
    .config_read = config_read_op,
    .config_write = config_write_op,
    .dma_alloc = dma_alloc_op,
    .dma_free = dma_free_op,
    .reboot = reboot_op,
    .i8042_command = i8042_command_op,
};

const struct rt_service platform_service = {PLATFORM_SERVICE_INFO(&ops),
                                            .ram = PLATFORM_RAM_QUOTA,
                                            .caps = PLATFORM_CAP_QUOTA,
                                            .policy = true,
                                            .create = create,
                                            .close = destroy};
