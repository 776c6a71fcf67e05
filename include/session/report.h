/*
 * Report: publish a document (state, a config) under the session label;
 * a report_rom server offers it to others as a ROM that changes.
 */
#ifndef SESSION_REPORT_H
#define SESSION_REPORT_H

#include <session/rpc.h>

#define REPORT_SERVICE "Report"
#define REPORT_BUFFER_SIZE 16384 /* bytes a report may have */
/* What a session costs report_rom, paid by the donation: a Report
 * session its buffer and current copy, a ROM session there the copy it
 * holds (a reader may keep an old one as long as it likes). */
#define REPORT_RAM_QUOTA (2 * REPORT_BUFFER_SIZE + 4096)
#define REPORT_CAP_QUOTA 6
#define REPORT_ROM_RAM_QUOTA (REPORT_BUFFER_SIZE + 4096)
#define REPORT_ROM_CAP_QUOTA 4

enum report_op {
    /* Reply: 1 cap, the session's writable buffer (REPORT_BUFFER_SIZE). */
    REPORT_DATASPACE = 1,
    /* Publish the first w[0] bytes of the buffer as the new content. */
    REPORT_SUBMIT,
};

#endif
