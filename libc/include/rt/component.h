/*
 * The component side of the session protocol: slots, sessions at the
 * parent, the config ROM, and the interfaces of the parent and the core
 * services (generated from include/session/NAME.def). Every call returns a
 * status_t (session/rpc.h): RPC_OK = 0, an rpc_status, or the kernel
 * error that ended the call.
 */
#ifndef RT_COMPONENT_H
#define RT_COMPONENT_H

#include <rt/session.h>
#include <rt/xml.h>
#include <session/parent.h>
#include <session/log.h>
#include <session/rom.h>
#include <session/pd.h>
#include <session/cpu.h>
#include <session/rm.h>

/* Open a session at the parent. args: "label=\"x\", ram_quota=N,
 * cap_quota=N". When the server needs more quota than offered, the
 * request is repeated with the RAM and caps it asked for (up to 16 MiB),
 * paid from our own account; a request a sibling serves is waited for.
 * Everything else of the parent interface and the core sessions is the
 * typed functions of <session/parent.h>, <session/pd.h>, <session/cpu.h>
 * and <session/rm.h>, e.g. parent_close(ENV_PARENT, id, &ram, &caps) or
 * pd_alloc(ENV_PD, bytes, &ds, &size, &missing). */
status_t parent_session(const char *service, const char *args, cap_t *session, uint64_t *id);

/* The same without the automatic retry: the quota in args is all there
 * is (init uses it for a child's PD, whose size the config fixes). On
 * failure *id holds what the server said was missing, if anything. */
uint64_t parent_session_exact(const char *service, const char *args, cap_t *session, uint64_t *id);

/* The component's "config" ROM, parsed whatever its syntax (XML or HID,
 * see rt/hid.h): RPC_OK with *top its top-level node; RPC_INVALID with
 * err (if not NULL) naming the line and the problem when it does not
 * parse; the ROM session's status when there is none (yet). Nodes stay
 * valid until rt_config_update. */
uint64_t rt_config(struct xml_node *top, struct xml_error *err);

/* Have note signalled when the config changes; rt_config_update then
 * fetches and parses the new content. Nodes of the old content become
 * invalid with the update: copy what must outlive it. */
uint64_t rt_config_sigh(cap_t note);
uint64_t rt_config_update(struct xml_node *top, struct xml_error *err);

/* An attribute of the config's top node into out[cap]; false if there is
 * no config, it does not parse, or it has no such attribute (out is then
 * left as it was). */
bool rt_config_attr(const char *name, char *out, size_t cap);

/* Attach a whole dataspace to our own address space (RPC_OK: *ptr set). */
uint64_t rt_attach(cap_t ds, unsigned flags, void **ptr);

#endif
