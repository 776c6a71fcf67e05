/*
 * What the shell may start, and the config of the sub-init that runs it.
 *
 * The offers come from the shell's own config, each with its quota and
 * whatever its <start> node in the sub-init needs besides (routes, its
 * config, provides):
 *
 *   <offer name="hello" binary="hello" ram="1M" caps="100">
 *       <route> ... </route>  <config greeting="Hoi"/>
 *   </offer>
 *
 * and an optional <init> node whose content begins every generated
 * config (parent-provides, default-route, report; a default below if
 * absent). The generated config has one <start> per started offer.
 * Pure logic (unit/shell.c).
 */
#ifndef SHELL_OFFERS_H
#define SHELL_OFFERS_H

#include <rt/xml.h>

#define OFFERS_MAX 16
#define OFFER_NAME_MAX 31

struct offer {
    char name[OFFER_NAME_MAX + 1], binary[OFFER_NAME_MAX + 1];
    uint64_t ram, caps;
    const char *body; /* the <offer> node's content, as written in the config */
    size_t body_len;
    bool started; /* in the generated config */
};

struct offers {
    struct offer offer[OFFERS_MAX];
    unsigned count;
    const char *init_body; /* the <init> node's content, NULL for the default */
    size_t init_len;
};

/* Read the offers of config; each bad one is skipped after warn(arg,
 * message naming its line and the problem). The nodes' text must stay
 * where it is while the offers are used. */
void offers_read(const struct xml_node *config, struct offers *o, void (*warn)(void *arg, const char *msg),
                 void *arg);

/* The offer called name, or NULL. */
struct offer *offers_find(struct offers *o, const char *name);

/* The sub-init's config for the started offers into out[cap]: its
 * length, or 0 if it does not fit. */
size_t offers_config(const struct offers *o, char *out, size_t cap);

#endif
