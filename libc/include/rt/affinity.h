/*
 * Affinity as Genode has it: an affinity space (a grid of width x height
 * CPUs, as a parent sees them) and a location in it (a rectangle xpos,
 * ypos, width, height). A session request carries both in the session
 * argument `affinity="X,Y WxH of SWxSH"`; each parent subordinates what
 * its child asked for to the child's own location, and core scales the
 * result onto the physical space (the kernel's CPUs in one row), so a
 * component names CPUs only relative to what its parent gave it.
 */
#ifndef RT_AFFINITY_H
#define RT_AFFINITY_H

#include <stdbool.h>

#define AFFINITY_SPACE_MAX 65536u /* width * height of any space */

struct affinity {
    unsigned space_w, space_h; /* the space, each at least 1 */
    unsigned x, y, w, h;       /* the location, inside the space */
};

/* Parse "X,Y WxH of SWxSH" (decimal): false unless the text is exactly
 * that and the location lies inside a space of at most
 * AFFINITY_SPACE_MAX CPUs. */
bool affinity_parse(const char *text, struct affinity *out) __attribute__((warn_unused_result));

/* Write a as affinity_parse reads it; false if cap is too small. */
bool affinity_format(const struct affinity *a, char *out, unsigned cap) __attribute__((warn_unused_result));

/* Genode's Affinity::scale_to: a's location in a space of sw x sh,
 * clipped to it, at least one CPU wide and high. */
struct affinity affinity_scale_to(const struct affinity *a, unsigned sw, unsigned sh);

/* Genode's filter_session_affinity: what a child whose own affinity is
 * child asked for (asked NULL: nothing) becomes in the parent's terms:
 * the child's space refined by the asked space, the asked location
 * placed inside the child's location. Spaces beyond AFFINITY_SPACE_MAX
 * give the child's own affinity. */
struct affinity affinity_filter(const struct affinity *child, const struct affinity *asked);

#endif
