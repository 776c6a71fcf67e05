/*
 * libc_start: the C program of make bench's libc_start row, as small as
 * a "hello" (stdio, the C library's start): the first line of main()
 * stamps the TSC. Built for Arbor with tools/arbor-cc and for Linux with
 * gcc -static (tools/linux-bench), from this one source.
 *
 *   libc_start      Arbor: print the stamp (the TSC since reset) as a bench row
 *   libc_start FD   Linux: write it (8 bytes) to FD, a pipe of lbench's exec_to_main
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    uint64_t entry = ((uint64_t)hi << 32) | lo;
    if (argc > 1) {
        return write(atoi(argv[1]), &entry, sizeof(entry)) == sizeof(entry) ? 0 : 1;
    }
    printf("bench: libc_main median=%llu min=%llu iters=1\n", (unsigned long long)entry,
           (unsigned long long)entry);
    return 0;
}
