/*
 * The shell's offers and the sub-init config made of them (offers.h).
 * Names and binaries are checked to be plain ([A-Za-z0-9_.-]) so that
 * nothing from the shell's config can change the generated XML beyond
 * the offer's own nodes, which are copied as written.
 */
#include "offers.h"
#include <rt/rt.h>

#define DEFAULT_INIT                                                                                         \
    "<parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> <service name=\"PD\"/> "              \
    "<service name=\"CPU\"/> </parent-provides>\n"                                                           \
    "<default-route> <any-service> <parent/> </any-service> </default-route>\n"                              \
    "<report child_ram=\"yes\" child_caps=\"yes\" init_ram=\"yes\" init_caps=\"yes\"/>\n"

static bool plain_name(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-')) {
            return false;
        }
    }
    return true;
}

/* Read one <offer>: NULL, or what is wrong with it. */
static const char *read_offer(const struct xml_node *n, struct offers *o, struct offer *f)
{
    memset(f, 0, sizeof(*f));
    if (!xml_attr(n, "name", f->name, sizeof(f->name)) || !plain_name(f->name)) {
        return "needs a name of at most 31 letters, digits, '_', '.' or '-'";
    }
    if (offers_find(o, f->name)) {
        return "has the name of an offer before it";
    }
    memcpy(f->binary, f->name, sizeof(f->binary));
    if (xml_has_attr(n, "binary") &&
        (!xml_attr(n, "binary", f->binary, sizeof(f->binary)) || !plain_name(f->binary))) {
        return "has a binary name that is not at most 31 letters, digits, '_', '.' or '-'";
    }
    if (!xml_attr_u64(n, "ram", &f->ram) || f->ram == 0) {
        return "needs a ram quota (ram=\"1M\")";
    }
    if (!xml_attr_u64(n, "caps", &f->caps) || f->caps == 0) {
        return "needs a caps quota (caps=\"100\")";
    }
    xml_content(n, &f->body, &f->body_len);
    return NULL;
}

void offers_read(const struct xml_node *config, struct offers *o, void (*warn)(void *arg, const char *msg),
                 void *arg)
{
    struct xml_node n;
    char msg[160];
    memset(o, 0, sizeof(*o));
    if (xml_first_sub_of_type(config, "init", &n)) {
        xml_content(&n, &o->init_body, &o->init_len);
    }
    for (bool more = xml_first_sub_of_type(config, "offer", &n); more;
         more = xml_next_of_type(&n, "offer", &n)) {
        const char *why = o->count == OFFERS_MAX ? "is one too many (16 at most)" : NULL;
        struct offer f;
        why = why ? why : read_offer(&n, o, &f);
        if (why) {
            snprintf(msg, sizeof(msg), "config line %u: <offer> %s: ignored", xml_line(&n), why);
            warn(arg, msg);
            continue;
        }
        o->offer[o->count++] = f;
    }
}

struct offer *offers_find(struct offers *o, const char *name)
{
    for (unsigned i = 0; i < o->count; i++) {
        if (!strcmp(o->offer[i].name, name)) {
            return &o->offer[i];
        }
    }
    return NULL;
}

struct text {
    char *buf;
    size_t cap, len;
    bool full;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->full || t->len + n >= t->cap) {
        t->full = true;
        return;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = 0;
}

static void put_str(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

size_t offers_config(const struct offers *o, char *out, size_t cap)
{
    struct text t = {out, cap, 0, cap == 0};
    char line[160];
    put_str(&t, "<config>\n");
    if (o->init_body) {
        put(&t, o->init_body, o->init_len);
        put_str(&t, "\n");
    } else {
        put_str(&t, DEFAULT_INIT);
    }
    for (unsigned i = 0; i < o->count; i++) {
        const struct offer *f = &o->offer[i];
        if (!f->started) {
            continue;
        }
        snprintf(line, sizeof(line), "<start name=\"%s\" ram=\"%lu\" caps=\"%lu\">\n<binary name=\"%s\"/>\n",
                 f->name, (unsigned long)f->ram, (unsigned long)f->caps, f->binary);
        put_str(&t, line);
        put(&t, f->body, f->body_len);
        put_str(&t, "\n</start>\n");
    }
    put_str(&t, "</config>\n");
    return t.full ? 0 : t.len;
}
