/*
 * hostile_client: one generic hostile client that every server in the
 * tree is tested against (run/hostile_servers.run), and the honest client
 * that shows the servers keep serving meanwhile. Shared declarations of
 * its concerns:
 *   main.c       config, the order of the attack, the summary per target
 *   account.c    what we were given, what we hold in open sessions, the
 *                quota invariant
 *   opens.c      session opens with zero, tiny, exact and absurd donations
 *                and malformed argument strings
 *   requests.c   random requests, floods, stale and foreign capabilities
 *   honest.c     the honest client (<config mode="honest">)
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <rt/component.h>
#include <rt/xml.h>

#define HELD_MAX 16 /* sessions a child may have open at init */

/* One <target service=".." label=".." ops="N" ram=".." caps=".."
 * args=".." requests="N"/> of the config. */
struct target {
    char service[32];
    char label[64];
    char args[64];      /* service arguments beside label and quota */
    unsigned ops;       /* opcodes 1..ops are defined */
    uint64_t blocking;  /* bit n: opcode n blocks by design (a deferred reply): never sent */
    uint64_t ram, caps; /* what a session costs: the exact donation */
    unsigned requests;  /* random requests to send */
};

/* What happened to one target, for its summary line. */
struct tally {
    uint64_t requests;   /* everything sent: opens, calls, upgrades, closes */
    uint64_t unexpected; /* answers a correct server never gives */
    uint64_t opened;     /* sessions the server granted */
};

/* A session we hold, with what we donated to it. */
struct held {
    bool used, pd; /* pd: a PD session, whose quota moves (PD_TRANSFER) */
    bool foreign;  /* kept from the previous target, passed as a foreign cap */
    uint64_t id, ram, caps;
    cap_t cap;
};

/* ---- account.c ---- */
void account_init(void);
/* Check that our quota plus what our sessions hold is not more than we
 * were given; prints "GAINED" and the figures when it is. */
bool account_check(const char *when);
/* Whether our quota plus what we hold is exactly what we were given;
 * *ram and *caps are our quota now. */
bool account_exact(uint64_t *ram, uint64_t *caps);
/* What we were given. */
void account_given(uint64_t *ram, uint64_t *caps);
struct held *account_add(uint64_t id, cap_t cap, uint64_t ram, uint64_t caps, bool pd);
/* Close h at the parent (it must come back in full), forget it. */
void account_close(struct held *h, struct tally *t);
struct held *account_held(unsigned i);

/* ---- opens.c ---- */
/* Open sessions of t with every kind of donation and malformed arguments;
 * the ones granted with the exact donation stay open for the attack. */
void opens_attack(const struct target *t, struct tally *tally);

/* ---- requests.c ---- */
/* Random requests, a flood and absurd upgrades on every session held;
 * on the parent interface itself when t->service is "parent". */
void requests_attack(const struct target *t, struct tally *tally);
/* Close every session held but keep (may be NULL), then close them again
 * and ids never had. */
void requests_close_all(struct held *keep, struct tally *tally);
/* Requests the kernel refused (a bad capability passed). */
uint64_t requests_kernel_refusals(void);
/* Keep a capability we got (a foreign cap for later requests). */
void requests_keep(cap_t cap);
uint64_t requests_random(void);

/* ---- honest.c ---- */
int honest_main(const struct xml_node *config);

#endif
