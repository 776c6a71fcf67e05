/*
 * A non-allocating XML parser for configurations (init's config, a
 * server's <policy> nodes), in the manner of Genode's Xml_node.
 *
 * xml_parse checks a whole document once and hands back its top-level
 * element as a struct xml_node: a small value naming a span of the
 * caller's buffer. Every other function walks that span again on demand;
 * nothing is copied, allocated or written into the buffer, which need not
 * be NUL terminated and must stay in place while nodes refer to it. Nodes
 * are only meaningful when they come from xml_parse or from the navigation
 * functions below, applied to a document that parsed.
 *
 * The grammar subset:
 *
 *   document  := ws? ['<?xml' ... '?>'] misc* element misc*
 *   misc      := white space | comment
 *   comment   := '<!--' ... '-->'
 *   element   := '<' name (ws attribute)* ws? '/>'
 *              | '<' name (ws attribute)* ws? '>' content '</' name ws? '>'
 *   content   := (text | comment | element)*
 *   attribute := name ws? '=' ws? ('"' value '"' | "'" value "'")
 *   name      := [A-Za-z_:] [A-Za-z0-9_:.-]*
 *   value     := any characters but '<' and the quote; '&' only in the
 *                entities &lt; &gt; &amp; &quot; &apos;
 *   text      := any characters but '<' (not interpreted)
 *
 * Not supported (reported as errors): DOCTYPE, CDATA, processing
 * instructions other than the leading declaration, numeric character
 * references. Elements nest at most XML_MAX_DEPTH deep; the parser does
 * not recurse.
 */
#ifndef RT_XML_H
#define RT_XML_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define XML_MAX_DEPTH 32
#define XML_ERROR_MAX 160

/* One element: its text from '<' to the end of its end tag (or '/>'). */
struct xml_node {
    const char *p;     /* the '<' that opens the element */
    size_t len;        /* bytes up to and including its last '>' */
    const char *limit; /* end of the parent's content: where siblings stop */
    unsigned line;     /* 1-based line of p in the document */
};

/* Why a document (or a rule in it) was refused. msg is a complete sentence
 * for people, starting with the line: "line 3: </route> does not match
 * <start> opened on line 2". */
struct xml_error {
    unsigned line; /* 1-based line of the problem, 0 when there is none */
    char msg[XML_ERROR_MAX];
};

/* Check that buf[0..len) is a well-formed document; on success *root is
 * its top-level element. On failure err (if not NULL) names the line and
 * the problem, and *root is untouched. */
bool xml_parse(const char *buf, size_t len, struct xml_node *root, struct xml_error *err)
    __attribute__((warn_unused_result));

/* Fill err with line and a message; fmt knows only %s %u %c and %.*s.
 * For modules that report problems in a parsed config (route.c). */
void xml_error_set(struct xml_error *err, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- the element itself ---- */

/* Is n a <type> element? */
bool xml_type_is(const struct xml_node *n, const char *type);

/* Copy the element name into out[cap]; false (out empty) if it does not fit. */
bool xml_type(const struct xml_node *n, char *out, size_t cap);

/* 1-based line of the element's '<'. */
unsigned xml_line(const struct xml_node *n);

/* The exact text of the element, '<' to its final '>'. */
void xml_raw(const struct xml_node *n, const char **p, size_t *len);

/* The text between start and end tag, undecoded (children, comments and
 * text included); empty for <a/>. */
void xml_content(const struct xml_node *n, const char **p, size_t *len);

/* The quoted lines of n: its text content with the five entities decoded
 * and comments dropped, lines separated by LF, into out[cap] (NUL
 * terminated, *len bytes). Empty when n has sub elements or its text is
 * blank. False (out empty) when it does not fit. */
bool xml_text(const struct xml_node *n, char *out, size_t cap, size_t *len);

/* ---- children (elements only; text and comments are skipped) ---- */

/* The first child element of n; false if it has none. out may be n. */
bool xml_first_sub(const struct xml_node *n, struct xml_node *out);

/* The element after n in its parent; false after the last one (and for
 * the top-level element). out may be n, so a loop reads:
 *   for (bool more = xml_first_sub(p, &c); more; more = xml_next_sibling(&c, &c)) */
bool xml_next_sibling(const struct xml_node *n, struct xml_node *out);

/* The first child of n that is a <type>. */
bool xml_first_sub_of_type(const struct xml_node *n, const char *type, struct xml_node *out);

/* The next sibling after n that is a <type>. */
bool xml_next_of_type(const struct xml_node *n, const char *type, struct xml_node *out);

/* Number of child elements. */
unsigned xml_sub_count(const struct xml_node *n);

/* ---- attributes ---- */

bool xml_has_attr(const struct xml_node *n, const char *name);

/* The i-th attribute (0-based, in document order): its name into
 * name[name_cap] and its decoded value into value[value_cap]. False when
 * there are fewer, or when either does not fit. */
bool xml_attr_nth(const struct xml_node *n, unsigned i, char *name, size_t name_cap, char *value,
                  size_t value_cap);

/* Copy the value of attribute name into out[cap] with the five entities
 * decoded. False when absent (out unchanged, so a default set before
 * stays) or when it does not fit (out empty). */
bool xml_attr(const struct xml_node *n, const char *name, char *out, size_t cap);

/* A number: decimal or 0x-hex, optionally followed by one of K, M, G
 * (binary: 2M = 2 * 1024 * 1024). False when absent, empty, not a number,
 * followed by anything else, or beyond 64 bits; *out is then untouched. */
bool xml_attr_u64(const struct xml_node *n, const char *name, uint64_t *out);

/* yes/true or no/false; false when absent or anything else. */
bool xml_attr_bool(const struct xml_node *n, const char *name, bool *out);

#endif
