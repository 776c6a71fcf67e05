/*
 * The table of the VFS's device plugins: the <vfs> node types whose
 * files are sessions (struct vfs_device in posix.h). Each plugin is one
 * file (terminal.c, rtc.c); adding one is a line here.
 */
#include "posix.h"

static const struct vfs_device *const devices[] = {&vfs_terminal_device, &vfs_rtc_device};

const struct vfs_device *vfs_device_of(const struct xml_node *xml)
{
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        if (xml_type_is(xml, devices[i]->type)) {
            return devices[i];
        }
    }
    return NULL;
}
