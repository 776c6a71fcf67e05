/*
 * Device access from core, each resource to at most one session at a time:
 *   IO_MEM  args base=, size=   a dataspace over device memory (uncached)
 *   IO_PORT args base=, size=   a kernel I/O port capability for the range
 *   IRQ     args irq=           a kernel IRQ capability; the client binds
 *                               its notification (sys_irq_bind) and
 *                               acknowledges (sys_irq_ack) itself
 * A request for a range or line another session holds is answered BUSY;
 * one outside what exists, NOT_FOUND.
 */
#ifndef SESSION_IO_H
#define SESSION_IO_H

#include <session/rpc.h>

#define IO_MEM_SERVICE  "IO_MEM"
#define IO_PORT_SERVICE "IO_PORT"
#define IRQ_SERVICE     "IRQ"
#define IO_RAM_QUOTA 4096
#define IO_CAP_QUOTA 2

enum io_op {
    /* Reply: 1 cap: IO_MEM a dataspace (w[0] size), IO_PORT an I/O port
     * cap, IRQ an IRQ cap. */
    IO_CAP = 1,
};

#endif
