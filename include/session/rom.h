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
    /* Reply: 1 cap, a read-only dataspace; w[0] = size in bytes. */
    ROM_DATASPACE = 1,
};

#endif
