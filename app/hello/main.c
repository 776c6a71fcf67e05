/*
 * hello: the smallest component. Prints "Hello world" and exits with 0.
 */
#include <rt/rt.h>

int main(uint64_t arg)
{
    (void)arg;
    printf("Hello world\n");
    return 0;
}
