/*
 * hello: the smallest component. Prints "Hello world" (or the greeting its
 * config names: <config greeting="Hi"/>) and exits with 0.
 */
#include <rt/component.h>   /* printf, sessions, RAM */
#include <rt/xml.h>

int main(uint64_t arg)
{
    const char *xml;
    uint64_t len;
    struct xml_node config;
    char greeting[32] = "Hello";
    if (rt_config(&xml, &len) == RPC_OK && xml_parse(xml, len, &config, NULL)) {
        xml_attr(&config, "greeting", greeting, sizeof(greeting));
    }
    printf("%s world\n", greeting);   /* a line in the LOG session */
    return 0;                          /* init logs the exit value */
}
