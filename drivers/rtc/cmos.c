/*
 * Decoding the CMOS clock's registers (cmos.h). In BCD mode each nibble
 * is a decimal digit; in 12-hour mode the hour is 1..12 with bit 7 for
 * PM, and 12 AM is midnight.
 */
#include "cmos.h"

/* A register's value as a number; false for a BCD byte with a nibble
 * above 9. */
static bool value(uint8_t v, bool binary, unsigned *out)
{
    if (binary) {
        *out = v;
        return true;
    }
    if ((v & 0x0f) > 9 || (v >> 4) > 9) {
        return false;
    }
    *out = (unsigned)(v >> 4) * 10 + (v & 0x0f);
    return true;
}

static bool leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned month_days(unsigned year, unsigned month)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

static bool hour_of(const struct cmos_raw *raw, bool binary, unsigned *hour)
{
    if (raw->status_b & CMOS_B_24_HOUR) {
        return value(raw->hour, binary, hour) && *hour <= 23;
    }
    bool pm = raw->hour & CMOS_HOUR_PM;
    if (!value(raw->hour & (uint8_t)~CMOS_HOUR_PM, binary, hour) || *hour < 1 || *hour > 12) {
        return false;
    }
    *hour = *hour % 12 + (pm ? 12 : 0);
    return true;
}

bool cmos_decode(const struct cmos_raw *raw, struct cmos_date *d)
{
    bool binary = raw->status_b & CMOS_B_BINARY;
    unsigned year;
    if (!value(raw->second, binary, &d->second) || !value(raw->minute, binary, &d->minute) ||
        !value(raw->day, binary, &d->day) || !value(raw->month, binary, &d->month) ||
        !value(raw->year, binary, &year) || !hour_of(raw, binary, &d->hour)) {
        return false;
    }
    if (year > 99 || d->second > 59 || d->minute > 59 || d->month < 1 || d->month > 12) {
        return false;
    }
    d->year = year < 70 ? 2000 + year : 1900 + year;
    return d->day >= 1 && d->day <= month_days(d->year, d->month);
}
