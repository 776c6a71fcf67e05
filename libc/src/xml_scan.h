/*
 * Internals shared by the two halves of the XML parser: the checking
 * tokenizer (xml.c) and the navigation and attribute functions
 * (xml_node.c). Not part of the runtime's interface.
 */
#ifndef LIBC_XML_SCAN_H
#define LIBC_XML_SCAN_H

#include <rt/xml.h>

enum tok_kind { TOK_EOF, TOK_TEXT, TOK_COMMENT, TOK_DECL, TOK_START, TOK_EMPTY, TOK_END };

struct token {
    enum tok_kind kind;
    const char *at;   /* first byte of the token */
    const char *name; /* element name of START, EMPTY and END */
    size_t name_len;
};

struct scan {
    const char *p, *end; /* the unread rest */
    const char *base;    /* base is on line base_line */
    unsigned base_line;
    const char *mark; /* line cache: mark is on line mark_line */
    unsigned mark_line;
    struct xml_error *err; /* NULL when walking a checked document */
};

struct span {
    const char *p;
    size_t len;
};

size_t xml_name_length(const char *p, const char *end);
bool xml_span_is(struct span s, const char *text);
size_t xml_entity_at(const char *p, const char *end, char *decoded);
void xml_scan_init(struct scan *s, const char *base, unsigned base_line, const char *from, const char *end,
                   struct xml_error *err);
unsigned xml_line_at(struct scan *s, const char *at);
bool xml_next_token(struct scan *s, struct token *t);
/* The attribute at *p of a checked start tag (up to end), *p moved past
 * it; false at the first thing that is not an attribute. */
bool xml_attr_next(const char **p, const char *end, struct span *name, struct span *value);
/* Decoded text content of n, one byte at a time (see xml_text). */
bool xml_text_each(const struct xml_node *n, void (*put)(void *ctx, char c), void *ctx);
bool xml_attr_find(const char *p, const char *end, struct span name, struct span *value);

#endif
