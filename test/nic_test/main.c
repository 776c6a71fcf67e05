/*
 * nic_test: checks a NIC driver against QEMU's user networking with raw
 * Ethernet frames: a session without a policy and a second session are
 * refused; the MAC and link state; a DHCP DISCOVER answered by an OFFER
 * of 10.0.2.15 from 10.0.2.2; an ARP request for the gateway answered;
 * ICMP echo to the gateway answered; a burst of echo requests both
 * ways; then the attacks of hostile.c, after which the driver still
 * serves; then the link goes down and comes up (caused from outside)
 * and traffic flows again; our own RAM and caps are back where they
 * were before the attacks.
 */
#include "nic_test.h"
#include <session/timer.h>

#define BURST 400
#define BURST_PAYLOAD 1000
#define BURST_ID 0xb0b0

static struct test test;

uint64_t now_us(struct test *t)
{
    uint64_t us = 0;
    timer_elapsed_us(t->timer, &us);
    return us;
}

unsigned await(struct test *t, bool (*match)(void *arg, const uint8_t *f, uint32_t len), void *arg,
               unsigned want, uint64_t timeout_us)
{
    uint64_t deadline = now_us(t) + timeout_us;
    unsigned got = 0;
    timer_trigger_once(t->timer, timeout_us);
    while (got < want) {
        struct ps_packet p;
        const uint8_t *f;
        while ((f = nic_client_rx(&t->nic, &p))) {
            got += match(arg, f, p.length);
            nic_client_rx_done(&t->nic, &p);
        }
        if (got >= want || now_us(t) >= deadline || nic_client_broken(&t->nic)) {
            break;
        }
        nic_client_wait(&t->nic);
    }
    nic_client_flush(&t->nic);
    return got;
}

static void send_or_wait(struct test *t, const uint8_t *f, uint32_t len)
{
    for (unsigned tries = 0; tries < 1000 && !nic_client_send(&t->nic, f, len); tries++) {
        nic_client_wait(&t->nic);
    }
    nic_client_flush(&t->nic);
}

struct offer {
    uint32_t xid, yiaddr, server;
};
static bool match_offer(void *arg, const uint8_t *f, uint32_t len)
{
    struct offer *o = arg;
    return frame_is_dhcp_offer(f, len, o->xid, &o->yiaddr, &o->server);
}

static bool dhcp(struct test *t)
{
    uint8_t f[NIC_FRAME_MAX];
    struct offer o = {.xid = 0x41524230};
    send_or_wait(t, f, frame_dhcp_discover(f, t->mac, o.xid));
    if (!await(t, match_offer, &o, 1, 10000000)) {
        printf("dhcp: no OFFER within 10 s: FAILED\n");
        return false;
    }
    printf("dhcp: offer %u.%u.%u.%u from %u.%u.%u.%u\n", o.yiaddr >> 24, o.yiaddr >> 16 & 255, o.yiaddr >> 8 & 255,
           o.yiaddr & 255, o.server >> 24, o.server >> 16 & 255, o.server >> 8 & 255, o.server & 255);
    return o.yiaddr == GUEST_IP && o.server == GATEWAY_IP;
}

static bool match_arp(void *arg, const uint8_t *f, uint32_t len)
{
    return frame_is_arp_reply(f, len, GATEWAY_IP, arg);
}

