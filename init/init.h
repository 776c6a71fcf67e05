/*
 * init: starts children from its configuration, gives each its RAM and
 * capability quota, and routes their session requests by the config's
 * routes, prefixing labels with the child's name.
 *
 *   main.c   config, the request loop, routing, child exit and faults
 *   child.c  making a child: PD, CPU, binary, stack, thread, environment
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <rt/component.h>
#include <rt/xml.h>
#include <rt/route.h>
#include <rt/args.h>

#define MAX_CHILDREN 32
#define MAX_CHILD_SESSIONS 16
#define CHILD_PRIO 90
#define CHILD_STACK_PAGES 16 /* below the UTCB of the first stack area */

struct child_session {
    bool used;
    bool local;         /* served by init itself (the config ROM) */
    uint64_t id;        /* at the parent (core) */
    cap_t cap;          /* our copy */
    uint64_t ram, caps; /* quota taken from the child for it */
};

struct child {
    bool used;
    char name[64], binary[64];
    uint64_t ram, caps;
    struct xml_node start;
    cap_t pd, cpu, thread, parent;
    uint64_t pd_id, cpu_id;
    struct child_session sessions[MAX_CHILD_SESSIONS];
    cap_t config_ds;    /* the child's <config>, in its own RAM */
    uint64_t config_len;
};

/* Badges on init's endpoint: children's parent capabilities carry the
 * child index + 1; ROM sessions init serves carry ROM_BADGE. */
#define ROM_BADGE(child) (0x10000u | (child))
#define IS_ROM_BADGE(b) (((b) & ~0xffffull) == 0x10000u)

struct init {
    cap_t ep, note;             /* requests from children; their faults */
    const char *config;
    uint64_t config_size;
    struct xml_node root, default_route;
    bool has_default_route;
    struct child children[MAX_CHILDREN];
    uint64_t start_ram, start_caps; /* our available quota before children */
};

/* child.c */
/* Start ch; on failure *step names what failed. */
uint64_t child_start(struct init *in, struct child *ch, const char **step);
void child_destroy(struct init *in, struct child *ch);

#endif
