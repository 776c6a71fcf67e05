/*
 * HID, Genode's "human-inclined data" syntax for configurations, and
 * config_parse, the one entry point every reader of config text calls.
 *
 * HID and XML describe the same tree of nodes (a type, ordered attributes,
 * sub nodes or quoted lines). Arbor serves that tree through the XML
 * navigation API of rt/xml.h only: a HID document is converted into
 * equivalent, escaped XML text in a buffer the caller provides (no heap),
 * and that text is parsed by xml_parse. The conversion puts every element
 * on the line its node has in the HID text, so xml_line() and the errors
 * of xml_parse name the lines the user wrote.
 *
 * The syntax (../shared/genode-dialect.md §1, docs/config-reference.md):
 *
 *   config                          the top-level type, line 1, column 0
 *   + start hello | caps: 100       '+ ' a node, its name, '|' segments
 *     + resource RAM | quantum: 1M  nested by column
 *     x route                       'x ' a node dropped with its subtree
 *     . a comment | to the line end
 *   + arg | : quoted line kept as is
 *   -                               the end line; the rest is ignored
 *
 * Arbor is stricter than Genode's runtime parser in one respect: a node
 * type that is not [a-z][a-z0-9_-]* rejects the document (with its line
 * and column) instead of being skipped.
 */
#ifndef RT_HID_H
#define RT_HID_H

#include <rt/xml.h>

/* The most XML text hid_to_xml makes of len bytes of HID: a scratch
 * buffer of this size never runs short (fuzz/hid.c checks it). */
size_t hid_xml_budget(size_t len);

/* Convert the HID document hid[0..len) into XML text in out[cap]; on
 * success *out_len bytes were written. On failure err names the line (and
 * column) and the problem; a buffer too small is such a failure ("needs
 * more than N bytes as XML"), never a truncated document. Nothing is
 * written past out + cap. */
bool hid_to_xml(const char *hid, size_t len, char *out, size_t cap, size_t *out_len, struct xml_error *err)
    __attribute__((warn_unused_result));

/* Write the tree below root (from xml_parse or config_parse) as HID into
 * out[cap]. Fails, naming the element's line, when the tree holds what
 * HID cannot express (an uppercase or namespaced name, a value with '|',
 * a line break, a TAB or leading/trailing spaces) or out is too small. */
bool hid_from_xml(const struct xml_node *root, char *out, size_t cap, size_t *out_len, struct xml_error *err)
    __attribute__((warn_unused_result));

/* Is text HID? Leading space, TAB and LF are skipped; '<' means XML. */
bool config_is_hid(const char *text, size_t len);

/* Parse a config in either syntax into its top-level node. XML is parsed
 * in place (scratch unused); HID is converted into scratch, which then
 * holds the document the nodes point into and needs
 * hid_xml_budget(len) bytes. False with err set when the text does not
 * parse or scratch is too small. */
bool config_parse(const char *text, size_t len, char *scratch, size_t scratch_len, struct xml_node *root,
                  struct xml_error *err) __attribute__((warn_unused_result));

#endif
