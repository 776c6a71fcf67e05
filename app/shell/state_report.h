/*
 * The sub-init's state report, in Genode's form (init's <report
 * child_ram="yes" child_caps="yes" init_ram="yes" init_caps="yes"/>):
 *
 *   <state version="..">
 *       <ram quota=".." used=".." avail=".."/>          init's own (init_ram)
 *       <caps quota=".." used=".." avail=".."/>         init's own (init_caps)
 *       <child name="hello" binary="hello" id="1" [exited="N"] [faulted="what"]>
 *           <ram assigned="1M" quota=".." used=".." avail=".."/>
 *           <caps assigned="100" quota=".." used=".." avail=".."/>
 *       </child>
 *   </state>
 *
 * Numbers are bytes, with or without K/M/G. Pure logic (unit/shell.c).
 */
#ifndef SHELL_STATE_REPORT_H
#define SHELL_STATE_REPORT_H

#include <rt/xml.h>

struct quota_use {
    bool known; /* the node was there */
    uint64_t quota, used, avail;
};

struct child_state {
    char name[32], binary[32];
    bool exited;
    int64_t exit_value; /* INT64_MIN: exited="" is no number */
    bool faulted;       /* Arbor's init: faulted="page fault" */
    char fault[24];
    bool ended; /* exited or faulted: listed until its <start> goes */
    struct quota_use ram, caps;
};

/* The quota of node's <ram> or <caps> (type) sub node. */
struct quota_use state_quota(const struct xml_node *node, const char *type);

/* Read one <child> node. */
void state_child(const struct xml_node *child, struct child_state *out);

/* How an ended child ended, e.g. "exited with exit value 0" or
 * "faulted: page fault", into out[cap]. */
void state_end_text(const struct child_state *c, char *out, size_t cap);

/* Find the child called name in state; false if it is not listed. */
bool state_find(const struct xml_node *state, const char *name, struct child_state *out);

#endif
