/*
 * The pure part of drivers/rtc: CMOS clock registers to a date in every
 * mode the clock has (BCD or binary, 12- or 24-hour), and registers that
 * hold no date refused.
 */
#include "unit.h"
#include "../drivers/rtc/cmos.h"

static bool is(const struct cmos_date *d, unsigned y, unsigned mo, unsigned day, unsigned h, unsigned mi,
               unsigned s)
{
    return d->year == y && d->month == mo && d->day == day && d->hour == h && d->minute == mi &&
           d->second == s;
}

TEST(bcd_24_hour_leap_day)
{
    struct cmos_raw raw = {0x56, 0x34, 0x12, 0x29, 0x02, 0x24, CMOS_B_24_HOUR};
    struct cmos_date d;
    EXPECT(cmos_decode(&raw, &d) && is(&d, 2024, 2, 29, 12, 34, 56));
}

TEST(binary_24_hour)
{
    struct cmos_raw raw = {59, 7, 23, 31, 12, 99, CMOS_B_24_HOUR | CMOS_B_BINARY};
    struct cmos_date d;
    EXPECT(cmos_decode(&raw, &d) && is(&d, 1999, 12, 31, 23, 7, 59));
}

TEST(twelve_hour_midnight_noon_and_pm)
{
    struct cmos_date d;
    struct cmos_raw raw = {0, 0, 0x12, 1, 1, 0x70, 0}; /* 12 AM, BCD */
    EXPECT(cmos_decode(&raw, &d) && is(&d, 1970, 1, 1, 0, 0, 0));
    raw.hour = 0x12 | CMOS_HOUR_PM; /* 12 PM */
    EXPECT(cmos_decode(&raw, &d) && d.hour == 12);
    raw.hour = 0x11 | CMOS_HOUR_PM; /* 11 PM */
    EXPECT(cmos_decode(&raw, &d) && d.hour == 23);
    raw = (struct cmos_raw){0, 0, 1 | CMOS_HOUR_PM, 5, 6, 69, CMOS_B_BINARY}; /* 1 PM, binary */
    EXPECT(cmos_decode(&raw, &d) && is(&d, 2069, 6, 5, 13, 0, 0));
}

TEST(no_date_is_refused)
{
    struct cmos_date d;
    const struct cmos_raw bad[] = {
        {0x5a, 0, 0, 1, 1, 0, CMOS_B_24_HOUR},                /* BCD nibble above 9 */
        {0x60, 0, 0, 1, 1, 0, CMOS_B_24_HOUR},                /* second 60 */
        {0, 0, 0x24, 1, 1, 0, CMOS_B_24_HOUR},                /* hour 24 */
        {0, 0, 0x00, 1, 1, 0, 0},                             /* 12-hour clock at hour 0 */
        {0, 0, 0x13, 1, 1, 0, 0},                             /* 12-hour clock at 13 */
        {0, 0, 0, 0x29, 0x02, 0x23, CMOS_B_24_HOUR},          /* 2023 has no 29 February */
        {0, 0, 0, 0x31, 0x04, 0x24, CMOS_B_24_HOUR},          /* April has 30 days */
        {0, 0, 0, 0, 1, 0, CMOS_B_24_HOUR},                   /* day 0 */
        {0, 0, 0, 1, 0x13, 0, CMOS_B_24_HOUR},                /* month 13 */
        {0, 0, 0, 1, 1, 100, CMOS_B_24_HOUR | CMOS_B_BINARY}, /* year 100 */
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},           /* no clock: the bus reads all ones */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        EXPECT(!cmos_decode(&bad[i], &d));
    }
}
