/*
 * The PC's CMOS real-time clock (MC146818 and its successors) as pure
 * decoding: the registers read in one pass become a date, whatever the
 * clock's mode (BCD or binary, 12- or 24-hour). main.c does the port
 * accesses; unit/rtc.c tests this part on the host.
 */
#ifndef RTC_CMOS_H
#define RTC_CMOS_H

#include <stdbool.h>
#include <stdint.h>

/* register numbers (written to port 0x70, the value at 0x71) */
enum {
    CMOS_SECOND = 0x00,
    CMOS_MINUTE = 0x02,
    CMOS_HOUR = 0x04,
    CMOS_DAY = 0x07,
    CMOS_MONTH = 0x08,
    CMOS_YEAR = 0x09,
    CMOS_STATUS_A = 0x0a,
    CMOS_STATUS_B = 0x0b,
};

#define CMOS_A_UPDATE_IN_PROGRESS 0x80
#define CMOS_B_24_HOUR 0x02
#define CMOS_B_BINARY 0x04
#define CMOS_HOUR_PM 0x80 /* in 12-hour mode */

/* the registers of one reading, as the clock gave them */
struct cmos_raw {
    uint8_t second, minute, hour, day, month, year, status_b;
};

struct cmos_date {
    unsigned year, month, day, hour, minute, second;
};

/* Decode raw into a date: BCD or binary as status B says, a 12-hour
 * hour to 0..23, the two-digit year to 1970..2069. False (date
 * undefined) when a field is not a valid BCD number or out of its range
 * (a day beyond the month's length included). */
bool cmos_decode(const struct cmos_raw *raw, struct cmos_date *date);

#endif
