/*
 * The legacy 8259 PICs. The kernel never uses them, but firmware leaves
 * their vectors at 0x08..0x0f, on top of the CPU exceptions: an interrupt
 * from an unmasked PIC would look like a double fault. At boot they are
 * reprogrammed to VEC_PIC_BASE..+15 (a range nothing else uses) and
 * masked. A PIC interrupt that still arrives is either spurious (IRQ 7 or
 * 15 with the in-service bit clear: no EOI to that PIC) or a line somebody
 * unmasked: it is masked again, acknowledged and reported once.
 */
#include "../../kernel.h"
#include "arch.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIC_READ_ISR 0x0b

void pic_init(void)
{
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
    outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VEC_PIC_BASE); /* ICW2: vector base */
    outb(PIC2_DATA, VEC_PIC_BASE + 8);
    outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff); /* every line masked */
    outb(PIC2_DATA, 0xff);
}

static bool in_service(uint16_t cmd, unsigned line)
{
    outb(cmd, PIC_READ_ISR);
    return inb(cmd) & (1u << line);
}

void pic_interrupt(unsigned irq)
{
    static uint16_t reported;
    bool slave = irq >= 8;
    unsigned line = irq & 7;
    if (line == 7 && !in_service(slave ? PIC2_CMD : PIC1_CMD, 7)) {
        if (slave) {
            outb(PIC1_CMD, PIC_EOI); /* the master did see its IRQ 2 */
        }
        return; /* spurious */
    }
    uint16_t data = slave ? PIC2_DATA : PIC1_DATA;
    outb(data, inb(data) | (uint8_t)(1u << line));
    if (slave) {
        outb(PIC2_CMD, PIC_EOI);
    }
    outb(PIC1_CMD, PIC_EOI);
    if (!(reported & (1u << irq))) {
        reported |= (uint16_t)(1u << irq);
        kprintf("kernel: PIC IRQ %u arrived though the PIC is masked (vector 0x%x): masked again\n", irq,
                VEC_PIC_BASE + irq);
    }
}
