/*
 * reconfig_test, for run/reconfig.run:
 *   <config mode="configurator"/> publishes four versions of a
 *       subsystem's config through a Report session, one after another.
 *   <config mode="worker" version=".."/> says it started, then reports
 *       each change of its own config until it is stopped.
 *   <config mode="exit"/> says it ran and exits with exit value 7.
 */
#include <rt/component.h>
#include <rt/xml.h>
#include <session/report.h>

static const char *const versions[] = {
    "<config>"
    " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> <service name=\"PD\"/>"
    "  <service name=\"CPU\"/> </parent-provides>"
    " <default-route> <any-service> <parent/> </any-service> </default-route>"
    " <start name=\"a\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"1\"/> </start>"
    " <start name=\"b\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"1\"/> </start>"
    " <start name=\"quick\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" "
    "quantum=\"1M\"/>"
    "  <config mode=\"exit\"/> </start>"
    "</config>",
    /* b goes, c comes, a stays untouched; quick, which exited, is not run again */
    "<config>"
    " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> <service name=\"PD\"/>"
    "  <service name=\"CPU\"/> </parent-provides>"
    " <default-route> <any-service> <parent/> </any-service> </default-route>"
    " <start name=\"a\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"1\"/> </start>"
    " <start name=\"c\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"2\"/> </start>"
    " <start name=\"quick\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" "
    "quantum=\"1M\"/>"
    "  <config mode=\"exit\"/> </start>"
    "</config>",
    /* a's inner config changes; quick goes */
    "<config>"
    " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> <service name=\"PD\"/>"
    "  <service name=\"CPU\"/> </parent-provides>"
    " <default-route> <any-service> <parent/> </any-service> </default-route>"
    " <start name=\"a\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"3\"/> </start>"
    " <start name=\"c\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"2\"/> </start>"
    "</config>",
    /* quick comes back: it runs again */
    "<config>"
    " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> <service name=\"PD\"/>"
    "  <service name=\"CPU\"/> </parent-provides>"
    " <default-route> <any-service> <parent/> </any-service> </default-route>"
    " <start name=\"a\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"3\"/> </start>"
    " <start name=\"c\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" quantum=\"1M\"/>"
    "  <config mode=\"worker\" version=\"2\"/> </start>"
    " <start name=\"quick\" caps=\"60\"> <binary name=\"reconfig_test\"/> <resource name=\"RAM\" "
    "quantum=\"1M\"/>"
    "  <config mode=\"exit\"/> </start>"
    "</config>",
};

static void pause_a_while(void)
{
    for (unsigned i = 0; i < 3000; i++) {
        sys_yield(); /* let the subsystem act on what we published */
    }
}

static int configurator(void)
{
    cap_t report, ds;
    uint64_t id, size;
    char *buf;
    char args[96];
    snprintf(args, sizeof(args), "label=\"config\", ram_quota=%u, cap_quota=%u", REPORT_RAM_QUOTA,
             REPORT_CAP_QUOTA);
    uint64_t st = parent_session(REPORT_SERVICE, args, &report, &id);
    if (!st) {
        st = report_dataspace(report, &ds, &size);
    }
    if (!st) {
        st = rt_attach(ds, PD_ATTACH_WRITE, (void **)&buf);
    }
    for (unsigned v = 0; !st && v < sizeof(versions) / sizeof(versions[0]); v++) {
        size = strlen(versions[v]);
        memcpy(buf, versions[v], size);
        st = report_submit(report, size);
        printf("published config version %u: %s\n", v + 1, status_text(st));
        pause_a_while();
    }
    return st ? 1 : 0;
}

static int worker(const struct xml_node *cfg)
{
    char version[8] = "?";
    cap_t note;
    uint64_t bits;
    struct xml_node now;
    xml_attr(cfg, "version", version, sizeof(version));
    printf("worker started with config version %s\n", version);
    if (pd_alloc_obj(ENV_PD, OBJ_NOTIFICATION, &note) || rt_config_sigh(note)) {
        printf("cannot watch the config\n");
        return 1;
    }
    for (;;) {
        sys_wait(note, &bits);
        if (!rt_config_update(&now, NULL) && xml_attr(&now, "version", version, sizeof(version))) {
            printf("worker config changed: version %s\n", version);
        }
    }
}

int main(uint64_t arg)
{
    struct xml_node cfg;
    char mode[16] = "";
    if (rt_config(&cfg, NULL) || !xml_attr(&cfg, "mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    if (!strcmp(mode, "exit")) {
        printf("quick ran\n");
        return 7;
    }
    return !strcmp(mode, "configurator") ? configurator() : worker(&cfg);
}