bool arp(struct test *t)
{
    uint8_t f[64];
    uint8_t *m = t->gateway_mac;
    send_or_wait(t, f, frame_arp_request(f, t->mac, GUEST_IP, GATEWAY_IP));
    if (!await(t, match_arp, m, 1, 10000000)) {
        printf("arp: no reply from 10.0.2.2 within 10 s: FAILED\n");
        return false;
    }
    printf("arp: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
    return true;
}

struct echo {
    uint16_t id;
    unsigned distinct;
    uint8_t seen[BURST];
};
static bool match_echo(void *arg, const uint8_t *f, uint32_t len)
{
    struct echo *e = arg;
    uint16_t seq;
    if (!frame_is_echo_reply(f, len, e->id, &seq) || seq >= BURST || e->seen[seq]) {
        return false;
    }
    e->seen[seq] = 1;
    return true;
}

static bool ping(struct test *t)
{
    uint8_t f[NIC_FRAME_MAX];
    static struct echo e;
    e = (struct echo){.id = 0x7e57};
    send_or_wait(t, f, frame_icmp_echo(f, t->mac, t->gateway_mac, GUEST_IP, GATEWAY_IP, e.id, 1, 56));
    if (!await(t, match_echo, &e, 1, 10000000)) {
        printf("ping: no echo reply from 10.0.2.2 within 10 s: FAILED\n");
        return false;
    }
    printf("ping: echo reply from 10.0.2.2\n");
    return true;
}

/* BURST echo requests of BURST_PAYLOAD bytes as fast as the tx stream
 * takes them, the replies taken meanwhile. */
static bool burst(struct test *t)
{
    uint8_t f[NIC_FRAME_MAX];
    static struct echo e;
    e = (struct echo){.id = BURST_ID};
    uint64_t ok_before = t->nic.tx_ok, start = now_us(t), deadline = start + 30000000;
    unsigned sent = 0, got = 0, full = 0;
    timer_trigger_once(t->timer, 30000000);
    while ((sent < BURST || got < BURST) && now_us(t) < deadline && !nic_client_broken(&t->nic)) {
        while (sent < BURST) {
            uint32_t len = frame_icmp_echo(f, t->mac, t->gateway_mac, GUEST_IP, GATEWAY_IP, e.id, (uint16_t)sent,
                                           BURST_PAYLOAD);
            if (!nic_client_send(&t->nic, f, len)) {
                full++;
                break;
            }
            sent++;
        }
        nic_client_flush(&t->nic);
        struct ps_packet p;
        const uint8_t *r;
        while ((r = nic_client_rx(&t->nic, &p))) {
            got += match_echo(&e, r, p.length);
            nic_client_rx_done(&t->nic, &p);
        }
        if (sent < BURST || got < BURST) {
            nic_client_wait(&t->nic);
        }
    }
    nic_client_flush(&t->nic);
    uint64_t tx_frames = 0, rx_frames = 0, dropped = 0, refused = 0;
    nic_stats(t->nic.session, &tx_frames, &rx_frames, &dropped, &refused);
    printf("burst: %u echo requests of %u bytes sent (%lu acknowledged ok, tx full %u times), %u replies, "
           "%lu dropped by the driver, in %lu ms\n",
           sent, BURST_PAYLOAD, t->nic.tx_ok - ok_before, full, got, dropped, (now_us(t) - start) / 1000);
    return sent == BURST && got + dropped >= BURST && got >= BURST * 9 / 10;
}

/* Wait (up to 60 s) for the link to go down and come up again, caused
 * from outside (the run script through QEMU's monitor, or the driver's
 * watchdog after an injected stall), sending an ARP request every
 * 100 ms meanwhile; then traffic must flow. */
static bool link_changes(struct test *t)
{
    uint8_t f[64];
    status_t st = nic_client_open(&t->nic, "link", 0, 0, 0);
    if (st) {
        printf("link: no session: %s: FAILED\n", status_text(st));
        return false;
    }
    bool down = false, again = false;
    printf("link: waiting for changes (link %s)\n", nic_client_link_up(&t->nic) ? "up" : "down");
    uint64_t start = now_us(t), deadline = start + 60000000, next = start;
    while (!again && now_us(t) < deadline && !nic_client_broken(&t->nic)) {
        if (now_us(t) >= next) {
            nic_client_send(&t->nic, f, frame_arp_request(f, t->mac, GUEST_IP, GATEWAY_IP));
            next = now_us(t) + 100000;
            timer_trigger_once(t->timer, 100000);
        }
        struct ps_packet p;
        while (nic_client_rx(&t->nic, &p)) {
            nic_client_rx_done(&t->nic, &p);
        }
        bool up = nic_client_link_up(&t->nic);
        if (!up && !down) {
            down = true;
            printf("link: down after %lu ms\n", (now_us(t) - start) / 1000);
        } else if (up && down) {
            again = true;
            printf("link: up again after %lu ms\n", (now_us(t) - start) / 1000);
        }
        nic_client_wait(&t->nic);
    }
    bool ok = down && again && arp(t);
    printf("link: %s\n", ok ? "went down and came up, traffic flows again" : "FAILED");
    nic_client_close(&t->nic);
    return ok;
}

/* The generated nic_session() donates only NIC_RAM_QUOTA: the driver
 * names the whole price (the default streams') and the runtime pays it
 * and asks again. */
static bool generated_helper(void)
{
    cap_t session;
    uint64_t id, mac, mtu, up;
    status_t st = nic_session("main", &session, &id);
    bool ok = !st && !nic_info(session, &mac, &mtu, &up) && mtu == NIC_MTU;
    printf("nic_session() with the default streams: %s\n", ok ? "opened" : status_text(st));
    if (!st) {
        parent_close(ENV_PARENT, id, NULL, NULL);
        rt_slot_free(session);
    }
    return ok;
}

static void quota(uint64_t q[2])
{
    pd_quota(ENV_PD, NULL, &q[0], NULL, &q[1]);
}

static bool open_timer(struct test *t)
{
    char args[96];
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"\", ram_quota=%u, cap_quota=%u", TIMER_RAM_QUOTA, TIMER_CAP_QUOTA);
    /* the timer signals the streams' notification: one wait for both */
    cap_t note = ps_client_note();
    return note && !parent_session(TIMER_SERVICE, args, &t->timer, &id) && !timer_sigh(t->timer, note);
}

