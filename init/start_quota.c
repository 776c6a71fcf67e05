/*
 * A child's quota from its config, with Genode's precedence (25.02 on):
 * `<resource name="RAM|CAP" quantum>` beats `<start ram|caps>`, which
 * beats the top-level `<default ram caps>`; maxima for resource requests
 * come from `<resource name="RAM" maximum>` and `<start caps_maximum>`.
 * A child that ends up with no RAM or no caps is reported and not
 * started, as in Genode.
 */
#include "init.h"

/* The number under attr of n into *out if n has it; false (reported) if
 * it is there but no number. */
static bool number(const struct xml_node *n, const char *attr, const char *child, uint64_t *out)
{
    if (!xml_has_attr(n, attr) || xml_attr_u64(n, attr, out)) {
        return true;
    }
    printf("config: line %u: %s of \"%s\" is not a number\n", xml_line(n), attr, child);
    return false;
}

bool start_quota(const struct init *in, struct child *ch, const struct xml_node *start)
{
    struct xml_node def, res;
    bool has_default = xml_first_sub_of_type(&in->root, "default", &def);
    ch->ram = ch->caps = ch->ram_max = ch->caps_max = 0;
    if ((has_default &&
         (!number(&def, "ram", ch->name, &ch->ram) || !number(&def, "caps", ch->name, &ch->caps))) ||
        !number(start, "ram", ch->name, &ch->ram) || !number(start, "caps", ch->name, &ch->caps) ||
        !number(start, "caps_maximum", ch->name, &ch->caps_max)) {
        return false;
    }
    for (bool ok = xml_first_sub_of_type(start, "resource", &res); ok;
         ok = xml_next_of_type(&res, "resource", &res)) {
        char rname[16] = "";
        xml_attr(&res, "name", rname, sizeof(rname));
        bool ram = !strcmp(rname, "RAM"), caps = !strcmp(rname, "CAP");
        if ((ram || caps) && !xml_has_attr(&res, "quantum")) {
            printf("config: line %u: <resource name=\"%s\"> of \"%s\" needs a quantum\n", xml_line(&res),
                   rname, ch->name);
            return false;
        }
        if ((ram && (!number(&res, "quantum", ch->name, &ch->ram) ||
                     !number(&res, "maximum", ch->name, &ch->ram_max))) ||
            (caps && !number(&res, "quantum", ch->name, &ch->caps))) {
            return false;
        }
        if ((ram && xml_has_attr(start, "ram")) || (caps && xml_has_attr(start, "caps"))) {
            printf("config: line %u: \"%s\" has both <resource name=\"%s\"> and <start %s>: ambiguous, the "
                   "<resource> counts\n",
                   xml_line(&res), ch->name, rname, ram ? "ram" : "caps");
        }
    }
    if (!ch->ram || !ch->caps) {
        printf(
            "config: line %u: child \"%s\" has no %s quota (give <start %s=\"..\"> or <default %s=\"..\">); "
            "not started\n",
            xml_line(start), ch->name, ch->ram ? "caps" : "RAM", ch->ram ? "caps" : "ram",
            ch->ram ? "caps" : "ram");
        return false;
    }
    ch->ram_max = ch->ram_max > ch->ram ? ch->ram_max : ch->ram;
    ch->caps_max = ch->caps_max > ch->caps ? ch->caps_max : ch->caps;
    return true;
}
