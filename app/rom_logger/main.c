/*
 * rom_logger: log a ROM at start and after every change (its sigh), so
 * that a run script can check generated data such as init's state
 * report. See README.
 */
#include <rt/component.h>

static bool check_xml; /* <config xml="yes">: say when a version is no XML */

static void log_version(cap_t rom, const char *name, cap_t *ds, void **text)
{
    uint64_t size, version;
    if (*ds) {
        pd_detach(ENV_PD, (uint64_t)*text);
        rt_slot_free(*ds);
        *ds = CAP_NULL;
    }
    status_t st = rom_dataspace(rom, ds, &size, &version);
    if (st == RPC_NOT_FOUND) {
        printf("ROM '%s' is empty\n", name);
        return;
    }
    if (st || (st = rt_attach(*ds, 0, text))) {
        printf("ROM '%s': %s\n", name, status_text(st));
        return;
    }
    printf("ROM '%s' version %lu:\n", name, version);
    const char *p = *text, *end = p + size;
    while (p < end && *p) {
        const char *nl = p;
        while (nl < end && *nl && *nl != '\n') {
            nl++;
        }
        printf("  %.*s\n", (int)(nl - p), p);
        p = nl < end && *nl == '\n' ? nl + 1 : nl;
    }
    struct xml_node top;
    struct xml_error err = {.msg = ""};
    if (check_xml && !xml_parse(*text, (size_t)(p - (const char *)*text), &top, &err)) {
        printf("ROM '%s' version %lu is no XML: %s\n", name, version, err.msg);
    }
}

int main(uint64_t arg)
{
    (void)arg;
    char name[64] = "state", args[RPC_STRING_MAX + 1];
    cap_t rom, note, ds = CAP_NULL;
    uint64_t id, bits;
    void *text = NULL;
    rt_config_attr("rom", name, sizeof(name));
    char xml[4] = "";
    rt_config_attr("xml", xml, sizeof(xml));
    check_xml = !strcmp(xml, "yes");
    snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%u, cap_quota=4", name, 20480);
    status_t st = parent_session(ROM_SERVICE, args, &rom, &id);
    if (!st) {
        st = pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note);
    }
    if (!st) {
        st = rom_sigh(rom, note);
    }
    if (st) {
        printf("ROM '%s' not available: %s\n", name, status_text(st));
        return 1;
    }
    for (;;) {
        log_version(rom, name, &ds, &text);
        sys_wait(note, &bits);
    }
}
