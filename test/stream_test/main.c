/*
 * stream_test: both ends of a packet stream and an attacker, for
 * run/packet_stream.run, run/packet_stream_hostile.run and run/bench.run.
 *   <config mode="server" delay="N"/>   serves Stream_test; delay: a busy
 *       loop of N steps per packet (a slow consumer)
 *   <config mode="producer" kib="N" packet="N" slots="N" buffer="N"
 *           until_done="1"/>   moves N KiB, every byte checked
 *   <config mode="bench" rounds="N"/>  MiB through the stream, timed
 *   <config mode="hostile"/>           attacks the server
 *   <config mode="attack2"/>           attacks it more (attack2.c)
 */
#include "stream_test.h"

uint64_t st_config_u64(const struct xml_node *config, const char *name, uint64_t fallback)
{
    uint64_t v = fallback;
    return xml_attr_u64(config, name, &v) ? v : fallback;
}

int main(uint64_t arg)
{
    struct xml_node config;
    char mode[16] = "";
    if (rt_config(&config, NULL) || !xml_attr(&config, "mode", mode, sizeof(mode))) {
        printf("no mode in config\n");
        return 1;
    }
    if (!strcmp(mode, "server")) {
        return st_server(&config);
    }
    if (!strcmp(mode, "producer")) {
        return st_producer(&config);
    }
    if (!strcmp(mode, "bench")) {
        return st_bench(&config);
    }
    if (!strcmp(mode, "hostile")) {
        return st_hostile(&config);
    }
    if (!strcmp(mode, "attack2")) {
        return st_attack2(&config);
    }
    printf("unknown mode \"%s\"\n", mode);
    return 1;
}
