/*
 * ROM modules (libc/src/rom_module.c): version numbers count
 * publications and never repeat for a reader, a version lives exactly as
 * long as it is current or held, readers of a retired module keep what
 * they hold, and constant modules count nothing.
 */
#include "unit.h"
#include <rt/rom_module.h>

static unsigned freed;

static void count_free(struct rom_version *v)
{
    freed++;
    v->ds = CAP_NULL; /* shows which one went */
}

static void version(struct rom_version *v, cap_t ds)
{
    *v = (struct rom_version){.ds = ds, .size = 10, .free = count_free};
}

TEST(numbers_count_publications_from_one)
{
    struct rom_module m;
    struct rom_version a, b, c;
    rom_module_init(&m, false);
    EXPECT(!m.current && m.number == 0);
    version(&a, 1);
    version(&b, 2);
    version(&c, 3);
    rom_module_set_current(&m, &a);
    rom_module_set_current(&m, &b);
    rom_module_set_current(&m, &c);
    EXPECT(a.number == 1 && b.number == 2 && c.number == 3);
    EXPECT(m.current == &c && c.current && !a.current && !b.current);
}

TEST(unheld_version_goes_when_replaced)
{
    struct rom_module m;
    struct rom_version a, b;
    freed = 0;
    rom_module_init(&m, false);
    version(&a, 1);
    version(&b, 2);
    rom_module_set_current(&m, &a);
    EXPECT(freed == 0);
    rom_module_set_current(&m, &b);
    EXPECT(freed == 1 && a.ds == CAP_NULL && b.ds == 2);
}

TEST(held_version_lives_until_the_reader_moves_on)
{
    struct rom_module m;
    struct rom_version a, b, c;
    struct rom_reader r = {0}, q = {0};
    freed = 0;
    rom_module_init(&m, false);
    rom_reader_attach(&r, &m);
    rom_reader_attach(&q, &m);
    EXPECT(!rom_reader_fetch(&r)); /* nothing published yet */
    version(&a, 1);
    version(&b, 2);
    version(&c, 3);
    rom_module_set_current(&m, &a);
    EXPECT(rom_reader_fetch(&r) == &a && rom_reader_fetch(&q) == &a && a.holders == 2);
    EXPECT(rom_reader_fetch(&r) == &a && a.holders == 2); /* fetching again holds it once */
    rom_module_set_current(&m, &b);
    EXPECT(freed == 0 && a.ds == 1);
    EXPECT(rom_reader_fetch(&r) == &b && a.holders == 1 && freed == 0);
    rom_module_set_current(&m, &c); /* b: held by r */
    EXPECT(freed == 0);
    rom_reader_detach(&q); /* a's last holder */
    EXPECT(freed == 1 && a.ds == CAP_NULL);
    EXPECT(rom_reader_fetch(&r) == &c && freed == 2 && b.ds == CAP_NULL);
    rom_reader_detach(&r);
    EXPECT(freed == 2 && c.holders == 0 && m.current == &c && !m.readers);
}

TEST(detach_unlinks_only_that_reader)
{
    struct rom_module m;
    struct rom_reader r[3] = {{0}};
    rom_module_init(&m, false);
    for (unsigned i = 0; i < 3; i++) {
        rom_reader_attach(&r[i], &m);
    }
    rom_reader_detach(&r[1]);
    unsigned n = 0;
    for (struct rom_reader *p = m.readers; p; p = p->next) {
        EXPECT(p != &r[1]);
        n++;
    }
    EXPECT(n == 2 && !r[1].module);
}

TEST(retired_module_readers_keep_their_version)
{
    struct rom_module m;
    struct rom_version a;
    struct rom_reader r = {0}, q = {0};
    freed = 0;
    rom_module_init(&m, false);
    rom_reader_attach(&r, &m);
    rom_reader_attach(&q, &m);
    version(&a, 1);
    rom_module_set_current(&m, &a);
    rom_reader_fetch(&r);
    rom_module_retire(&m);
    EXPECT(!m.current && !m.readers && !r.module && !q.module);
    EXPECT(freed == 0 && r.held == &a && !a.current);
    EXPECT(!rom_reader_fetch(&r) && r.held == &a); /* NOT_FOUND, still held */
    rom_reader_detach(&r);
    EXPECT(freed == 1);
}

TEST(unheld_current_goes_with_its_module)
{
    struct rom_module m;
    struct rom_version a;
    freed = 0;
    rom_module_init(&m, false);
    version(&a, 1);
    rom_module_set_current(&m, &a);
    rom_module_retire(&m);
    EXPECT(freed == 1);
}

TEST(new_module_of_a_name_numbers_past_what_its_readers_saw)
{
    struct rom_module old, fresh;
    struct rom_version a[5], b;
    struct rom_reader r = {0};
    freed = 0;
    rom_module_init(&old, false);
    rom_reader_attach(&r, &old);
    for (unsigned i = 0; i < 5; i++) {
        version(&a[i], 10 + i);
        rom_module_set_current(&old, &a[i]);
    }
    EXPECT(rom_reader_fetch(&r)->number == 5);
    rom_module_retire(&old);
    rom_module_init(&fresh, false);
    rom_reader_attach(&r, &fresh);
    EXPECT(fresh.number == 5);
    version(&b, 20);
    rom_module_set_current(&fresh, &b);
    EXPECT(b.number == 6);
    EXPECT(rom_reader_fetch(&r) == &b && a[4].ds == CAP_NULL && freed == 5);
}

TEST(constant_module_lists_and_counts_nothing)
{
    struct rom_module m;
    struct rom_version a;
    struct rom_reader r = {0}, q = {0};
    freed = 0;
    rom_module_init(&m, true);
    version(&a, 7);
    rom_module_set_current(&m, &a);
    rom_reader_attach(&r, &m);
    rom_reader_attach(&q, &m);
    EXPECT(!m.readers);
    EXPECT(rom_reader_fetch(&r) == &a && rom_reader_fetch(&q) == &a && a.number == 1);
    EXPECT(a.holders == 0);
    rom_reader_detach(&r);
    EXPECT(freed == 0 && m.current == &a && !r.module && !r.held);
}
