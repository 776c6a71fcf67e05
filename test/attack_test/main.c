/*
 * attack_test: a hostile child, one attack per <config mode=".."/>, for
 * the run/attack_*.run reproducers. Each mode prints what it tried and
 * what happened; a line with "BROKEN" means the attack worked.
 *
 *   <config mode="rm_fanout"/>  tries a DAG of region maps, 12 wide and
 *                               6 deep, attached into our PD many times;
 *                               core must refuse what it cannot walk
 *                               cheaply, and changes must stay quick
 *   <config mode="console"/>    raw text through SYS_DEBUG_PUTS, posing
 *                               as core, init and a sibling
 *   <config mode="sibling"/>    an honest neighbour: allocates and frees
 *                               in a loop and prints a line every round
 */
#include <rt/component.h>
#include <rt/xml.h>

static uint64_t open_rm(uint64_t pages, cap_t *rm)
{
    char args[128];
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"map\", size=%lu, ram_quota=%u, cap_quota=%u",
             (unsigned long)(pages * PAGE_SIZE), RM_RAM_QUOTA, RM_CAP_QUOTA);
    return parent_session(RM_SERVICE, args, rm, &id);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define FAN 12
#define LEVELS 6 /* maps m[0] (outermost, FAN^5 pages) .. m[5] (1 page, empty) */

static int rm_fanout(unsigned attachments, unsigned probes)
{
    cap_t rm[LEVELS], ds[LEVELS], probe, probe_ds, page;
    uint64_t size, off, at, pages = 1;
    uint64_t t0, t1;
    unsigned refused = 0, tried = 0;
    for (int l = LEVELS - 1; l >= 0; l--) {
        if (open_rm(pages, &rm[l]) || rm_dataspace(rm[l], &ds[l], &size)) {
            printf("rm_fanout: map %d of %lu pages: setup failed\n", l, pages);
            return 1;
        }
        if (l < LEVELS - 1) {
            for (unsigned i = 0; i < FAN; i++) {
                uint64_t st = rm_attach(rm[l], ds[l + 1], i * (pages / FAN) * PAGE_SIZE, 0, &off);
                tried++;
                refused += st == RPC_DENIED;
                if (st && st != RPC_DENIED) {
                    printf("rm_fanout: attach %u at level %d: %s\n", i, l, status_text(st));
                    return 1;
                }
            }
        }
        pages *= FAN;
    }
    printf("rm_fanout: %u maps nested %u deep, %u wide: %u of %u attaches refused\n", LEVELS, LEVELS, FAN,
           refused, tried);
    if (open_rm(4, &probe) || rm_dataspace(probe, &probe_ds, &size) ||
        pd_alloc(ENV_PD, PAGE_SIZE, &page, &size, NULL)) {
        printf("rm_fanout: probe setup failed\n");
        return 1;
    }
    /* our own PD and a few PD sessions of ours: MAX_ATTACH each */
    cap_t pds[6] = {ENV_PD};
    unsigned npds = 1, n = 0;
    for (; npds < 6; npds++) {
        uint64_t id;
        char args[96];
        snprintf(args, sizeof(args), "label=\"pd%u\", ram_quota=%u, cap_quota=%u", npds,
                 (unsigned)PD_RAM_QUOTA, (unsigned)PD_CAP_QUOTA);
        if (parent_session(PD_SERVICE, args, &pds[npds], &id) ||
            pd_transfer(ENV_PD, pds[npds], 0, attachments)) {
            break;
        }
    }
    for (volatile unsigned long spin = 0; spin < 100000000ul; spin++) {
    } /* let the sibling get going */
    t0 = rdtsc();
    for (unsigned p = 0; p < npds; p++) {
        for (unsigned i = 0; i < attachments && !pd_attach(pds[p], ds[0], PD_ATTACH_ANY, 0, &at); i++) {
            n++;
        }
    }
    t1 = rdtsc();
    printf("rm_fanout: outermost map attached %u times into %u PDs (%lu Mcycles)\n", n, npds,
           (t1 - t0) >> 20);
    for (unsigned i = 0; i < probes; i++) {
        t0 = rdtsc();
        uint64_t st = rm_attach(probe, page, 0, 0, &off);
        if (!st) {
            st = rm_detach(probe, 0);
        }
        t1 = rdtsc();
        printf("rm_fanout: probe %u: attach+detach of one page in an unrelated map took %lu Mcycles (%s)\n",
               i, (t1 - t0) >> 20, status_text(st));
    }
    printf("rm_fanout: done\n");
    return 0;
}

/* Text straight to the kernel console, past core's LOG (no label, no
 * filter): lines that look like core's, init's and a sibling's, tried
 * with every capability we hold as the console authority. */
static int console(void)
{
    static const char *const forged[] = {
        "\n[init] child \"victim\" exited with exit value 0\n",
        "[init -> victim] victim: secret handshake ok\n",
        "[core] init exited with exit value 0\n",
        "\033[2J\033[H[init] escape sequences reach the console\n",
    };
    struct arbor_utcb *u = rt_utcb();
    unsigned sent = 0;
    for (unsigned i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        size_t len = strlen(forged[i]);
        bool accepted = false;
        for (cap_t slot = 0; slot < 64 && !accepted; slot++) {
            memcpy(u->buf, forged[i], len);
            accepted = sys_debug_puts(slot, len) == 0;
        }
        sent += accepted;
    }
    printf("console: %u of 4 raw lines accepted by the kernel%s\n", sent, sent ? ": BROKEN" : "");
    return 0;
}

/* An honest neighbour: a round is one allocation at core and a short
 * spin. Measured from one round's start to the next, so a round in which
 * we did not get the CPU at all (core busy at its higher priority) shows
 * as well as a slow answer. */
static int sibling(unsigned rounds)
{
    uint64_t worst = 0, prev = rdtsc();
    for (unsigned i = 0; i < rounds; i++) {
        cap_t ds;
        uint64_t size;
        uint64_t st = pd_alloc(ENV_PD, 4 * PAGE_SIZE, &ds, &size, NULL);
        if (!st) {
            st = pd_free(ENV_PD, ds);
            rt_slot_free(ds);
        }
        for (volatile unsigned long spin = 0; spin < 20000000ul; spin++) {
        }
        uint64_t now = rdtsc(), took = (now - prev) >> 20;
        prev = now;
        worst = took > worst ? took : worst;
        printf("sibling: round %u: allocate, free and spin took %lu Mcycles (%s)%s\n", i, took,
               status_text(st), took > 5000 ? ": SLOW, starved while core was busy" : "");
    }
    printf("sibling: done, worst round %lu Mcycles\n", worst);
    return 0;
}

static unsigned long atoi_dec(const char *s)
{
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long)(*s++ - '0');
    }
    return v;
}

int main(uint64_t arg)
{
    char mode[16] = "", num[16] = "";
    if (!rt_config_attr("mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    unsigned n = rt_config_attr("n", num, sizeof(num)) ? (unsigned)atoi_dec(num) : 0;
    if (!strcmp(mode, "rm_fanout")) {
        return rm_fanout(n ? n : 96, 2);
    }
    if (!strcmp(mode, "console")) {
        return console();
    }
    if (!strcmp(mode, "sibling")) {
        return sibling(n ? n : 20);
    }
    printf("unknown mode \"%s\"\n", mode);
    return 1;
}
