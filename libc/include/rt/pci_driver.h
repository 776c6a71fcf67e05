/*
 * What every PCI device driver does first, over its Platform session
 * (include/session/platform.def): open the session donating for the
 * device's resources and the driver's DMA memory, acquire the first
 * device of its policy whose vendor/device ID is one it drives, enable
 * memory/I/O decoding and bus mastering, bind the function's INTx
 * interrupt to a bit of the driver's entrypoint, allocate DMA memory,
 * and map a BAR's I/O memory.
 */
#ifndef RT_PCI_DRIVER_H
#define RT_PCI_DRIVER_H

#include <rt/component.h>
#include <rt/entrypoint.h>
#include <session/platform.h>

struct pci_driver {
    cap_t platform;
    uint64_t device, resources;
    uint32_t ids; /* device ID << 16 | vendor ID */
    char name[PLATFORM_NAME_MAX + 1];
    cap_t irq;
};

/* Open the Platform session (donating for dma bytes of DMA memory in
 * dma_allocs allocations besides the device's resources) and acquire
 * the first present device whose ID (device << 16 | vendor) is in ids
 * (n of them). False if none: logged, naming what was sought. */
bool pci_driver_find(struct pci_driver *p, const char *what, const uint32_t *ids, unsigned n, uint64_t dma,
                     unsigned dma_allocs);

/* The same for the first device whose class code (base class << 16 |
 * subclass << 8 | programming interface, e.g. 0x010601 for AHCI) is
 * class. */
bool pci_driver_find_class(struct pci_driver *p, const char *what, uint32_t class, uint64_t dma,
                           unsigned dma_allocs);

/* Turn on I/O and memory decoding and bus mastering, leave INTx on. */
bool pci_driver_enable(struct pci_driver *p);

/* Bind the device's interrupt to bit of entry, handled by fn(arg). */
bool pci_driver_irq(struct pci_driver *p, struct rt_entrypoint *entry, unsigned bit, void (*fn)(void *),
                    void *arg);

/* DMA memory of bytes, attached: *virt, *phys (logged on failure). */
bool pci_driver_dma(struct pci_driver *p, uint64_t bytes, void **virt, uint64_t *phys);

/* The I/O memory of BAR bar, attached (NULL if the BAR decodes no I/O
 * memory the platform driver handed us); *size its length. */
volatile uint8_t *pci_driver_mmio(struct pci_driver *p, unsigned bar, uint64_t *size);

#endif
