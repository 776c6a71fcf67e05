/*
 * Quota accounts: RAM bytes and capabilities a PD may use. Pure
 * arithmetic, unit-tested on the host (unit/account.c).
 */
#include "account.h"

bool account_take(struct account *a, uint64_t ram, uint64_t caps)
{
    if (a->ram_used > a->ram_quota || a->cap_used > a->cap_quota || a->ram_quota - a->ram_used < ram ||
        a->cap_quota - a->cap_used < caps) {
        return false;
    }
    a->ram_used += ram;
    a->cap_used += caps;
    return true;
}

void account_give(struct account *a, uint64_t ram, uint64_t caps)
{
    a->ram_used -= ram <= a->ram_used ? ram : a->ram_used;
    a->cap_used -= caps <= a->cap_used ? caps : a->cap_used;
}

bool account_move(struct account *from, struct account *to, uint64_t ram, uint64_t caps)
{
    if (!account_take(from, ram, caps)) {
        return false;
    }
    from->ram_used -= ram;
    from->cap_used -= caps;
    from->ram_quota -= ram;
    from->cap_quota -= caps;
    to->ram_quota += ram;
    to->cap_quota += caps;
    return true;
}
