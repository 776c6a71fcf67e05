/*
 * The restart policy of a child (Arbor's extension of the dialect; Genode
 * restarts children only for a changed version or missed heartbeats):
 *
 *   <start name="blk" ...> <restart on="fault|exit|any" max="3"/> ... </start>
 *
 * A child that ends as `on` says (fault by default) is destroyed as any
 * other (its sessions closed, so its clients see them gone) and started
 * again in the same place with the same <start> node and config, at
 * most `max` times (default 3); after that it stays down, logged. The
 * count survives a restart and is shown by the state report
 * (restarts="N"). A restart happens at once: init has no timer of its
 * own, and a child that fails at once is stopped by max.
 */
#include "init.h"

#define RESTART_MAX_DEFAULT 3

/* Whether <restart> of start asks for a restart after this end (fault:
 * true for a fault, false for an exit); its max in *max. */
static bool wanted(const struct xml_node *start, bool fault, uint64_t *max)
{
    struct xml_node r;
    char on[8] = "fault";
    if (!xml_first_sub_of_type(start, "restart", &r)) {
        return false;
    }
    *max = RESTART_MAX_DEFAULT;
    xml_attr(&r, "on", on, sizeof(on));
    xml_attr_u64(&r, "max", max);
    return strcmp(on, "any") == 0 || strcmp(on, fault ? "fault" : "exit") == 0;
}

void restart_check(const struct xml_node *start)
{
    struct xml_node r;
    char on[8] = "fault";
    uint64_t max = 0;
    if (!xml_first_sub_of_type(start, "restart", &r)) {
        return;
    }
    config_check_attrs(&r, "restart", (const char *const[]){"on", "max", NULL});
    if (xml_attr(&r, "on", on, sizeof(on)) && strcmp(on, "fault") && strcmp(on, "exit") &&
        strcmp(on, "any")) {
        printf("config: line %u: <restart on=\"%s\">: on is fault, exit or any; no restart\n", xml_line(&r),
               on);
    }
    char text[24];
    if (xml_attr(&r, "max", text, sizeof(text)) && !xml_attr_u64(&r, "max", &max)) {
        printf("config: line %u: <restart max=\"%s\"> is no number; %u is used\n", xml_line(&r), text,
               RESTART_MAX_DEFAULT);
    }
}

void child_ended(struct init *in, struct child *ch, const char *fault_kind, int64_t value)
{
    bool fault = fault_kind != NULL;
    uint64_t max = 0;
    struct xml_node start = ch->start;
    unsigned restarts = ch->restarts;
    unsigned index = (unsigned)(ch - in->children);
    char name[sizeof(ch->name)];
    snprintf(name, sizeof(name), "%s", ch->name);
    bool again = wanted(&start, fault, &max);
    child_destroy(in, ch);
    if (!again || restarts >= max) {
        ch->exited = true; /* kept until its <start> goes (config.c) */
        ch->exit_value = value;
        ch->fault = fault_kind;
    }
    if (!again) {
        return;
    }
    if (restarts >= max) {
        printf("child \"%s\" ended by %s after %u restarts: restart max=\"%lu\" reached, it stays down\n",
               name, fault ? "a fault" : "an exit", restarts, max);
        return;
    }
    printf("child \"%s\" restarted after %s (%u of at most %lu)\n", name, fault ? "a fault" : "an exit",
           restarts + 1, max);
    init_launch_at(in, index, &start, restarts + 1);
}
