/*
 * Affinity (rt/affinity.h): the session argument's text form is read
 * strictly, Genode's scale_to maps a location onto the physical CPUs,
 * and filter places what a child asked for inside the child's location.
 */
#include "unit.h"
#include <rt/affinity.h>

static struct affinity aff(unsigned sw, unsigned sh, unsigned x, unsigned y, unsigned w, unsigned h)
{
    return (struct affinity){.space_w = sw, .space_h = sh, .x = x, .y = y, .w = w, .h = h};
}

static bool same(struct affinity a, struct affinity b)
{
    return a.space_w == b.space_w && a.space_h == b.space_h && a.x == b.x && a.y == b.y && a.w == b.w &&
           a.h == b.h;
}

TEST(text_round_trips)
{
    struct affinity a = aff(4, 2, 3, 1, 1, 1), b;
    char text[64];
    EXPECT(affinity_format(&a, text, sizeof(text)));
    EXPECT(!strcmp(text, "3,1 1x1 of 4x2"));
    EXPECT(affinity_parse(text, &b) && same(a, b));
    EXPECT(!affinity_format(&a, text, 8));
}

TEST(malformed_or_outside_is_refused)
{
    struct affinity a;
    static const char *const bad[] = {"",
                                      "0,0 1x1",
                                      "0,0 1x1 of 1x1 ",
                                      " 0,0 1x1 of 1x1",
                                      "0,0 0x1 of 1x1",
                                      "1,0 1x1 of 1x1",
                                      "0,0 2x1 of 1x1",
                                      "0,0 1x1 of 0x1",
                                      "0,0 1x1 of 65537x1",
                                      "0,0 1x1 of 256x257",
                                      "0,0 1x1 of 999999x1",
                                      "-1,0 1x1 of 2x1",
                                      "0,0 1x1 of 2x1x",
                                      "0,0 1x1 off 2x1",
                                      NULL};
    for (unsigned i = 0; bad[i]; i++) {
        EXPECT(!affinity_parse(bad[i], &a));
    }
    EXPECT(affinity_parse("255,255 1x1 of 256x256", &a) && same(a, aff(256, 256, 255, 255, 1, 1)));
}

TEST(scale_to_maps_onto_physical_cpus)
{
    struct affinity a = aff(4, 1, 2, 0, 1, 1);
    EXPECT(same(affinity_scale_to(&a, 4, 1), aff(4, 1, 2, 0, 1, 1)));
    EXPECT(same(affinity_scale_to(&a, 2, 1), aff(2, 1, 1, 0, 1, 1)));
    EXPECT(same(affinity_scale_to(&a, 1, 1), aff(1, 1, 0, 0, 1, 1)));
    EXPECT(same(affinity_scale_to(&a, 8, 1), aff(8, 1, 4, 0, 2, 1)));
    struct affinity whole = aff(2, 2, 0, 0, 2, 2);
    EXPECT(same(affinity_scale_to(&whole, 3, 1), aff(3, 1, 0, 0, 3, 1)));
    struct affinity last = aff(8, 1, 7, 0, 1, 1);
    EXPECT(same(affinity_scale_to(&last, 2, 1), aff(2, 1, 1, 0, 1, 1)));
}

TEST(filter_places_the_request_inside_the_child)
{
    struct affinity child = aff(4, 1, 2, 0, 2, 1), asked = aff(2, 1, 1, 0, 1, 1);
    struct affinity r = affinity_filter(&child, &asked);
    EXPECT(same(r, aff(8, 1, 6, 0, 2, 1))); /* the right half of the right half */
    EXPECT(same(affinity_scale_to(&r, 4, 1), aff(4, 1, 3, 0, 1, 1)));
    EXPECT(same(affinity_filter(&child, NULL), child));
    struct affinity huge = aff(65536, 1, 0, 0, 1, 1);
    EXPECT(same(affinity_filter(&child, &huge), child));
}
