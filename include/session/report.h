/*
 * Report: publish a document (state, a config) under the session label;
 * a report_rom server offers it to others as a ROM that changes.
 */
#ifndef SESSION_REPORT_H
#define SESSION_REPORT_H

#include <session/rpc.h>

#define REPORT_SERVICE "Report"
#define REPORT_BUFFER_SIZE 16384 /* bytes a report may have */
#define REPORT_VERSIONS 3        /* published copies alive at once: the
                                    current one and two that slow readers
                                    still hold */
/* What a session costs the server: the buffer, the copies, bookkeeping. */
#define REPORT_RAM_QUOTA ((1 + REPORT_VERSIONS) * REPORT_BUFFER_SIZE + 4096)
#define REPORT_CAP_QUOTA (2 + 2 * REPORT_VERSIONS)

enum report_op {
    /* Reply: 1 cap, the session's writable buffer (REPORT_BUFFER_SIZE). */
    REPORT_DATASPACE = 1,
    /* Publish the first w[0] bytes of the buffer as the new content. */
    REPORT_SUBMIT,
};

#endif
