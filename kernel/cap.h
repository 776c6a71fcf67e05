/*
 * Capabilities: the slot format and the derivation tree.
 *
 * A slot is 64 bytes. Every capability except the ones the kernel makes at
 * boot has a parent: the capability it was retyped or minted from. Revoking
 * a capability deletes all of its descendants; deleting one moves its
 * children up to its parent, so a later revoke still finds them. The tree
 * code (cap_tree.c) is pure and unit-tested on the host; what deleting the
 * last capability to an object means is the kernel's business (cspace.c).
 */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

#include <stdint.h>
#include <stdbool.h>

struct cap {
    uint8_t type;    /* enum arbor_obj; OBJ_NULL = empty */
    uint8_t rights;  /* RIGHT_* */
    uint8_t owner;   /* where the slot lives: enum cap_owner */
    uint8_t level;   /* page table: its level; untyped, frame: CAP_LEVEL_DEVICE */
    uint32_t count;  /* frame: pages; io port: ports; untyped: generation (untyped.c) */
    uint64_t object; /* object address (kernel virtual) or physical base */
    uint64_t word;   /* badge / untyped size / port base / mapped vaddr / gsi */
    uint64_t map;    /* untyped: watermark; frame, pt: mapping id (0 = none) */
    struct cap *parent, *first_child, *next_sibling, *prev_sibling;
};
_Static_assert(sizeof(struct cap) == 64, "cap slot must be 64 bytes");

#define CAP_LEVEL_DEVICE 0xd /* untyped or frame over device memory */

/* Slots outside cap spaces, inside kernel objects. */
enum cap_owner {
    CAP_OWNER_CSPACE = 0,
    CAP_OWNER_THREAD_PD,
    CAP_OWNER_THREAD_UTCB,
    CAP_OWNER_THREAD_FAULT,
    CAP_OWNER_THREAD_NOTE,
    CAP_OWNER_IRQ_NOTIFY,
    CAP_OWNER_CONSOLE_NOTIFY,
};

/* Link child (an empty, unlinked slot just filled) below parent. */
void cap_tree_link(struct cap *parent, struct cap *child);

/* Take slot out of the tree; its children become children of its parent
 * (or roots if it has none). The slot's contents are left to the caller. */
void cap_tree_unlink(struct cap *slot);

/* The deepest first descendant of slot, or 0 if it has no children: the
 * next capability a revoke deletes. */
struct cap *cap_tree_first_leaf(struct cap *slot);

/* Is descendant below ancestor? */
bool cap_tree_is_descendant(const struct cap *ancestor, const struct cap *descendant);

#endif
