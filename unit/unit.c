/*
 * Runs every registered case in order; prints one line per case and the
 * summary line "unit: N passed, M failed" that `make unit` adds up.
 */
#include "unit.h"

int unit_failures;
static struct unit_case *head, **tail = &head;

void unit_register(struct unit_case *c)
{
    *tail = c;
    tail = &c->next;
}

int main(void)
{
    int passed = 0, failed = 0;
    for (struct unit_case *c = head; c; c = c->next) {
        int before = unit_failures;
        c->fn();
        if (unit_failures == before) {
            passed++;
        } else {
            failed++;
            printf("FAILED %s\n", c->name);
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
