/*
 * fault_test: misbehaves as its config says, for run/fault.run.
 *   <config mode="null"/>   write to address 0
 *   <config mode="ud2"/>    execute an invalid opcode
 *   <config mode="stack"/>  recurse until the stack runs into its guard
 *   <config mode="ticker"/> behave: print "tick N" 10 times, exit 0
 */
#include <rt/component.h>
#include <rt/xml.h>

static volatile uint64_t sink;

/* Recurses until the stack overflows: sink never reaches ~0. */
static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[512];
    frame[0] = (uint8_t)depth;
    sink += frame[0];
    if (sink == ~0ull) {
        return depth;
    }
    return recurse(depth + 1) + frame[0];
}

static void tick(void)
{
    for (unsigned i = 1; i <= 10; i++) {
        for (unsigned spin = 0; spin < 3000000; spin++) {
            sink += spin;
        }
        printf("tick %u\n", i);
        sys_yield();
    }
}

int main(uint64_t arg)
{
    char mode[16] = "";
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    printf("mode %s\n", mode);
    if (!strcmp(mode, "null")) {
        *(volatile uint64_t *)sink = 1; /* sink is 0 here */
    } else if (!strcmp(mode, "ud2")) {
        __asm__ volatile("ud2");
    } else if (!strcmp(mode, "stack")) {
        return (int)recurse(0);
    } else if (!strcmp(mode, "ticker")) {
        tick();
        return 0;
    }
    printf("mode %s did not fault\n", mode);
    return 2;
}
