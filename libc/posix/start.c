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

#define ARG_MAX_LEN 1024

void rt_start(uint64_t arg);

/* main of the C program: the runtime's rt.h declares the other one. */
int c_main(int argc, char **argv, char **envp) __asm__("main");

extern char **environ;
extern void (*__init_array_start[])(void) __attribute__((weak));
extern void (*__init_array_end[])(void) __attribute__((weak));

/* The value attributes of config's <type> nodes, in order, as a NULL
 * terminated array; env joins key=value. */
static char **strings(const struct xml_node *config, const char *type, bool env, int *count)
{
    struct xml_node n;
    char key[ARG_MAX_LEN], value[ARG_MAX_LEN];
    int total = 0, i = 0;
    for (bool more = config && xml_first_sub_of_type(config, type, &n); more;
         more = xml_next_of_type(&n, type, &n)) {
        total++;
    }
    char **out = calloc((size_t)total + 1, sizeof(char *));
    for (bool more = out && config && xml_first_sub_of_type(config, type, &n); more;
         more = xml_next_of_type(&n, type, &n)) {
        value[0] = key[0] = 0;
        xml_attr(&n, "value", value, sizeof(value));
        if (env && (!xml_attr(&n, "key", key, sizeof(key)) || !key[0])) {
            fprintf(stderr, "libc: config line %u: <env> needs a key\n", xml_line(&n));
            continue;
        }
        size_t len = strlen(key) + 1 + strlen(value) + 1;
        if ((out[i] = malloc(len))) {
            snprintf(out[i++], len, env ? "%s=%s" : "%s%s", key, value);
        }
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
