/*
 * The component side of the session protocol: slots, the parent
 * interface (sessions, exit) and client stubs of the core services. Every
 * stub returns a status_t (session/rpc.h): RPC_OK = 0, an rpc_status, or
 * the kernel error that ended the call.
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

/* rpc_call with opcode op, words words and one capability, pass. */
status_t rpc_call_with_cap(cap_t target, uint64_t op, cap_t pass, struct msg *m, unsigned words);

/* Open a session at the parent. args: "label=\"x\", ram_quota=N,
 * cap_quota=N". When the server needs more quota than offered, the
 * request is repeated with the RAM and caps it asked for (up to 16 MiB),
 * paid from our own account. */
uint64_t parent_session(const char *service, const char *args, cap_t *session, uint64_t *id);

/* The same without the automatic retry: the quota in args is all there
 * is (init uses it for a child's PD, whose size the config fixes). On
 * failure *id holds what the server said was missing, if anything. */
uint64_t parent_session_exact(const char *service, const char *args, cap_t *session, uint64_t *id);
/* The two halves of a request, for a component that must not wait for a
 * server (init relaying a child's request): ask, passing a notification
 * the parent signals once a pending request is answered. RPC_OK gives
 * *session and *id; RPC_PENDING gives *id = the request, whose outcome
 * parent_session_collect fetches (RPC_PENDING again while there is
 * none); an error gives *id = what the server needs, if it said. */
uint64_t parent_session_start(const char *service, const char *args, cap_t note, cap_t *session, uint64_t *id);
uint64_t parent_session_collect(uint64_t request, cap_t *session, uint64_t *id);

/* Close session id; *ram and *caps (may be NULL) say how much quota came
 * back to our account, which is what the session held when it closed. */
uint64_t parent_close(uint64_t id, uint64_t *ram, uint64_t *caps);

/* Ask the parent for ram bytes and caps more quota (PARENT_RESOURCE_REQUEST). */
uint64_t parent_resource_request(uint64_t ram, uint64_t caps);

/* Donate ram bytes and caps more to open session id. */
uint64_t parent_upgrade(uint64_t id, uint64_t ram, uint64_t caps);

/* Allocate RAM. On OUT_OF_RAM / OUT_OF_CAPS, *size is what is missing
 * (bytes or caps). */
uint64_t pd_client_alloc(cap_t pd, uint64_t bytes, cap_t *ds, uint64_t *size);
uint64_t pd_client_free(cap_t pd, cap_t ds);
uint64_t pd_client_attach(cap_t pd, cap_t ds, uint64_t addr, unsigned flags, uint64_t *at);
uint64_t pd_client_detach(cap_t pd, uint64_t at);
uint64_t pd_client_quota(cap_t pd, uint64_t q[4]);
uint64_t pd_client_env(cap_t pd, cap_t parent, cap_t cpu, cap_t thread);
uint64_t pd_client_alloc_obj(cap_t pd, unsigned type, cap_t *obj);
uint64_t pd_client_transfer(cap_t from, cap_t to, uint64_t ram, uint64_t caps);
uint64_t cpu_client_bind(cap_t thread, cap_t notification);
uint64_t pd_client_fault_handler(cap_t pd, cap_t notification);
uint64_t pd_client_fault_info(cap_t pd, uint64_t info[4]);
uint64_t pd_client_ds_readonly(cap_t pd, cap_t ds, cap_t *ro);
uint64_t cpu_client_create_thread(cap_t cpu, cap_t pd, uint64_t utcb, unsigned prio, cap_t *thread);
/* The same, telling the priority the thread got (its session's band). */
uint64_t cpu_client_create_thread_prio(cap_t cpu, cap_t pd, uint64_t utcb, unsigned *prio, cap_t *thread);
uint64_t cpu_client_start(cap_t thread, uint64_t ip, uint64_t sp, uint64_t arg);
uint64_t rm_client_dataspace(cap_t rm, cap_t *ds, uint64_t *size);
uint64_t rm_client_attach(cap_t rm, cap_t ds, uint64_t offset, unsigned flags, uint64_t *at);
uint64_t rm_client_detach(cap_t rm, uint64_t offset);

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
