/*
 * The capability derivation tree (see cap.h). Pure pointer manipulation,
 * built into the kernel and into the host unit tests.
 */
#include "cap.h"
#include <stddef.h>

void cap_tree_link(struct cap *parent, struct cap *child)
{
    child->parent = parent;
    child->first_child = NULL;
    child->prev_sibling = NULL;
    child->next_sibling = parent ? parent->first_child : NULL;
    if (child->next_sibling) {
        child->next_sibling->prev_sibling = child;
    }
    if (parent) {
        parent->first_child = child;
    }
}

static void detach(struct cap *slot)
{
    if (slot->prev_sibling) {
        slot->prev_sibling->next_sibling = slot->next_sibling;
    } else if (slot->parent) {
        slot->parent->first_child = slot->next_sibling;
    }
    if (slot->next_sibling) {
        slot->next_sibling->prev_sibling = slot->prev_sibling;
    }
}

void cap_tree_unlink(struct cap *slot)
{
    detach(slot);
    struct cap *c = slot->first_child;
    while (c) {
        struct cap *next = c->next_sibling;
        cap_tree_link(slot->parent, c);
        c = next;
    }
    slot->parent = slot->first_child = NULL;
    slot->next_sibling = slot->prev_sibling = NULL;
}

struct cap *cap_tree_first_leaf(struct cap *slot)
{
    struct cap *c = slot->first_child;
    if (!c) {
        return NULL;
    }
    while (c->first_child) {
        c = c->first_child;
    }
    return c;
}

bool cap_tree_is_descendant(const struct cap *ancestor, const struct cap *descendant)
{
    for (const struct cap *p = descendant->parent; p; p = p->parent) {
        if (p == ancestor) {
            return true;
        }
    }
    return false;
}
