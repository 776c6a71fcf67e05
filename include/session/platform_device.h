/*
 * A driver's one device from the platform driver (drivers/platform):
 * a Platform session that donates enough for the device's resources, the
 * device acquired, and its resources by index. The drivers of PC devices
 * (drivers/timer, drivers/ps2) take their I/O memory, ports and
 * interrupts this way, so that the platform driver's policy decides who
 * drives what (docs/drivers.md).
 */
#ifndef SESSION_PLATFORM_DEVICE_H
#define SESSION_PLATFORM_DEVICE_H

#include <rt/component.h>
#include <session/platform.h>

struct platform_device {
    cap_t session;
    uint64_t id, handle, resources;
};

/* Open a Platform session (our label, donating for up to `resources`
 * resources) and acquire the device `name`. */
static inline status_t platform_device_open(const char *name, unsigned resources, struct platform_device *d)
{
    char args[96];
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%lu, cap_quota=%lu",
             (unsigned long)(PLATFORM_RAM_QUOTA + resources * PLATFORM_RESOURCE_RAM),
             (unsigned long)(PLATFORM_CAP_QUOTA + resources * PLATFORM_RESOURCE_CAPS));
    status_t st = parent_session(PLATFORM_SERVICE, args, &d->session, &d->id);
    if (!st) {
        st = platform_acquire(d->session, name, &d->handle, &d->resources);
    }
    return st;
}

/* The index-th resource of the device, which must be of kind
 * (PLATFORM_IO_MEM, _IO_PORT, _IRQ; RPC_INVALID otherwise): its
 * capability and where it is (base). */
static inline status_t platform_device_resource(const struct platform_device *d, uint64_t index,
                                                uint64_t kind, cap_t *cap, uint64_t *base)
{
    uint64_t got, size;
    status_t st = platform_resource(d->session, d->handle, index, cap, &got, base, &size);
    return st ? st : got != kind ? RPC_INVALID : RPC_OK;
}

#endif
