/*
 * Change notifications: a read-only session watches /hello.txt and the
 * root directory; changes through the read-write session signal its
 * notification, a change elsewhere does not.
 */
#include "fs_test.h"

static cap_t note, copy;

static uint64_t pending(void)
{
    uint64_t bits = 0;
    return sys_poll(note, &bits) ? 0 : bits;
}

bool watch_init(void)
{
    copy = rt_slot_alloc();
    return copy && !pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) &&
           !sys_cap_mint(note, CAP_NULL, copy, RIGHT_WRITE, 1);
}

bool watch_open(struct fs_client *w)
{
    uint64_t h, error;
    if (!note || fs_client_open(w, "ro", TEST_BUFFER, TEST_SLOTS) || file_system_sigh(w->session, copy)) {
        return false;
    }
    bool ok = file_system_node(w->session, "hello.txt", &h, &error) == RPC_OK &&
              file_system_watch(w->session, h, &error) == RPC_OK &&
              file_system_dir(w->session, "/", 0, &h, &error) == RPC_OK &&
              file_system_watch(w->session, h, &error) == RPC_OK;
    return ok && pending() == 0;
}

bool watch_signalled(void)
{
    return pending() != 0;
}
