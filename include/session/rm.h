/*
 * RM: a region map, an address range of its own into which dataspaces are
 * attached at offsets. The map itself is a dataspace (RM_DATASPACE) that
 * can be attached into a PD or into another region map (nesting); what is
 * attached to the map appears at every place the map is attached.
 */
#ifndef SESSION_RM_H
#define SESSION_RM_H

#include <session/rpc.h>

#define RM_SERVICE "RM"
#define RM_RAM_QUOTA 8192
#define RM_CAP_QUOTA 4
#define RM_ANY (~0ull)

enum rm_op {
    /* Reply: 1 cap, the dataspace standing for the map; w[0] its size. */
    RM_DATASPACE = 1,
    /* send_caps[0] = dataspace; w[0] offset or RM_ANY, w[1] PD_ATTACH_*
     * flags -> w[0] offset. INVALID when it does not fit or overlaps,
     * DENIED when it would put a map into itself. */
    RM_ATTACH,
    /* w[0] offset of an attachment -> gone from every place. */
    RM_DETACH,
};
/* Words each request takes (RPC_WORDS_OK). */
#define RM_OP_WORDS {[RM_DATASPACE] = 0, [RM_ATTACH] = 2, [RM_DETACH] = 1}

#endif
