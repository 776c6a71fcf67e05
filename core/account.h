/*
 * Quota accounts (account.c): what a PD may use and what it uses.
 */
#ifndef CORE_ACCOUNT_H
#define CORE_ACCOUNT_H

#include <stdint.h>
#include <stdbool.h>

struct account {
    uint64_t ram_quota, ram_used, cap_quota, cap_used;
};

/* Use ram bytes and caps of the account; false (nothing taken) if either
 * is not there. */
bool account_take(struct account *a, uint64_t ram, uint64_t caps);

/* Give back what account_take took (never below zero). */
void account_give(struct account *a, uint64_t ram, uint64_t caps);

/* Move unused quota from one account to another; false (nothing moved)
 * if from has not that much unused. */
bool account_move(struct account *from, struct account *to, uint64_t ram, uint64_t caps);

#endif
