/*
 * The one entry point for config text (see rt/hid.h): the syntax is
 * recognised by content as Genode does, XML is parsed in place, HID is
 * converted into the caller's scratch buffer first. Readers of configs
 * (init, the runtime's rt_config, servers) call nothing else.
 */
#include <rt/hid.h>

bool config_is_hid(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
        i++;
    }
    return i == len || text[i] != '<';
}

bool config_parse(const char *text, size_t len, char *scratch, size_t scratch_len, struct xml_node *root,
                  struct xml_error *err)
{
    size_t xml_len;
    if (!config_is_hid(text, len)) {
        return xml_parse(text, len, root, err);
    }
    return hid_to_xml(text, len, scratch, scratch_len, &xml_len, err) &&
           xml_parse(scratch, xml_len, root, err);
}
