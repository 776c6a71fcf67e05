/*
 * Session argument strings: values, quoting, and rewriting labels and
 * numbers without letting a label smuggle in other arguments.
 */
#include "unit.h"
#include <rt/args.h>

TEST(values_plain_and_quoted)
{
    char v[32];
    const char *a = "label=\"a -> b\", ram_quota=8K, cap_quota=2, base=0x40";
    EXPECT(args_value(a, "label", v, sizeof(v)) && !strcmp(v, "a -> b"));
    EXPECT(args_u64(a, "ram_quota", 0) == 8192);
    EXPECT(args_u64(a, "cap_quota", 0) == 2);
    EXPECT(args_u64(a, "base", 0) == 0x40);
    EXPECT(args_u64(a, "missing", 77) == 77);
    EXPECT(!args_value(a, "quota", v, sizeof(v))); /* no partial key match */
}

TEST(key_inside_a_label_is_not_an_argument)
{
    const char *a = "label=\"x, ram_quota=8M\", ram_quota=4096";
    EXPECT(args_u64(a, "ram_quota", 0) == 4096);
    const char *b = "label=\"ram_quota=8M\"";
    EXPECT(args_u64(b, "ram_quota", 1) == 1);
}

TEST(relabel_keeps_the_other_arguments)
{
    char out[128], v[64];
    args_relabel(out, sizeof(out), "label=\"x, cap_quota=999\", ram_quota=4096, cap_quota=1, irq=3",
                 "init -> c -> x");
    EXPECT(args_value(out, "label", v, sizeof(v)) && !strcmp(v, "init -> c -> x"));
    EXPECT(args_u64(out, "ram_quota", 0) == 4096);
    EXPECT(args_u64(out, "cap_quota", 0) == 1);
    EXPECT(args_u64(out, "irq", 0) == 3);
}

TEST(set_replaces_or_appends)
{
    char out[128];
    args_set_u64(out, sizeof(out), "label=\"a\", ram_quota=16384, cap_quota=2", "ram_quota", 73728);
    EXPECT(args_u64(out, "ram_quota", 0) == 73728);
    EXPECT(args_u64(out, "cap_quota", 0) == 2);
    args_set_u64(out, sizeof(out), "label=\"a\"", "cap_quota", 5);
    EXPECT(args_u64(out, "cap_quota", 0) == 5);
}

TEST(truncation_stays_terminated)
{
    char out[16];
    args_relabel(out, sizeof(out), "ram_quota=4096, cap_quota=1", "a-very-long-label-indeed");
    EXPECT(strlen(out) < sizeof(out));
}
