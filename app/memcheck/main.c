/*
 * memcheck: allocates a RAM dataspace of <config size=".."/> bytes
 * (default 16K), writes each <pattern value=".."/> of its config into
 * every byte, reads it back, and exits with 0 if all bytes were right,
 * 1 for a bad config, 2 if the RAM could not be had, 3 for a wrong byte.
 */
#include <rt/component.h>
#include <rt/xml.h>

static uint64_t check(uint8_t *p, uint64_t size, uint8_t value)
{
    uint64_t bad = 0;
    memset(p, value, size);
    for (uint64_t i = 0; i < size; i++) {
        bad += p[i] != value;
    }
    return bad;
}

int main(uint64_t arg)
{
    (void)arg; /* 0 for every component started by a parent */
    uint64_t st, size = 16 * 1024, got, missing, bad = 0;
    struct xml_node config, pattern;
    struct xml_error err;

    /* The config ROM is the <config> node of our <start> in init's config. */
    st = rt_config(&config, &err);
    if (st == RPC_INVALID) {
        printf("bad config: %s\n", err.msg);
        return 1;
    }
    if (st != RPC_OK) {
        printf("no config ROM\n");
        return 1;
    }
    if (xml_has_attr(&config, "size") && !xml_attr_u64(&config, "size", &size)) {
        printf("bad config: size is not a number\n");
        return 1;
    }

    /* RAM comes from our own PD session, paid from our RAM quota. */
    cap_t ds;
    uint8_t *p;
    st = pd_alloc(ENV_PD, size, &ds, &got, &missing);
    if (st != RPC_OK) {
        printf("cannot allocate %lu KiB: %s (%lu %s missing)\n", size >> 10, status_text(st),
               st == RPC_OUT_OF_RAM ? missing >> 10 : missing, st == RPC_OUT_OF_RAM ? "KiB" : "caps");
        return 2;
    }
    if ((st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&p)) != RPC_OK) {
        printf("cannot attach: %s\n", status_text(st));
        return 2;
    }

    for (bool more = xml_first_sub_of_type(&config, "pattern", &pattern); more;
         more = xml_next_of_type(&pattern, "pattern", &pattern)) {
        uint64_t value;
        if (!xml_attr_u64(&pattern, "value", &value) || value > 0xff) {
            printf("config line %u: <pattern> needs a value 0..255\n", xml_line(&pattern));
            return 1;
        }
        uint64_t wrong = check(p, got, (uint8_t)value);
        printf("pattern 0x%02lx: %lu KiB, %lu wrong bytes\n", value, got >> 10, wrong);
        bad += wrong;
    }

    pd_detach(ENV_PD, (uint64_t)p);
    pd_free(ENV_PD, ds);
    rt_slot_free(ds); /* the RAM goes back to our quota */
    return bad ? 3 : 0;
}
