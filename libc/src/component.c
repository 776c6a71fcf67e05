/*
 * The component's config ROM (rt/component.h): its <config>, and
 * signals when it changes.
 */
#include <rt/component.h>
#include <rt/args.h>
#include <rt/xml.h>

static struct {
    cap_t rom, ds;
    const char *text;
    uint64_t size;
} config;

/* Fetch the current version. The previous one is let go first: the
 * server may free it once we moved on, and its address may be reused. */
static uint64_t config_fetch(void)
{
    cap_t ds;
    void *ptr;
    if (config.text) {
        pd_client_detach(ENV_PD, (uint64_t)config.text);
        rt_slot_free(config.ds);
        config.text = NULL;
        config.ds = CAP_NULL;
    }
    uint64_t size, st = rom_client_dataspace(config.rom, &ds, &size);
    if (!st) {
        st = rt_attach(ds, 0, &ptr);
    }
    if (st) {
        return st;
    }
    config.text = ptr;
    config.size = size;
    config.ds = ds;
    return RPC_OK;
}

uint64_t rt_config(const char **xml, uint64_t *len)
{
    if (!config.rom) {
        uint64_t id;
        uint64_t st =
            parent_session(ROM_SERVICE, "label=\"config\", ram_quota=4096, cap_quota=2", &config.rom, &id);
        if (st) {
            config.rom = CAP_NULL;
            return st;
        }
    }
    if (!config.text) {
        uint64_t st = config_fetch(); /* the content may not exist yet */
        if (st) {
            return st;
        }
    }
    *xml = config.text;
    *len = config.size;
    return RPC_OK;
}

bool rt_config_attr(const char *name, char *out, size_t cap)
{
    const char *xml;
    uint64_t len;
    struct xml_node top;
    return rt_config(&xml, &len) == RPC_OK && xml_parse(xml, len, &top, NULL) &&
           xml_attr(&top, name, out, cap);
}

uint64_t rt_config_sigh(cap_t note)
{
    const char *xml;
    uint64_t len;
    rt_config(&xml, &len); /* opens the session; content may follow later */
    return config.rom ? rom_client_sigh(config.rom, note) : RPC_UNAVAILABLE;
}

uint64_t rt_config_update(const char **xml, uint64_t *len)
{
    uint64_t st = config.rom ? config_fetch() : rt_config(xml, len);
    *xml = config.text;
    *len = config.size;
    return st;
}
