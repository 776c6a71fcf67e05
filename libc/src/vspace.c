/*
 * Map a frame, making missing page tables on the way (rt/vspace.h).
 */
#include <rt/vspace.h>

#define LEVELS 4 /* at most three tables can be missing below the PML4 */

uint64_t rt_map_frame(cap_t frame, cap_t pd, uint64_t va, unsigned rights, rt_table_fn new_table, void *arg)
{
    for (int tries = 0; tries < LEVELS; tries++) {
        struct sys_result r = sys_frame_map(frame, pd, va, rights);
        if (r.err != ERR_NO_TABLE) {
            return r.err;
        }
        cap_t pt;
        uint64_t err = new_table(arg, &pt);
        if (err) {
            return err;
        }
        r = sys_pt_map(pt, pd, r.r1, (unsigned)r.r0);
        if (r.err) {
            return r.err;
        }
    }
    return ERR_NO_TABLE;
}
