/*
 * counter: serves Counter sessions (include/session/counter.def), one
 * counter per session, starting at the "start" attribute of the
 * client's <policy> (default 0). Labels without a policy are refused.
 *   <config verbose="no"> <policy label_prefix=".." start="N"/> ... </config>
 * The example of docs/writing-a-server.md.
 */
#include <rt/server.h>
#include <session/counter.h>

struct counter {
    uint64_t value;
};

static status_t inc(void *session, struct rt_call *call, uint64_t *value)
{
    struct counter *c = session;
    *value = ++c->value;
    return RPC_OK;
}

static status_t create(void *state, const struct rt_session_info *info, void **session)
{
    uint64_t start = 0;
    if (xml_has_attr(info->policy, "start") && !xml_attr_u64(info->policy, "start", &start)) {
        printf("policy line %u: start is not a number\n", xml_line(info->policy));
        return RPC_DENIED;
    }
    struct counter *c = malloc(sizeof(*c));
    if (!c) {
        return RPC_OUT_OF_RAM;
    }
    c->value = start;
    printf("session opened for \"%s\", counter at %lu\n", info->label, start);
    *session = c;
    return RPC_OK;
}

static void destroy(void *state, void *session)
{
    struct counter *c = session;
    printf("session closed at %lu\n", c->value);
    free(c);
}

static const struct counter_ops ops = {.inc = inc};
static const struct rt_service counter = {COUNTER_SERVICE_INFO(&ops), .ram = COUNTER_RAM_QUOTA,
                                          .caps = COUNTER_CAP_QUOTA,  .policy = true,
                                          .create = create,           .close = destroy};

int main(uint64_t arg)
{
    return rt_serve(NULL, &counter, NULL);
}
