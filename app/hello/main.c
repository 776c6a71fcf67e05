/*
 * hello: the smallest component. Prints "Hello world" (or the greeting its
 * config names: <config greeting="Hi"/>) and exits with 0.
 */
#include <rt/component.h> /* printf, config, sessions, RAM */

int main(uint64_t arg)
{
    char greeting[32] = "Hello";
    rt_config_attr("greeting", greeting, sizeof(greeting)); /* keeps "Hello" if absent */
    printf("%s world\n", greeting);                         /* a line in the LOG session */
    return 0;                                               /* init logs the exit value */
}
