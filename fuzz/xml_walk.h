/*
 * Shared by the fuzz targets that read config trees (xml.c, hid.c):
 * visit every element of a parsed tree, depth first, without recursion.
 */
#ifndef FUZZ_XML_WALK_H
#define FUZZ_XML_WALK_H

#include <rt/xml.h>

static inline void xml_walk(const struct xml_node *root, void (*visit)(const struct xml_node *, void *),
                            void *arg)
{
    struct xml_node stack[XML_MAX_DEPTH + 1];
    unsigned depth = 0;
    stack[0] = *root;
    for (;;) {
        visit(&stack[depth], arg);
        if (depth < XML_MAX_DEPTH && xml_first_sub(&stack[depth], &stack[depth + 1])) {
            depth++;
            continue;
        }
        while (!xml_next_sibling(&stack[depth], &stack[depth])) {
            if (depth == 0) {
                return;
            }
            depth--;
        }
    }
}

#endif
