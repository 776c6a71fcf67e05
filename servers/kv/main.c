/*
 * kv: serves "Kv" (include/session/kv.def): one key-value store shared by
 * all sessions. A key belongs to the session that put it first and is
 * paid from its donation (at most KV_ENTRIES_MAX, or the fewer its
 * <policy entries=".."/> allows); it goes away when that session closes.
 * watch keeps the caller waiting until some session puts the key.
 */
#include <rt/server.h>
#include <session/kv.h>

struct entry {
    char key[KV_KEY_MAX + 1]; /* "" when unused */
    uint64_t value;
};

struct kv_session {
    struct kv_session *next;
    const char *label;
    uint64_t limit; /* keys this session may own */
    struct entry entry[KV_ENTRIES_MAX];
    cap_t watch; /* reply capability of the waiting watch, or CAP_NULL */
    char watch_key[KV_KEY_MAX + 1];
};

struct kv {
    struct kv_session *sessions;
};

static struct kv store;

static bool key_ok(const char *key)
{
    return key[0] && strlen(key) <= KV_KEY_MAX;
}

static struct entry *find(struct kv *kv, const char *key)
{
    for (struct kv_session *s = kv->sessions; s; s = s->next) {
        for (unsigned i = 0; i < KV_ENTRIES_MAX; i++) {
            if (!strcmp(s->entry[i].key, key)) {
                return &s->entry[i];
            }
        }
    }
    return NULL;
}

static status_t put(void *session, struct rt_call *call, const char *key, uint64_t value)
{
    struct kv *kv = call->state;
    struct kv_session *s = session;
    if (!key_ok(key)) {
        return RPC_INVALID;
    }
    struct entry *e = find(kv, key);
    if (!e) {
        uint64_t owned = 0;
        for (unsigned i = 0; i < KV_ENTRIES_MAX; i++) {
            owned += s->entry[i].key[0] != 0;
            if (!e && !s->entry[i].key[0]) {
                e = &s->entry[i];
            }
        }
        if (owned >= s->limit) {
            printf("\"%s\" owns %lu keys, its limit: \"%s\" refused\n", s->label, owned, key);
            return RPC_OUT_OF_RAM;
        }
        memcpy(e->key, key, strlen(key) + 1);
    }
    e->value = value;
    for (struct kv_session *w = kv->sessions; w; w = w->next) {
        if (w->watch && !strcmp(w->watch_key, key)) {
            status_t st = kv_watch_reply(w->watch, RPC_OK, value);
            w->watch = CAP_NULL;
            if (st) {
                printf("watcher \"%s\" is gone: %s\n", w->label, status_text(st));
            }
        }
    }
    return RPC_OK;
}

static status_t get(void *session, struct rt_call *call, const char *key, uint64_t *value)
{
    struct entry *e = key_ok(key) ? find(call->state, key) : NULL;
    if (!e) {
        return key_ok(key) ? RPC_NOT_FOUND : RPC_INVALID;
    }
    *value = e->value;
    return RPC_OK;
}

static status_t watch(void *session, struct rt_call *call, const char *key, uint64_t *value)
{
    struct kv_session *s = session;
    if (!key_ok(key)) {
        return RPC_INVALID;
    }
    if (s->watch) {
        return RPC_BUSY;
    }
    s->watch = rt_call_defer(call);
    memcpy(s->watch_key, key, strlen(key) + 1);
    return s->watch ? RPC_DEFERRED : RPC_OUT_OF_CAPS;
}

static status_t watchers(void *session, struct rt_call *call, const char *key, uint64_t *count)
{
    struct kv *kv = call->state;
    *count = 0;
    for (struct kv_session *s = kv->sessions; s; s = s->next) {
        *count += s->watch && !strcmp(s->watch_key, key);
    }
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    struct kv *kv = state;
    uint64_t limit = KV_ENTRIES_MAX;
    if (xml_has_attr(info->policy, "entries") &&
        (!xml_attr_u64(info->policy, "entries", &limit) || limit > KV_ENTRIES_MAX)) {
        printf("policy line %u: entries must be a number up to %u\n", xml_line(info->policy), KV_ENTRIES_MAX);
        return RPC_DENIED;
    }
    struct kv_session *s = calloc(1, sizeof(*s) + strlen(info->label) + 1);
    if (!s) {
        return RPC_OUT_OF_RAM;
    }
    s->label = memcpy(s + 1, info->label, strlen(info->label) + 1);
    s->limit = limit;
    s->next = kv->sessions;
    kv->sessions = s;
    printf("session opened for \"%s\", %lu keys\n", info->label, limit);
    *session = s;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct kv *kv = state;
    struct kv_session *s = session, **p = &kv->sessions;
    unsigned owned = 0;
    for (unsigned i = 0; i < KV_ENTRIES_MAX; i++) {
        owned += s->entry[i].key[0] != 0;
    }
    printf("session of \"%s\" closed, %u keys gone%s\n", s->label, owned,
           s->watch ? ", its watch dropped" : "");
    if (s->watch) {
        rt_reply_drop(s->watch);
    }
    while (*p != s) {
        p = &(*p)->next;
    }
    *p = s->next;
    free(s);
}

static const struct kv_ops ops = {.put = put, .get = get, .watch = watch, .watchers = watchers};
static const struct rt_service kv = {KV_SERVICE_INFO(&ops), .ram = KV_RAM_QUOTA, .caps = KV_CAP_QUOTA,
                                     .policy = true,        .create = create,    .close = destroy};

int main(uint64_t arg)
{
    (void)arg;
    return rt_serve(&store, &kv, NULL);
}