static void set_mac(struct test *t)
{
    for (unsigned i = 0; i < 6; i++) {
        t->mac[i] = (uint8_t)(t->nic.mac >> (40 - 8 * i));
    }
}

static bool refusals(void)
{
    struct nic_client other;
    status_t st = nic_client_open(&other, "stranger", 0, 0, 0);
    printf("session without a policy: %s\n", st ? "refused" : "ACCEPTED");
    if (!st) {
        nic_client_close(&other);
        return false;
    }
    st = nic_client_open(&other, "second", 0, 0, 0);
    printf("second session while one is open: %s\n", st == RPC_BUSY ? "refused (busy)" : status_text(st));
    if (!st) {
        nic_client_close(&other);
    }
    return st == RPC_BUSY;
}

static bool honest(struct test *t)
{
    status_t st = nic_client_open(&t->nic, "main", 256 << 10, 512 << 10, 256);
    if (st) {
        printf("no Nic session: %s: FAILED\n", status_text(st));
        return false;
    }
    set_mac(t);
    uint64_t deadline = now_us(t) + 10000000;
    while (!nic_client_link_up(&t->nic) && now_us(t) < deadline) {
        timer_trigger_once(t->timer, 100000);
        ps_client_wait();
    }
    printf("mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, link %s\n", t->mac[0], t->mac[1], t->mac[2], t->mac[3],
           t->mac[4], t->mac[5], t->nic.mtu, nic_client_link_up(&t->nic) ? "up" : "down");
    bool ok = refusals();
    ok = dhcp(t) && ok;
    ok = ok && arp(t);
    ok = ok && ping(t);
    ok = ok && burst(t);
    nic_client_close(&t->nic);
    return ok;
}

int main(uint64_t arg)
{
    struct test *t = &test;
    uint64_t before[2], after[2];
    if (!open_timer(t)) {
        printf("no Timer session: FAILED\n");
        return 1;
    }
    /* the first session leaves the page tables of its attachments with
     * our PD (docs/packet-stream.md, "Limits"): compare after it */
    bool ok = honest(t);
    quota(before);
    ok = ok && hostile_run(t);
    ok = ok && generated_helper();
    ok = ok && link_changes(t);
    quota(after);
    printf("own RAM used %lu -> %lu, caps used %lu -> %lu\n", before[0], after[0], before[1], after[1]);
    ok = ok && before[0] == after[0] && before[1] == after[1];
    printf("nic test %s\n", ok ? "passed" : "FAILED");
    return ok ? 0 : 1;
}
