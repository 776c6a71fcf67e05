/*
 * The platform driver's state: the device table (what the machine has,
 * found in ACPI, at the PC's fixed legacy places and on the PCI buses),
 * how PCI configuration space is reached, and who holds which device.
 *
 *   main.c     setup: ACPI, legacy devices, PCI, the report; then serve
 *   acpi.c     the ACPI tables through IO_MEM: FADT, MADT, MCFG, HPET
 *   legacy.c   the PC's fixed devices: i8042, RTC, COM2..COM4, HPET
 *   reboot.c   restarting the machine (op reboot)
 *   pci.c      configuration space (ECAM or ports 0xcf8/0xcfc), the scan
 *   report.c   the device list as a report, <devices> ... </devices>
 *   session.c  Platform sessions: policy, acquire, config space, DMA
 */
#ifndef DRIVERS_PLATFORM_H
#define DRIVERS_PLATFORM_H

#include <rt/server.h>
#include <session/io.h>
#include <session/platform.h>

#define DEVICES_MAX 48
#define RESOURCES_MAX PLATFORM_RESOURCES_MAX

struct platform_session;

/* A session at core for one device resource: our parent's id for it,
 * the session capability and the resource's (CAP_NULL: none open). */
struct io_handle {
    uint64_t id;
    cap_t session, cap;
};

/* One resource of a device, and core's session for it while a client
 * holds the device. */
struct resource {
    unsigned kind; /* PLATFORM_IO_MEM, _IO_PORT, _IRQ */
    uint64_t base, size;
    struct io_handle io;
    cap_t client; /* what the client gets, if not io.cap: a copy to read only */
};

struct device {
    char name[PLATFORM_NAME_MAX + 1]; /* "ps2", "00:1f.2" */
    char type[16];                    /* "ps2", "rtc", "serial", "hpet", "pci" */
    bool pci;
    uint8_t bus, dev, fn, header; /* PCI: address and header type */
    uint16_t vendor, device;
    uint32_t class;
    unsigned res_count;
    struct resource res[RESOURCES_MAX];
    struct platform_session *owner; /* NULL: free */
};

/* What the ACPI tables say (acpi.c). */
struct acpi_facts {
    uint32_t revision;
    uint64_t rsdt, xsdt;
    char tables[128];   /* signatures found, for the log */
    bool fadt;          /* found a FADT */
    uint8_t fadt_rev;   /* its revision */
    uint16_t boot_arch; /* IAPC_BOOT_ARCH (FADT revision 3 on) */
    uint64_t hpet;      /* HPET registers, 0: none */
    uint64_t ecam;      /* MCFG segment 0, 0: none */
    uint8_t ecam_bus_start, ecam_bus_end;
    unsigned cpus, ioapics; /* from the MADT: the kernel's, never devices */
    /* the FADT's reset register (FADT flag RESET_REG_SUP) */
    bool reset_reg;
    uint8_t reset_space; /* 0 memory, 1 I/O ports */
    uint64_t reset_addr;
    uint8_t reset_value;
};

struct platform {
    struct acpi_facts acpi;
    struct device dev[DEVICES_MAX];
    unsigned count;
    /* PCI configuration space (pci.c) */
    cap_t cfg_ports;                /* 0xcf8..0xcff without ECAM */
    volatile uint8_t *bus_win[256]; /* ECAM: each bus's 1 MiB, mapped on use */
    bool verbose;
    char reboot_methods[32]; /* config: the ways to restart, in order */
};

/* acpi.c: read platform_info and the tables (false: no ACPI). */
bool acpi_read(struct platform *p);
/* legacy.c: add the fixed PC devices the tables and probes allow. */
void legacy_devices(struct platform *p);
/* pci.c: choose the configuration mechanism and add every function. */
void pci_scan(struct platform *p);
/* Configuration space of a function: width 1, 2 or 4; false if it
 * cannot be reached. Offsets are checked by the caller. */
bool pci_read(struct platform *p, const struct device *d, unsigned off, unsigned width, uint32_t *v);
bool pci_write(struct platform *p, const struct device *d, unsigned off, unsigned width, uint32_t v);
/* Bytes of configuration space a function has: 4096 with ECAM, else 256. */
unsigned pci_config_size(const struct platform *p);
/* report.c: publish the table as the report "devices" (if routed). */
void report_devices(struct platform *p);

/* A new device (NULL when the table is full) and a resource of it. */
struct device *device_add(struct platform *p, const char *name, const char *type);
void device_resource(struct device *d, unsigned kind, uint64_t base, uint64_t size);

/* reboot.c: restart the machine for the client labelled who; returns
 * only if no way worked. */
void machine_restart(struct platform *p, const char *who);
/* The capability of a port [port, port + 1) a client's device holds
 * already (CAP_NULL if none): rebooting borrows the i8042's. */
cap_t device_port(struct platform *p, uint64_t port);

/* session.c */
extern const struct rt_service platform_service;

/* A session at core for device memory, ports (base, size) or an
 * interrupt (base), labelled label; io_close ends it, and the
 * capabilities (also every copy a client got) are gone. */
status_t io_open(unsigned kind, const char *label, uint64_t base, uint64_t size, struct io_handle *io);
void io_close(struct io_handle *io);
/* Map device memory through a new IO_MEM session (*at: its first byte
 * at phys); io_unmap detaches and closes it. */
status_t io_map(const char *label, uint64_t phys, uint64_t size, struct io_handle *io, volatile void **at);
void io_unmap(struct io_handle *io, volatile void *at);

#endif
