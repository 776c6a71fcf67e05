/*
 * The sorted list of deadlines (deadline.h). Insertion walks the list:
 * a server child has at most 64 sessions (init's limit), two deadlines
 * each, so a heap would buy nothing.
 */
#include "deadline.h"
#include <stddef.h>

void deadline_remove(struct deadline **head, struct deadline *d)
{
    if (!d->queued) {
        return;
    }
    while (*head != d) {
        head = &(*head)->next;
    }
    *head = d->next;
    d->next = NULL;
    d->queued = false;
}

void deadline_insert(struct deadline **head, struct deadline *d, uint64_t at)
{
    deadline_remove(head, d);
    while (*head && (*head)->at <= at) {
        head = &(*head)->next;
    }
    d->at = at;
    d->next = *head;
    d->queued = true;
    *head = d;
}

struct deadline *deadline_expired(struct deadline **head, uint64_t now)
{
    struct deadline *d = *head;
    if (!d || d->at > now) {
        return NULL;
    }
    deadline_remove(head, d);
    return d;
}
