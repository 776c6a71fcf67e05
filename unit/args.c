/*
 * Session arguments: the strict parser accepts the grammar of rt/args.h
 * and nothing else, no text inside a value is ever read as an argument,
 * and formatting round-trips.
 */
#include "unit.h"
#include <rt/args.h>

static bool parses(const char *text)
{
    struct args a;
    return args_parse(text, &a, NULL);
}

static uint64_t num(const struct args *a, const char *key)
{
    uint64_t v = 0;
    EXPECT(args_get_u64(a, key, 0, &v));
    return v;
}

TEST(values_plain_and_quoted)
{
    struct args a;
    EXPECT(args_parse("label=\"a -> b, c=d\", ram_quota=8K, cap_quota=2, base=0x40,size=0xFEC0", &a, NULL));
    EXPECT(a.count == 5);
    EXPECT(!strcmp(args_get(&a, "label"), "a -> b, c=d"));
    EXPECT(num(&a, "ram_quota") == 8192);
    EXPECT(num(&a, "cap_quota") == 2);
    EXPECT(num(&a, "base") == 0x40);
    EXPECT(num(&a, "size") == 0xfec0);
    EXPECT(!args_get(&a, "c"));
    EXPECT(!args_get(&a, "quota")); /* no partial key match */
    uint64_t v = 0;
    EXPECT(args_get_u64(&a, "missing", 77, &v) && v == 77);
    EXPECT(parses("") && parses("   "));
}

TEST(quote_tricks_are_refused)
{
    /* An unquoted value keeping a quote, a quote inside a quoted value,
     * escapes and control bytes: all errors, never a second argument. */
    EXPECT(!parses("label=x\", ram_quota=16M, y=\"z"));
    EXPECT(!parses("label=\"x\"\", ram_quota=16M"));
    EXPECT(!parses("label=\"x\\\", ram_quota=16M\""));
    EXPECT(!parses("label=\"a\nb\""));
    EXPECT(!parses("label=\"unterminated"));
    EXPECT(!parses("label=\"a\"b"));
    EXPECT(!parses("label=a b"));
}

TEST(malformed_lists_are_refused)
{
    const char *why = NULL;
    struct args a;
    EXPECT(!args_parse("ram_quota=1, ram_quota=2", &a, &why) && why && strstr(why, "duplicate"));
    EXPECT(a.count == 0);
    EXPECT(!parses("ram_quota=1,"));
    EXPECT(!parses(",ram_quota=1"));
    EXPECT(!parses("ram_quota=1,,cap_quota=1"));
    EXPECT(!parses("ram_quota="));
    EXPECT(!parses("=1"));
    EXPECT(!parses("Ram=1"));
    EXPECT(!parses("1ram=1"));
    EXPECT(!parses("a_very_long_key_name=1"));
    EXPECT(!parses("a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9"));
    EXPECT(parses("a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8"));
    char long_label[200];
    memset(long_label, 'x', sizeof(long_label));
    memcpy(long_label, "label=\"", 7);
    long_label[198] = '"';
    long_label[199] = 0;
    EXPECT(!parses(long_label));
}

TEST(numbers_are_exact)
{
    struct args a;
    uint64_t v;
    EXPECT(args_parse("a=18446744073709551615, b=18446744073709551616, c=12x, d=0x, e=16G, f=17179869184G, "
                      "g=0x1K, h=K",
                      &a, NULL));
    EXPECT(args_get_u64(&a, "a", 0, &v) && v == UINT64_MAX);
    EXPECT(!args_get_u64(&a, "b", 0, &v));
    EXPECT(!args_get_u64(&a, "c", 0, &v));
    EXPECT(!args_get_u64(&a, "d", 0, &v));
    EXPECT(args_get_u64(&a, "e", 0, &v) && v == (16ull << 30));
    EXPECT(!args_get_u64(&a, "f", 0, &v));
    EXPECT(!args_get_u64(&a, "g", 0, &v));
    EXPECT(!args_get_u64(&a, "h", 0, &v));
}

TEST(keys_outside_a_list_are_named)
{
    static const char *const allowed[] = {"label", "ram_quota", "cap_quota", NULL};
    struct args a;
    const char *bad = NULL;
    EXPECT(args_parse("label=\"x\", ram_quota=1", &a, NULL) && args_only(&a, allowed, &bad));
    EXPECT(args_parse("label=\"x\", base=1", &a, NULL) && !args_only(&a, allowed, &bad) &&
           !strcmp(bad, "base"));
}

TEST(set_and_format_round_trip)
{
    struct args a, b;
    char out[256];
    EXPECT(args_parse("label=\"x, cap_quota=999\", ram_quota=4096, cap_quota=1", &a, NULL));
    EXPECT(args_set(&a, "label", "init -> c -> x, cap_quota=999"));
    EXPECT(args_set_u64(&a, "priority", 42));
    EXPECT(args_set_u64(&a, "ram_quota", 73728));
    EXPECT(args_format(&a, out, sizeof(out)));
    EXPECT(args_parse(out, &b, NULL) && b.count == 4);
    EXPECT(!strcmp(args_get(&b, "label"), "init -> c -> x, cap_quota=999"));
    EXPECT(num(&b, "cap_quota") == 1 && num(&b, "ram_quota") == 73728 && num(&b, "priority") == 42);
    EXPECT(!args_set(&a, "label", "has \" quote"));
    EXPECT(!args_set(&a, "bad key", "1"));
}

TEST(format_never_truncates)
{
    struct args a;
    char out[16];
    EXPECT(args_parse("label=\"a-very-long-label-indeed\", ram_quota=4096", &a, NULL));
    EXPECT(!args_format(&a, out, sizeof(out)) && out[0] == 0);
}
