/*
 * The C entry of a C program on Newlib (the runtime's _start calls
 * rt_start): read the config, build the VFS, open the standard streams,
 * make argv from its <arg value=".."/> nodes and environ from its
 * <env key=".." value=".."/> nodes, run the constructors, then
 * exit(main(argc, argv, environ)): atexit handlers, stdio flushed, and
 * the exit value goes to the parent (init logs it).
 *
 *   <config>
 *     <vfs> <dir name="dev"> <log/> </dir> </vfs>
 *     <libc stdout="/dev/log" stderr="/dev/log"/>
 *     <arg value="hello"/> <arg value="world"/>
 *     <env key="GREETING" value="hi"/>
 *   </config>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rt/component.h>
#include <rt/heap.h>
#include "posix.h"

/* The longest <arg> value or <env> key or value taken, with its NUL */
#define ARG_MAX_LEN ((size_t)128 << 10) /* as Linux: MAX_ARG_STRLEN */
#define ARG_MAX_TEXT "128 KiB"

void rt_start(uint64_t arg);

/* main of the C program: the runtime's rt.h declares the other one. */
int c_main(int argc, char **argv, char **envp) __asm__("main");

extern char **environ;
extern void (*__init_array_start[])(void) __attribute__((weak));
extern void (*__init_array_end[])(void) __attribute__((weak));

/* Attribute name of n, decoded, in a heap block of its size (up to
 * ARG_MAX_LEN, the longest value taken); NULL when absent, too long or
 * there is no memory, with *why saying which. */
static char *attr_dup(const struct xml_node *n, const char *name, const char **why)
{
    *why = "is missing";
    if (!xml_has_attr(n, name)) {
        return NULL;
    }
    for (size_t cap = 256;; cap = cap * 4 < ARG_MAX_LEN ? cap * 4 : ARG_MAX_LEN) {
        char *s = malloc(cap);
        if (!s) {
            *why = "needs more memory than there is";
            return NULL;
        }
        if (xml_attr(n, name, s, cap)) {
            return s;
        }
        free(s);
        if (cap >= ARG_MAX_LEN) {
            *why = "is longer than " ARG_MAX_TEXT;
            return NULL;
        }
    }
}

/* The value attributes of config's <type> nodes, in order, as a NULL
 * terminated array; env joins key=value. A node that cannot be taken is
 * said with its line and left out. */
static char **strings(const struct xml_node *config, const char *type, bool env, int *count)
{
    struct xml_node n;
    int total = 0, i = 0;
    for (bool more = config && xml_first_sub_of_type(config, type, &n); more;
         more = xml_next_of_type(&n, type, &n)) {
        total++;
    }
    char **out = calloc((size_t)total + 1, sizeof(char *));
    if (!out && total) {
        fprintf(stderr, "libc: no memory for %d <%s> nodes, none taken\n", total, type);
    }
    for (bool more = out && config && xml_first_sub_of_type(config, type, &n); more;
         more = xml_next_of_type(&n, type, &n)) {
        const char *why = NULL, *what = "key";
        char *key = env ? attr_dup(&n, "key", &why) : NULL, *value = NULL;
        if (env && (!key || !key[0])) {
            why = key ? "is empty" : why;
        } else if (what = "value", xml_has_attr(&n, "value") && !(value = attr_dup(&n, "value", &why))) {
            /* why says it */
        } else {
            size_t len = (key ? strlen(key) + 1 : 0) + (value ? strlen(value) : 0) + 1;
            why = "needs more memory than there is";
            if ((out[i] = malloc(len))) {
                snprintf(out[i++], len, env ? "%s=%s" : "%s%s", key ? key : "", value ? value : "");
                why = NULL;
            }
        }
        if (why) {
            fprintf(stderr, "libc: config line %u: <%s> left out: its %s %s\n", xml_line(&n), type, what,
                    why);
        }
        free(key);
        free(value);
    }
    *count = i;
    return out;
}

void rt_start(uint64_t arg)
{
    struct xml_node config, libc;
    struct xml_error err;
    int argc, envc;
    rt_malloc_failed = posix_malloc_failed; /* errno ENOMEM from then on */
    rt_start_mode(arg);
    uint64_t st = rt_config(&config, &err);
    if (st == RPC_INVALID) {
        fprintf(stderr, "libc: bad config: %s\n", err.msg);
        exit(1);
    }
    const struct xml_node *cfg = st == RPC_OK ? &config : NULL;
    vfs_init(cfg);
    bool has_libc = cfg && xml_first_sub_of_type(cfg, "libc", &libc);
    fd_init_stdio(has_libc ? &libc : NULL);
    time_init(has_libc ? &libc : NULL);
    char **argv = strings(cfg, "arg", false, &argc);
    char **envp = strings(cfg, "env", true, &envc);
    static char *no_args[] = {"", NULL};
    if (!argv || argc == 0) {
        argv = no_args;
        argc = 1;
    }
    if (envp) {
        environ = envp;
    }
    for (void (**f)(void) = __init_array_start; f && f < __init_array_end; f++) {
        (*f)();
    }
    exit(c_main(argc, argv, environ));
}
