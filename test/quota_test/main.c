/*
 * quota_test: runs into its quota on purpose, for run/quota.run.
 *   <config mode="ram"/>     allocate 64 KiB dataspaces until RAM runs out
 *   <config mode="caps"/>    allocate 4 KiB dataspaces until caps run out
 *   <config mode="sibling"/> keep working meanwhile: allocate, use, free
 * Each prints what it got and the error that stopped it, then exits 0.
 */
#include <rt/component.h>
#include <rt/xml.h>
#include <rt/heap.h>

static int exhaust(uint64_t chunk, const char *what)
{
    uint64_t count = 0, missing = 0;
    cap_t ds;
    uint64_t st;
    /* Print first: the LOG session must be open before the quota is gone. */
    printf("%s: allocating until the quota runs out\n", what);
    while ((st = pd_alloc(ENV_PD, chunk, &ds, NULL, &missing)) == RPC_OK) {
        count++;
    }
    printf("%s: %lu dataspaces of %lu KiB, then: %s (%lu %s missing)\n", what, count, chunk >> 10,
           status_text(st), st == RPC_OUT_OF_RAM ? missing >> 10 : missing,
           st == RPC_OUT_OF_RAM ? "KiB" : "caps");
    return st == RPC_OUT_OF_RAM || st == RPC_OUT_OF_CAPS ? 0 : 1;
}

static int sibling(void)
{
    for (unsigned round = 1; round <= 20; round++) {
        cap_t ds;
        uint64_t size;
        uint8_t *p;
        if (pd_alloc(ENV_PD, 16384, &ds, &size, NULL) || rt_attach(ds, PD_ATTACH_WRITE, (void **)&p)) {
            printf("sibling: allocation failed in round %u\n", round);
            return 1;
        }
        memset(p, (int)round, size);
        bool ok = p[size - 1] == (uint8_t)round;
        pd_detach(ENV_PD, (uint64_t)p);
        pd_free(ENV_PD, ds);
        rt_slot_free(ds);
        if (!ok) {
            return 1;
        }
        sys_yield();
    }
    printf("sibling: 20 rounds of allocate, use, free: ok\n");
    char *blocks[40];
    for (unsigned i = 0; i < 40; i++) {
        blocks[i] = malloc(10000 + i);
        if (!blocks[i]) {
            printf("sibling: malloc failed\n");
            return 1;
        }
        memset(blocks[i], (int)i, 10000 + i);
    }
    for (unsigned i = 0; i < 40; i++) {
        if (blocks[i][9999 + i] != (char)i) {
            return 1;
        }
        free(blocks[i]);
    }
    printf("sibling: heap: 40 blocks of about 10 KiB: ok\n");
    cap_t log;
    uint64_t id;
    uint64_t st = parent_session(LOG_SERVICE, "label=\"upgraded\", ram_quota=4096, cap_quota=1", &log, &id);
    if (!st) {
        st = parent_upgrade(ENV_PARENT, id, 8192, 1);
    }
    printf("sibling: session upgrade by 8 KiB: %s\n", status_text(st));
    printf("sibling: upgrade beyond the quota: %s\n",
           status_text(parent_upgrade(ENV_PARENT, id, 64ull << 20, 0)));
    uint64_t q0[4], q1[4];
    pd_quota(ENV_PD, &q0[0], &q0[1], &q0[2], &q0[3]);
    st = parent_resource_request(ENV_PARENT, 1u << 20, 0);
    pd_quota(ENV_PD, &q1[0], &q1[1], &q1[2], &q1[3]);
    printf("sibling: resource request for 1 MiB: %s, quota %lu -> %lu KiB\n", status_text(st), q0[0] >> 10,
           q1[0] >> 10);
    printf("sibling: resource request for 4 MiB more: %s\n",
           status_text(parent_resource_request(ENV_PARENT, 4u << 20, 0)));
    /* Our band: a thread asked for at priority 99 gets at most init's limit for us. */
    cap_t cpu, thread;
    uint64_t prio = 99;
    st = parent_session(CPU_SERVICE, "label=\"extra\", ram_quota=4096, cap_quota=2, priority=100", &cpu, &id);
    if (!st) {
        st = cpu_create_thread(cpu, ENV_PD, STACK_AREA_UTCB(STACK_AREA_FIRST + STACK_AREA_SIZE), prio,
                               &thread, &prio);
    }
    printf("sibling: a thread asked for at priority 99 got %lu (%s)\n", prio, status_text(st));
    return 0;
}

int main(uint64_t arg)
{
    char mode[16] = "";
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    if (!strcmp(mode, "ram")) {
        return exhaust(65536, "ram");
    }
    if (!strcmp(mode, "caps")) {
        return exhaust(4096, "caps");
    }
    return sibling();
}
