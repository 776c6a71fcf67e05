/*
 * affinity_test: where init placed this component. Its main thread and a
 * second thread it makes in its own CPU session each read their CPU with
 * rdtscp (TSC_AUX is the CPU's index) a thousand times, yielding in
 * between, and the component logs what they saw:
 *
 *   affinity_test: main thread on CPU 2 (1000 of 1000 reads), second thread on CPU 2 (1000 of 1000), 4 CPU(s)
 *
 * A run script compares the CPU with the <affinity> init was given.
 * With <config session_affinity="X,Y WxH of SWxSH"/> the second thread
 * is made in a CPU session of its own with that affinity argument,
 * which init places inside the child's location (or refuses).
 */
#include <rt/component.h>
#include <session/cpu.h>
#include <session/pd.h>

#define READS 1000
#define STACK_PAGES 4

struct reading {
    unsigned cpu, same;
    volatile bool done;
};

static unsigned cpu_now(void)
{
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux;
}

static void read_cpu(struct reading *r)
{
    r->cpu = cpu_now();
    for (unsigned i = 0; i < READS; i++) {
        r->same += cpu_now() == r->cpu;
        sys_yield();
    }
}

static void second(uint64_t arg)
{
    struct reading *r = (struct reading *)arg;
    read_cpu(r);
    r->done = true;
    for (;;) {
        sys_yield();
    }
}

static status_t start_second(struct reading *r, cap_t cpu)
{
    uint64_t top = STACK_AREA_UTCB(STACK_AREA_FIRST + STACK_AREA_SIZE), size, at;
    cap_t stack, thread;
    status_t st;
    if ((st = pd_alloc(ENV_PD, STACK_PAGES * PAGE_SIZE, &stack, &size, NULL)) ||
        (st = pd_attach(ENV_PD, stack, top - STACK_PAGES * PAGE_SIZE, PD_ATTACH_WRITE, &at)) ||
        (st = cpu_create_thread(cpu, ENV_PD, top, CPU_PRIO_MAX, &thread, NULL))) {
        return st;
    }
    return cpu_start(thread, (uint64_t)second, top - 16, (uint64_t)r);
}

int main(uint64_t arg)
{
    static struct reading main_r, second_r;
    uint64_t w = 0, h = 0, id;
    char affinity[48], args[128];
    cap_t cpu = ENV_CPU;
    status_t st = cpu_affinity_space(ENV_CPU, &w, &h);
    if (!st && rt_config_attr("session_affinity", affinity, sizeof(affinity))) {
        snprintf(args, sizeof(args), "label=\"second\", ram_quota=%u, cap_quota=%u, affinity=\"%s\"",
                 CPU_RAM_QUOTA, CPU_CAP_QUOTA, affinity);
        if ((st = parent_session(CPU_SERVICE, args, &cpu, &id))) {
            printf("affinity_test: a CPU session with affinity=\"%s\" refused: %s\n", affinity,
                   status_text(st));
            return 0;
        }
    }
    if (st || (st = start_second(&second_r, cpu))) {
        printf("affinity_test: FAILED: %s\n", status_text(st));
        return 1;
    }
    read_cpu(&main_r);
    while (!second_r.done) {
        sys_yield();
    }
    printf("affinity_test: main thread on CPU %u (%u of %u reads), second thread on CPU %u (%u of %u), %lu "
           "CPU(s)\n",
           main_r.cpu, main_r.same, READS, second_r.cpu, second_r.same, READS, w * h);
    return 0;
}
