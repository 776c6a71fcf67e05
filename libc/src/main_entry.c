/*
 * The C entry of a component written on the runtime alone: its
 * main(uint64_t) gets the start argument, its return value is the exit
 * value. C programs on Newlib have their own (libc/posix/start.c: argv,
 * environ, stdio, exit).
 */
#include <rt/rt.h>

void rt_start(uint64_t arg);

void rt_start(uint64_t arg)
{
    rt_start_mode(arg);
    rt_exit(main(arg));
}
