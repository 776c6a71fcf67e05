/*
 * counter_client: opens a Counter session donating <config ram=".."
 * caps=".."/> (default: the price), calls counter_inc <config count=".."/>
 * times (default 3), prints each answer, closes, exits 0.
 * exact="yes" opens without the automatic retry. Exits 1 when the
 * session is refused, 2 on a failed call.
 */
#include <rt/component.h>
#include <rt/xml.h>
#include <session/counter.h>

int main(uint64_t arg)
{
    (void)arg;
    uint64_t ram = COUNTER_RAM_QUOTA, caps = COUNTER_CAP_QUOTA, count = 3, id;
    bool exact = false;
    struct xml_node config;
    struct xml_error err;
    char args[96];
    cap_t counter;

    if (rt_config(&config, &err)) {
        printf("bad config: %s\n", err.msg);
        return 1;
    }
    xml_attr_u64(&config, "ram", &ram);
    xml_attr_u64(&config, "caps", &caps);
    xml_attr_u64(&config, "count", &count);
    xml_attr_bool(&config, "exact", &exact);

    snprintf(args, sizeof(args), "label=\"\", ram_quota=%lu, cap_quota=%lu", ram, caps);
    uint64_t st = exact ? parent_session_exact(COUNTER_SERVICE, args, &counter, &id)
                        : parent_session(COUNTER_SERVICE, args, &counter, &id);
    if (st != RPC_OK) {
        printf("Counter session: %s (%lu)\n", status_text(st), id);
        return 1;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t value;
        st = counter_inc(counter, &value);
        if (st != RPC_OK) {
            printf("counter_inc: %s\n", status_text(st));
            return 2;
        }
        printf("counter is %lu\n", value);
    }
    uint64_t back_ram, back_caps;
    parent_close(ENV_PARENT, id, &back_ram, &back_caps);
    printf("closed: %lu bytes and %lu caps came back\n", back_ram, back_caps);
    return 0;
}
