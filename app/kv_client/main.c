/*
 * kv_client: opens a Kv session donating <config ram=".." caps=".."/>
 * (default: the price; exact="yes" without the automatic retry), runs
 * the operations of its config in order, prints each outcome, closes
 * the session and exits 0 (1 if the session was refused, 2 on a bad
 * config):
 *   <put key=".." value=".."/>     kv_put
 *   <get key=".."/>                kv_get
 *   <watch key=".."/>              kv_watch: blocks until someone puts key
 *   <await key=".." watchers="N"/> until exactly N sessions watch key
 *   <report label=".."> <x>..</x> </report>
 *                                  publishes <x>..</x> as the Report
 *                                  label (keeps the session open)
 */
#include <rt/component.h>
#include <rt/xml.h>
#include <session/kv.h>
#include <session/report.h>

/* Publish the first sub element of n as the Report n's label. */
static status_t report(const struct xml_node *n)
{
    static cap_t session[4];
    static char name[4][32];
    static char *buf[4];
    static uint64_t size[4];
    char label[32] = "";
    struct xml_node doc;
    const char *text;
    size_t len;
    unsigned i;
    status_t st = RPC_OK;

    xml_attr(n, "label", label, sizeof(label));
    if (!xml_first_sub(n, &doc)) {
        return RPC_INVALID;
    }
    xml_raw(&doc, &text, &len);
    for (i = 0; i < 4 && session[i] && strcmp(name[i], label); i++) {
    }
    if (i == 4) {
        return RPC_OUT_OF_CAPS;
    }
    if (!session[i]) {
        char args[96];
        uint64_t id;
        cap_t ds;
        snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu", label,
                 (uint64_t)REPORT_RAM_QUOTA, (uint64_t)REPORT_CAP_QUOTA);
        if ((st = parent_session(REPORT_SERVICE, args, &session[i], &id)) ||
            (st = report_dataspace(session[i], &ds, &size[i])) ||
            (st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&buf[i]))) {
            session[i] = CAP_NULL;
            return st;
        }
        memcpy(name[i], label, sizeof(label));
    }
    if (len > size[i]) {
        return RPC_INVALID;
    }
    memcpy(buf[i], text, len);
    return report_submit(session[i], len);
}

static bool run(cap_t kv, const struct xml_node *op)
{
    char key[RPC_STRING_MAX + 1] = "", type[16] = "";
    uint64_t value = 0, n;
    status_t st;
    xml_type(op, type, sizeof(type));
    xml_attr(op, "key", key, sizeof(key));
    if (!strcmp(type, "put")) {
        xml_attr_u64(op, "value", &value);
        st = kv_put(kv, key, value);
        printf("put %s=%lu: %s\n", key, value, status_text(st));
    } else if (!strcmp(type, "get")) {
        st = kv_get(kv, key, &value);
        if (st == RPC_OK) {
            printf("get %s: %lu\n", key, value);
        } else {
            printf("get %s: %s\n", key, status_text(st));
        }
    } else if (!strcmp(type, "watch")) {
        printf("watching %s\n", key);
        st = kv_watch(kv, key, &value);
        if (st == RPC_OK) {
            printf("watch %s: %lu\n", key, value);
        } else {
            printf("watch %s: %s\n", key, status_text(st));
        }
    } else if (!strcmp(type, "await")) {
        uint64_t want = 1;
        xml_attr_u64(op, "watchers", &want);
        /* the watchers arrive in their own time */
        for (n = want + 1; n != want && !(st = kv_watchers(kv, key, &n));) {
            sys_yield();
        }
        printf("%lu watching %s: %s\n", n, key, status_text(st));
    } else if (!strcmp(type, "report")) {
        xml_attr(op, "label", key, sizeof(key));
        printf("report %s: %s\n", key, status_text(report(op)));
    } else {
        printf("config line %u: unknown operation <%s>\n", xml_line(op), type);
        return false;
    }
    return true;
}

int main(uint64_t arg)
{
    (void)arg;
    uint64_t ram = KV_RAM_QUOTA, caps = KV_CAP_QUOTA, id;
    bool exact = false;
    struct xml_node config, op;
    struct xml_error err;
    char args[96];
    cap_t kv;

    if (rt_config(&config, &err)) {
        printf("bad config: %s\n", err.msg);
        return 2;
    }
    xml_attr_u64(&config, "ram", &ram);
    xml_attr_u64(&config, "caps", &caps);
    xml_attr_bool(&config, "exact", &exact);

    snprintf(args, sizeof(args), "label=\"\", ram_quota=%lu, cap_quota=%lu", ram, caps);
    status_t st =
        exact ? parent_session_exact(KV_SERVICE, args, &kv, &id) : parent_session(KV_SERVICE, args, &kv, &id);
    if (st != RPC_OK) {
        printf("Kv session: %s\n", status_text(st));
        return 1;
    }
    for (bool more = xml_first_sub(&config, &op); more; more = xml_next_sibling(&op, &op)) {
        if (!run(kv, &op)) {
            return 2;
        }
    }
    uint64_t back_ram, back_caps;
    parent_close(ENV_PARENT, id, &back_ram, &back_caps);
    printf("closed: %lu bytes and %lu caps came back\n", back_ram, back_caps);
    return 0;
}
