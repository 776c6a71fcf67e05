/*
 * The capability derivation tree: linking, unlinking (children move up),
 * revoke order (leaves first) and descendant queries.
 */
#include "unit.h"
#include "cap.h"

static struct cap slots[16];

static void reset(void)
{
    memset(slots, 0, sizeof(slots));
}

TEST(link_makes_child_and_descendant)
{
    reset();
    cap_tree_link(NULL, &slots[0]);
    cap_tree_link(&slots[0], &slots[1]);
    cap_tree_link(&slots[1], &slots[2]);
    EXPECT(slots[0].first_child == &slots[1]);
    EXPECT(cap_tree_is_descendant(&slots[0], &slots[2]));
    EXPECT(!cap_tree_is_descendant(&slots[2], &slots[0]));
    EXPECT(!cap_tree_is_descendant(&slots[1], &slots[1]));
}

TEST(unlink_moves_children_to_parent)
{
    reset();
    cap_tree_link(NULL, &slots[0]);
    cap_tree_link(&slots[0], &slots[1]);
    cap_tree_link(&slots[1], &slots[2]);
    cap_tree_link(&slots[1], &slots[3]);
    cap_tree_unlink(&slots[1]);
    EXPECT(slots[2].parent == &slots[0]);
    EXPECT(slots[3].parent == &slots[0]);
    EXPECT(cap_tree_is_descendant(&slots[0], &slots[2]));
    EXPECT(slots[1].parent == NULL && slots[1].first_child == NULL);
    int n = 0;
    for (struct cap *c = slots[0].first_child; c; c = c->next_sibling) {
        EXPECT(c != &slots[1]);
        n++;
    }
    EXPECT(n == 2);
}

TEST(unlink_middle_sibling_keeps_list)
{
    reset();
    cap_tree_link(NULL, &slots[0]);
    for (int i = 1; i <= 3; i++) {
        cap_tree_link(&slots[0], &slots[i]);
    }
    cap_tree_unlink(&slots[2]);
    int n = 0;
    for (struct cap *c = slots[0].first_child; c; c = c->next_sibling) {
        EXPECT(c->prev_sibling == NULL || c->prev_sibling->next_sibling == c);
        n++;
    }
    EXPECT(n == 2);
}

TEST(revoke_removes_derived_caps_leaves_first)
{
    reset();
    cap_tree_link(NULL, &slots[0]);
    cap_tree_link(&slots[0], &slots[1]);
    cap_tree_link(&slots[1], &slots[2]);
    cap_tree_link(&slots[2], &slots[3]);
    cap_tree_link(&slots[0], &slots[4]);
    cap_tree_link(NULL, &slots[5]); /* unrelated tree */
    cap_tree_link(&slots[5], &slots[6]);
    int deleted = 0;
    struct cap *leaf;
    while ((leaf = cap_tree_first_leaf(&slots[0]))) {
        EXPECT(leaf->first_child == NULL);
        cap_tree_unlink(leaf);
        deleted++;
    }
    EXPECT(deleted == 4);
    EXPECT(slots[0].first_child == NULL);
    EXPECT(slots[6].parent == &slots[5]);
}

TEST(revoke_after_delete_still_finds_grandchildren)
{
    reset();
    cap_tree_link(NULL, &slots[0]);
    cap_tree_link(&slots[0], &slots[1]);
    cap_tree_link(&slots[1], &slots[2]);
    cap_tree_unlink(&slots[1]); /* delete the middle copy */
    EXPECT(cap_tree_first_leaf(&slots[0]) == &slots[2]);
}

TEST(first_leaf_of_childless_is_null)
{
    reset();
    cap_tree_link(NULL, &slots[0]);
    EXPECT(cap_tree_first_leaf(&slots[0]) == NULL);
}
