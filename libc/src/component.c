/*
 * The component's config ROM (rt/component.h): its <config> in XML or
 * HID, parsed, and signals when it changes.
 */
#include <rt/component.h>
#include <rt/args.h>
#include <rt/xml.h>
#include <rt/hid.h>

static struct {
    cap_t rom, ds, scratch_ds;
    const char *text;
    char *scratch;
    uint64_t size;
    bool parsed;
    struct xml_node top;
} config;

static void config_let_go(void)
{
    if (config.scratch) {
        pd_detach(ENV_PD, (uint64_t)config.scratch);
        pd_free(ENV_PD, config.scratch_ds);
        rt_slot_free(config.scratch_ds);
        config.scratch = NULL;
    }
    if (config.text) {
        pd_detach(ENV_PD, (uint64_t)config.text);
        rt_slot_free(config.ds);
        config.text = NULL;
        config.ds = CAP_NULL;
    }
    config.parsed = false;
}

/* Fetch the current version. The previous one is let go first: the
 * server may free it once we moved on, and its address may be reused. */
static uint64_t config_fetch(void)
{
    cap_t ds;
    void *ptr;
    config_let_go();
    uint64_t size, version, st = rom_dataspace(config.rom, &ds, &size, &version);
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

static uint64_t config_open(void)
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
    return config.text ? RPC_OK : config_fetch(); /* the content may not exist yet */
}

static uint64_t config_node(struct xml_node *top, struct xml_error *err)
{
    uint64_t got, st;
    size_t cap = 0;
    if (config.parsed) {
        *top = config.top;
        return RPC_OK;
    }
    if (config_is_hid(config.text, config.size) && !config.scratch) {
        cap = hid_xml_budget(config.size);
        if ((st = pd_alloc(ENV_PD, cap, &config.scratch_ds, &got, NULL))) {
            xml_error_set(err, 1, "no RAM to convert the HID config (%u bytes): %s", (unsigned)cap,
                          status_text(st));
            return st;
        }
        if ((st = rt_attach(config.scratch_ds, PD_ATTACH_WRITE, (void **)&config.scratch))) {
            pd_free(ENV_PD, config.scratch_ds);
            rt_slot_free(config.scratch_ds);
            config.scratch = NULL;
            return st;
        }
    }
    if (!config_parse(config.text, config.size, config.scratch, cap, &config.top, err)) {
        return RPC_INVALID;
    }
    config.parsed = true;
    *top = config.top;
    return RPC_OK;
}

uint64_t rt_config(struct xml_node *top, struct xml_error *err)
{
    uint64_t st = config_open();
    return st ? st : config_node(top, err);
}

bool rt_config_attr(const char *name, char *out, size_t cap)
{
    struct xml_node top;
    return rt_config(&top, NULL) == RPC_OK && xml_attr(&top, name, out, cap);
}

uint64_t rt_config_sigh(cap_t note)
{
    config_open(); /* opens the session; content may follow later */
    return config.rom ? rom_sigh(config.rom, note) : RPC_UNAVAILABLE;
}

uint64_t rt_config_update(struct xml_node *top, struct xml_error *err)
{
    uint64_t st = config.rom ? config_fetch() : config_open();
    return st ? st : config_node(top, err);
}
