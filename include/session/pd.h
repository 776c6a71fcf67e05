/*
 * PD: a protection domain at core, with its RAM and capability account
 * and its address space. Dataspaces are capabilities (core endpoint,
 * badged); pass them in send_caps[0].
 */
#ifndef SESSION_PD_H
#define SESSION_PD_H

#include <session/rpc.h>

#define PD_SERVICE "PD"
#define PD_CAP_SLOT_BITS 10 /* a component's cap space: 1024 slots */
/* The least a PD session needs: the PD object and core's record of the
 * session (3 pages); its memory more. */
#define PD_SESSION_RAM (OBJ_SIZE_PD(PD_CAP_SLOT_BITS) + 3 * 4096ull)
#define PD_SESSION_CAPS 8

#define PD_ATTACH_ANY (~0ull)
#define PD_ATTACH_WRITE 0x1u
#define PD_ATTACH_EXEC  0x2u

enum pd_op {
    /* w[0] bytes -> 1 cap (RAM dataspace), w[0] size. OUT_OF_RAM when the
     * account cannot pay, with w[0] = bytes missing. */
    PD_ALLOC = 1,
    /* send_caps[0] = dataspace of this PD: freed, RAM back to the account. */
    PD_FREE,
    /* send_caps[0] = dataspace; w[0] address or PD_ATTACH_ANY, w[1] flags
     * -> w[0] address. DENIED for writable attach of a read-only one. */
    PD_ATTACH,
    /* w[0] address of an attachment -> gone. */
    PD_DETACH,
    /* -> w[0] RAM quota, w[1] RAM used, w[2] cap quota, w[3] caps used. */
    PD_QUOTA,
    /* send_caps[0] = another PD session: move w[0] bytes and w[1] caps of
     * unused quota to it. */
    PD_TRANSFER,
    /* Set up a new component's environment: send_caps[0] = its parent
     * capability, send_caps[1] = its CPU session, send_caps[2] = its main
     * thread. Core installs them with this PD session at ENV_PARENT /
     * ENV_PD / ENV_CPU / ENV_THREAD. */
    PD_ENV,
    /* send_caps[0] = notification: signalled when a thread of this PD
     * faults in a way core cannot resolve. */
    PD_FAULT_HANDLER,
    /* w[0] = OBJ_ENDPOINT or OBJ_NOTIFICATION -> 1 cap to a new kernel
     * object of that type, paid from this account (64 bytes, 1 cap). */
    PD_ALLOC_OBJ,
    /* send_caps[0] = dataspace -> 1 cap to the same dataspace that can
     * only be attached read-only (for handing out ROM content). */
    PD_DS_READONLY,
    /* -> the last fault: w[0] kind (enum arbor_fault_kind), w[1] address,
     * w[2] ip, w[3] number of faults so far (0: none). */
    PD_FAULT_INFO,
};
/* Words each request takes (RPC_WORDS_OK). */
#define PD_OP_WORDS                                                                                          \
    {[PD_ALLOC] = 1, [PD_FREE] = 0,      [PD_ATTACH] = 2,        [PD_DETACH] = 1,                            \
     [PD_QUOTA] = 0, [PD_TRANSFER] = 2,  [PD_ENV] = 0,           [PD_FAULT_HANDLER] = 0,                     \
     [PD_ALLOC_OBJ] = 1, [PD_DS_READONLY] = 0, [PD_FAULT_INFO] = 0}

#endif
