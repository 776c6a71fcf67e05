/*
 * rm_test: region maps, for run/rm.run. A map attached into our address
 * space shows what is attached to it, also through a nested map; detach
 * and re-attach take effect everywhere; a map cannot contain itself.
 */
#include <rt/component.h>

static uint64_t open_rm(uint64_t size, cap_t *rm)
{
    char args[96];
    uint64_t id;
    snprintf(args, sizeof(args), "label=\"map\", size=%lu, ram_quota=%u, cap_quota=%u", size, RM_RAM_QUOTA,
             RM_CAP_QUOTA);
    return parent_session(RM_SERVICE, args, rm, &id);
}

/* A one-page dataspace filled with c. */
static cap_t page_of(char c)
{
    cap_t ds;
    uint64_t size;
    char *p;
    if (pd_alloc(ENV_PD, PAGE_SIZE, &ds, &size, NULL) || rt_attach(ds, PD_ATTACH_WRITE, (void **)&p)) {
        return CAP_NULL;
    }
    memset(p, c, PAGE_SIZE);
    pd_detach(ENV_PD, (uint64_t)p);
    return ds;
}

int main(uint64_t arg)
{
    cap_t outer, inner, outer_ds, inner_ds, a = page_of('A'), b = page_of('B'), c = page_of('C');
    uint64_t size, off, base;
    bool ok = a && b && c && !open_rm(16 * PAGE_SIZE, &outer) && !open_rm(4 * PAGE_SIZE, &inner) &&
              !rm_dataspace(outer, &outer_ds, &size) && !rm_dataspace(inner, &inner_ds, &size) &&
              !pd_attach(ENV_PD, outer_ds, PD_ATTACH_ANY, PD_ATTACH_WRITE, &base);
    if (!ok) {
        printf("rm: setup failed\n");
        return 1;
    }
    volatile char *map = (volatile char *)base;
    uint64_t st = rm_attach(outer, a, PAGE_SIZE, PD_ATTACH_WRITE, &off);
    printf("rm: page A at offset 0x%lx of the map reads '%c' (%s)\n", off, st ? '?' : map[off],
           status_text(st));
    st = rm_attach(inner, b, 0, PD_ATTACH_WRITE, &off);
    if (!st) {
        st = rm_attach(outer, inner_ds, 8 * PAGE_SIZE, PD_ATTACH_WRITE, &off);
    }
    printf("rm: nested map at 0x8000 shows page B: '%c' (%s)\n", st ? '?' : map[8 * PAGE_SIZE],
           status_text(st));
    st = rm_attach(inner, c, PAGE_SIZE, PD_ATTACH_WRITE, &off);
    printf("rm: attached to the inner map later, page C shows at 0x9000: '%c' (%s)\n",
           st ? '?' : map[9 * PAGE_SIZE], status_text(st));
    map[9 * PAGE_SIZE + 1] = 'c'; /* writes reach the dataspace itself */
    st = rm_detach(outer, PAGE_SIZE);
    if (!st) {
        st = rm_attach(outer, c, PAGE_SIZE, 0, &off);
    }
    printf("rm: after detach and re-attach, offset 0x1000 reads '%c%c' (%s)\n", st ? '?' : map[PAGE_SIZE],
           st ? '?' : map[PAGE_SIZE + 1], status_text(st));
    printf("rm: the outer map into the inner one: %s\n",
           status_text(rm_attach(inner, outer_ds, 2 * PAGE_SIZE, 0, &off)));
    printf("rm: overlapping attachment: %s\n", status_text(rm_attach(outer, b, 8 * PAGE_SIZE, 0, &off)));
    return 0;
}
