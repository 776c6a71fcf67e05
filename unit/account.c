/*
 * Quota arithmetic of core's accounts: taking, giving back, moving, and
 * that nothing ever goes below zero or above the quota.
 */
#include "unit.h"
#include "account.h"
#include <stdint.h>

TEST(take_within_quota_and_refuse_beyond)
{
    struct account a = {.ram_quota = 8192, .cap_quota = 3};
    EXPECT(account_take(&a, 4096, 1));
    EXPECT(account_take(&a, 4096, 2));
    EXPECT(!account_take(&a, 1, 0));
    EXPECT(!account_take(&a, 0, 1));
    EXPECT(a.ram_used == 8192 && a.cap_used == 3);
}

TEST(refused_take_changes_nothing)
{
    struct account a = {.ram_quota = 4096, .cap_quota = 1};
    EXPECT(!account_take(&a, 4096, 2)); /* RAM fits, caps do not */
    EXPECT(a.ram_used == 0 && a.cap_used == 0);
}

TEST(give_never_goes_below_zero)
{
    struct account a = {.ram_quota = 4096, .cap_quota = 1};
    EXPECT(account_take(&a, 100, 1));
    account_give(&a, 1000, 5);
    EXPECT(a.ram_used == 0 && a.cap_used == 0);
}

TEST(move_only_unused_quota)
{
    struct account a = {.ram_quota = 10000, .cap_quota = 10}, b = {0};
    EXPECT(account_take(&a, 6000, 4));
    EXPECT(!account_move(&a, &b, 5000, 1)); /* only 4000 unused */
    EXPECT(account_move(&a, &b, 4000, 6));
    EXPECT(a.ram_quota == 6000 && a.cap_quota == 4 && a.ram_used == 6000);
    EXPECT(b.ram_quota == 4000 && b.cap_quota == 6 && b.ram_used == 0);
    EXPECT(account_take(&b, 4000, 6) && !account_take(&b, 1, 0));
}

TEST(huge_requests_do_not_wrap)
{
    struct account a = {.ram_quota = 4096, .cap_quota = 1};
    EXPECT(!account_take(&a, UINT64_MAX, 0));
    EXPECT(!account_take(&a, 0, UINT64_MAX));
    struct account b = {0};
    EXPECT(!account_move(&a, &b, UINT64_MAX, 0));
    EXPECT(a.ram_quota == 4096 && b.ram_quota == 0);
}
