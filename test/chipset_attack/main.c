/*
 * chipset_attack: a Platform client whose policy names the chipset's
 * bridges (a broad policy, or a careless one) and that writes their
 * configuration registers to take the machine from the kernel, for
 * run/attack_chipset.run (q35):
 *   - the host bridge's PCIEXBAR (00:00.0, 0x60): the ECAM window moved
 *     to address 0 and enabled, so that configuration space covers the
 *     first 256 MiB of RAM (the kernel, its page tables);
 *   - the LPC bridge's PMBASE (00:1f.0, 0x40): the ACPI power-management
 *     ports moved over COM1 (0x380..0x3ff), the kernel's console;
 *   - the same bridges' command registers (bus mastering, decoding off).
 * Each write must be refused (DENIED) and leave the register as it was;
 * reads stay allowed. Its own device, an e1000 (00:05.0), stays usable:
 * its command register is written and reads back.
 *   <config/>
 * With <config mode="i8042"/> it holds the i8042 (device "ps2") instead:
 * writing its command port directly must fail (the platform driver
 * hands it out to read only), the commands that reset the machine or
 * mask A20 must be refused by i8042_command, a harmless one must work.
 * Lines "chipset_attack: WHAT: ok" or "... FAILED", last "done, N failed".
 */
#include <rt/component.h>
#include <session/platform.h>

static unsigned failed;

static void verdict(bool ok, const char *what)
{
    printf("chipset_attack: %s: %s\n", what, ok ? "ok" : "FAILED");
    failed += !ok;
}

static bool acquire(cap_t s, const char *name, uint64_t *dev)
{
    uint64_t n;
    status_t st = platform_acquire(s, name, dev, &n);
    if (st) {
        printf("chipset_attack: acquire %s: %s\n", name, status_text(st));
    }
    return !st;
}

/* Write value at off (width 4 or 2), expect it refused and the register
 * unchanged. */
static void refused(cap_t s, uint64_t dev, const char *what, uint64_t off, uint64_t width, uint64_t value)
{
    uint64_t before = 0, after = 0;
    char line[128];
    bool ok = platform_config_read(s, dev, off, width, &before) == RPC_OK;
    status_t st = platform_config_write(s, dev, off, width, value);
    ok &= platform_config_read(s, dev, off, width, &after) == RPC_OK;
    snprintf(line, sizeof(line), "%s: %s, 0x%lx before, 0x%lx after", what, status_text(st), before, after);
    verdict(ok && st == RPC_DENIED && before == after, line);
}

/* The i8042 (device "ps2"): its command port reads, but writes to it
 * fail in the kernel, and the commands that reset the machine or switch
 * A20 are refused by the platform driver; a harmless one (0x20, read the
 * configuration byte) is written and answered. */
static int i8042(void)
{
    cap_t s, p60, p64;
    uint64_t id, dev, kind, base, size, v = 0;
    if (parent_session(PLATFORM_SERVICE, "label=\"\", ram_quota=65536, cap_quota=40", &s, &id) ||
        !acquire(s, "ps2", &dev) || platform_resource(s, dev, 0, &p60, &kind, &base, &size) ||
        platform_resource(s, dev, 1, &p64, &kind, &base, &size) || base != 0x64) {
        printf("chipset_attack: device ps2: FAILED\n");
        return 1;
    }
    verdict(!sys_port_in(p64, 0x64, 1, &v) && v != 0xff, "the i8042's status reads");
    verdict(sys_port_out(p64, 0x64, 1, 0xd1) == ERR_NO_RIGHTS, "port 0x64 written directly: no rights");
    static const uint64_t machine[] = {0xd1, 0xfe, 0xf0, 0xff, 0xdd, 0xdf};
    bool ok = true;
    for (unsigned i = 0; i < sizeof(machine) / sizeof(machine[0]); i++) {
        ok &= platform_i8042_command(s, dev, machine[i]) == RPC_DENIED;
    }
    verdict(ok, "i8042 commands 0xd1, 0xfe, 0xf0, 0xff, 0xdd, 0xdf denied");
    verdict(platform_i8042_command(s, dev, 0x100) == RPC_INVALID &&
                platform_i8042_command(s, dev + 1, 0x20) == RPC_INVALID,
            "a command above 0xff and one for another device invalid");
    /* read the configuration byte: command 0x20, the answer on 0x60 */
    ok = platform_i8042_command(s, dev, 0x20) == RPC_OK;
    v = 0;
    for (unsigned k = 0; ok && k < 100000 && !(v & 1); k++) {
        sys_port_in(p64, 0x64, 1, &v);
    }
    uint64_t config = 0;
    ok = ok && (v & 1) && !sys_port_in(p60, 0x60, 1, &config);
    printf("chipset_attack: i8042 configuration byte 0x%lx\n", config);
    verdict(ok, "i8042 command 0x20 written and answered");
    for (unsigned k = 0; k < 1000; k++) {
        sys_yield(); /* had A20 been masked, we would not get here */
    }
    parent_close(ENV_PARENT, id, NULL, NULL);
    printf("chipset_attack: done, %u failed\n", failed);
    return failed ? 1 : 0;
}

int main(uint64_t arg)
{
    (void)arg;
    char mode[8] = "";
    rt_config_attr("mode", mode, sizeof(mode));
    if (!strcmp(mode, "i8042")) {
        return i8042();
    }
    cap_t s;
    uint64_t id, host, lpc, nic, v = 0;
    status_t st = parent_session(PLATFORM_SERVICE, "label=\"\", ram_quota=65536, cap_quota=40", &s, &id);
    if (st || !acquire(s, "00:00.0", &host) || !acquire(s, "00:1f.0", &lpc) || !acquire(s, "00:05.0", &nic)) {
        printf("chipset_attack: Platform session or devices: FAILED\n");
        return 1;
    }
    verdict(platform_config_read(s, host, 0, 4, &v) == RPC_OK && (v & 0xffff) == 0x8086,
            "the host bridge's configuration space reads");
    refused(s, host, "host bridge PCIEXBAR to 0, 256 MiB, enabled", 0x60, 4, 0x1);
    refused(s, host, "host bridge PCIEXBAR high half", 0x64, 4, 0);
    refused(s, host, "host bridge command register", 0x04, 2, 0);
    refused(s, lpc, "LPC bridge PMBASE over COM1", 0x40, 4, 0x381);
    refused(s, lpc, "LPC bridge command register", 0x04, 2, 0x7);
    /* Still running, and the driver still reaches configuration space:
     * had ECAM moved over RAM, neither would be true. */
    verdict(platform_config_read(s, host, 0, 4, &v) == RPC_OK && (v & 0xffff) == 0x8086,
            "the host bridge still reads as Intel's");
    uint64_t cmd = 0, back = 0;
    bool ok = platform_config_read(s, nic, 0x04, 2, &cmd) == RPC_OK &&
              platform_config_write(s, nic, 0x04, 2, cmd | 0x6) == RPC_OK &&
              platform_config_read(s, nic, 0x04, 2, &back) == RPC_OK && (back & 0x6) == 0x6;
    verdict(ok, "its own e1000's command register (memory, bus master) written");
    parent_close(ENV_PARENT, id, NULL, NULL);
    printf("chipset_attack: done, %u failed\n", failed);
    return failed ? 1 : 0;
}
