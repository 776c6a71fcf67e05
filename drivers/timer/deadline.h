/*
 * Deadlines of drivers/timer: one list, sorted by time, of everything the
 * one hardware alarm stands for — each session's timeout and each
 * sleeping caller. The records live in the sessions (paid from their
 * donations); the list only links them. Pure logic, no hardware.
 */
#ifndef TIMER_DEADLINE_H
#define TIMER_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

struct deadline {
    struct deadline *next;
    uint64_t at; /* counter ticks */
    bool queued;
    unsigned tag; /* what the deadline stands for: its owner's to use */
};

/* Queue d (taken out first if queued) at tick at, after the deadlines
 * due at the same tick. */
void deadline_insert(struct deadline **head, struct deadline *d, uint64_t at);

/* Take d out of the list if it is in it. */
void deadline_remove(struct deadline **head, struct deadline *d);

/* The first deadline due at or before now, taken out of the list; NULL
 * when none is due. */
struct deadline *deadline_expired(struct deadline **head, uint64_t now);

#endif
