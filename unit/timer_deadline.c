/*
 * The deadline list of drivers/timer: sorted by time, FIFO among equal
 * times, removal from anywhere, and expiry in order.
 */
#include "unit.h"
#include "../drivers/timer/deadline.h"
#include <stddef.h>

TEST(deadlines_expire_in_time_order)
{
    struct deadline *head = NULL, a = {0}, b = {0}, c = {0};
    deadline_insert(&head, &a, 30);
    deadline_insert(&head, &b, 10);
    deadline_insert(&head, &c, 20);
    EXPECT(deadline_expired(&head, 9) == NULL);
    EXPECT(deadline_expired(&head, 25) == &b);
    EXPECT(deadline_expired(&head, 25) == &c);
    EXPECT(deadline_expired(&head, 25) == NULL);
    EXPECT(deadline_expired(&head, 30) == &a);
    EXPECT(head == NULL && !a.queued && !b.queued && !c.queued);
}

TEST(equal_deadlines_keep_their_order)
{
    struct deadline *head = NULL, a = {0}, b = {0}, c = {0};
    deadline_insert(&head, &a, 5);
    deadline_insert(&head, &b, 5);
    deadline_insert(&head, &c, 5);
    EXPECT(deadline_expired(&head, 5) == &a);
    EXPECT(deadline_expired(&head, 5) == &b);
    EXPECT(deadline_expired(&head, 5) == &c);
}

TEST(reinsert_moves_a_queued_deadline)
{
    struct deadline *head = NULL, a = {0}, b = {0};
    deadline_insert(&head, &a, 10);
    deadline_insert(&head, &b, 20);
    deadline_insert(&head, &a, 30); /* a periodic timeout, one period on */
    EXPECT(head == &b && b.next == &a && a.next == NULL && a.at == 30);
}

TEST(remove_from_anywhere_and_twice)
{
    struct deadline *head = NULL, a = {0}, b = {0}, c = {0};
    deadline_insert(&head, &a, 1);
    deadline_insert(&head, &b, 2);
    deadline_insert(&head, &c, 3);
    deadline_remove(&head, &b);
    deadline_remove(&head, &b); /* a closing session removes what is not queued */
    EXPECT(head == &a && a.next == &c && c.next == NULL && !b.queued);
    deadline_remove(&head, &c);
    deadline_remove(&head, &a);
    EXPECT(head == NULL);
}
