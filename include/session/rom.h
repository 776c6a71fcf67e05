/*
 * ROM: read-only data by name (the last element of the session label):
 * boot modules at core, reports at a report_rom server.
 */
#ifndef SESSION_ROM_H
#define SESSION_ROM_H

#include <session/rpc.h>

#define ROM_SERVICE "ROM"
#define ROM_RAM_QUOTA 4096
#define ROM_CAP_QUOTA 2

enum rom_op {
    /* Reply: 1 cap, a read-only dataspace with the current content;
     * w[0] = size in bytes, w[1] = version (changes with the content). */
    ROM_DATASPACE = 1,
    /* send_caps[0] = notification, signalled whenever the content changes
     * (then ask ROM_DATASPACE again). Boot modules never change. */
    ROM_SIGH,
};

#endif
