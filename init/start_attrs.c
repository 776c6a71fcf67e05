/*
 * The scheduling attributes of init's config, as Genode's sandbox reads
 * them: `prio_levels` and `<affinity-space>` at the top, `<start
 * priority>` and `<affinity>` per child. A child's priority becomes a
 * range of Genode's virtual priorities (0 highest .. 65535), which init
 * puts into the priority argument of each CPU session of the child;
 * nested inits subdivide their own range the same way, and core scales
 * the result onto the kernel's priorities (include/session/cpu.def).
 */
#include "init.h"
#include <rt/affinity.h>

/* Whether text is a whole decimal number, optionally negative. */
static bool signed_number(const char *text, long *out)
{
    bool neg = *text == '-';
    long v = 0;
    const char *p = text + neg;
    if (!*p) {
        return false;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000) {
            return false;
        }
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return true;
}

void sched_config(struct init *in, const struct xml_node *root)
{
    uint64_t levels = 0, w = 1, h = 1;
    struct xml_node space;
    in->prio_levels = 0;
    in->prio_log2 = 0;
    if (xml_has_attr(root, "prio_levels") && !xml_attr_u64(root, "prio_levels", &levels)) {
        printf("config: line %u: prio_levels is not a number; priorities are off\n", xml_line(root));
        levels = 0;
    }
    if (levels & (levels - 1) || levels > CPU_PRIO_VIRTUAL_LIMIT) {
        printf("config: line %u: prio_levels=\"%lu\" is not a power of two (up to %u); priorities are off\n",
               xml_line(root), levels, CPU_PRIO_VIRTUAL_LIMIT);
        levels = 0;
    }
    in->prio_levels = (unsigned)levels;
    while (levels > 1u << in->prio_log2) {
        in->prio_log2++;
    }
    if (xml_first_sub_of_type(root, "affinity-space", &space) &&
        ((xml_has_attr(&space, "width") && !xml_attr_u64(&space, "width", &w)) ||
         (xml_has_attr(&space, "height") && !xml_attr_u64(&space, "height", &h)) || !w || !h || w > 256 ||
         h > 256)) {
        printf("config: line %u: <affinity-space> needs a width and height of 1 .. 256; 1x1 used\n",
               xml_line(&space));
        w = h = 1;
    }
    in->space_w = (unsigned)w;
    in->space_h = (unsigned)h;
}

/* <start priority>: 0 (the default) .. -(levels-1), clamped as Genode
 * does; the child's virtual priorities start at its level's share. */
static void start_priority(const struct init *in, struct child *ch, const struct xml_node *start)
{
    char text[16] = "0";
    long p = 0;
    if (xml_attr(start, "priority", text, sizeof(text)) && !signed_number(text, &p)) {
        printf("config: line %u: priority of \"%s\" is not a number; 0 used\n", xml_line(start), ch->name);
        p = 0;
    }
    long lowest = in->prio_levels ? -(long)(in->prio_levels - 1) : 0;
    if (p > 0 || p < lowest) {
        long to = p > 0 ? 0 : lowest;
        printf("config: line %u: priority %ld of \"%s\" is outside 0 .. %ld (prio_levels=\"%u\"): %ld used\n",
               xml_line(start), p, ch->name, lowest, in->prio_levels, to);
        p = to;
    }
    ch->priority = (int)p;
    ch->prio_log2 = in->prio_log2;
    ch->vprio = in->prio_levels ? (uint64_t)-p * (CPU_PRIO_VIRTUAL_LIMIT / in->prio_levels) : 0;
}

/* <affinity xpos ypos width height> inside the affinity space, else the
 * whole space (with a warning); the child starts either way. */
static void start_affinity(const struct init *in, struct child *ch, const struct xml_node *start)
{
    struct xml_node a;
    uint64_t v[4] = {0, 0, 1, 1};
    static const char *const names[] = {"xpos", "ypos", "width", "height"};
    ch->aff_x = ch->aff_y = 0;
    ch->aff_space_w = in->space_w;
    ch->aff_space_h = in->space_h;
    ch->aff_w = in->space_w;
    ch->aff_h = in->space_h;
    if (!xml_first_sub_of_type(start, "affinity", &a)) {
        return;
    }
    bool ok = true;
    for (unsigned i = 0; i < 4; i++) {
        ok &= !xml_has_attr(&a, names[i]) || xml_attr_u64(&a, names[i], &v[i]);
    }
    if (!ok || !v[2] || !v[3] || v[0] + v[2] > in->space_w || v[1] + v[3] > in->space_h) {
        printf("config: line %u: <affinity> of \"%s\" is not inside the affinity space %ux%u; the whole "
               "space used\n",
               xml_line(&a), ch->name, in->space_w, in->space_h);
        return;
    }
    ch->aff_x = (unsigned)v[0];
    ch->aff_y = (unsigned)v[1];
    ch->aff_w = (unsigned)v[2];
    ch->aff_h = (unsigned)v[3];
}

void sched_start(struct init *in, struct child *ch, const struct xml_node *start)
{
    start_priority(in, ch, start);
    start_affinity(in, ch, start);
    bool managing = false;
    if (xml_has_attr(start, "managing_system") && !xml_attr_bool(start, "managing_system", &managing)) {
        printf("config: line %u: managing_system of \"%s\" is not yes or no; no used\n", xml_line(start),
               ch->name);
    }
    ch->managing_system = managing;
    if (in->verbose) {
        printf("child \"%s\": priority %d (virtual %lu of %u), affinity %u,%u %ux%u of %ux%u%s\n", ch->name,
               ch->priority, ch->vprio, CPU_PRIO_VIRTUAL_LIMIT, ch->aff_x, ch->aff_y, ch->aff_w, ch->aff_h,
               in->space_w, in->space_h, ch->managing_system ? ", managing system" : "");
    }
    uint64_t w = 1, h = 1; /* the physical space: the CPUs the kernel runs */
    if (in->space_w * in->space_h > 1 && !in->told_single_cpu && !cpu_affinity_space(ENV_CPU, &w, &h) &&
        w * h == 1) {
        printf("affinity: single CPU: locations are recorded, not applied\n");
        in->told_single_cpu = true;
    }
}

bool sched_child_affinity(const struct child *ch, const char *asked, char *out, unsigned cap)
{
    struct affinity own = {.space_w = ch->aff_space_w,
                           .space_h = ch->aff_space_h,
                           .x = ch->aff_x,
                           .y = ch->aff_y,
                           .w = ch->aff_w,
                           .h = ch->aff_h},
                    a;
    if (asked && !affinity_parse(asked, &a)) {
        return false;
    }
    struct affinity r = affinity_filter(&own, asked ? &a : NULL);
    return affinity_format(&r, out, cap);
}

uint64_t sched_child_priority(const struct child *ch, uint64_t requested)
{
    uint64_t p = requested < CPU_PRIO_VIRTUAL_LIMIT ? requested : CPU_PRIO_VIRTUAL_LIMIT - 1;
    return (p >> ch->prio_log2) | ch->vprio;
}
