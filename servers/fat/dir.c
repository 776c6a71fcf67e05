/*
 * Directories: the fixed root of FAT12/16 or a cluster chain, read as
 * 32-byte slots (at most FAT_DIR_SLOTS); long-name entries are taken
 * only in sequence and with the checksum of the short entry they
 * precede (else the short name stands alone, as other systems do);
 * paths resolved below a node, ".." refused.
 */
#include "dir.h"

uint32_t dir_first(struct fat_fs *fs, struct fat_node n)
{
    return n.index == FAT_ROOT_INDEX ? fs->root_cluster : n.cluster;
}

uint32_t entry_cluster(struct fat_fs *fs, const struct fat_dirent *d)
{
    return (fs->type == 32 ? (uint32_t)d->cluster_hi << 16 : 0) | d->cluster_lo;
}

void entry_set_cluster(struct fat_fs *fs, struct fat_dirent *d, uint32_t c)
{
    d->cluster_hi = fs->type == 32 ? (uint16_t)(c >> 16) : 0;
    d->cluster_lo = (uint16_t)c;
}

/* The sector and byte of a slot; NOENT past the directory's end. */
static enum fat_status slot_place(struct fat_fs *fs, uint32_t dir, uint32_t slot, uint64_t *sector,
                                  uint32_t *off)
{
    uint64_t byte = (uint64_t)slot * 32;
    if (slot >= FAT_DIR_SLOTS) {
        return FAT_NOENT;
    }
    if (dir == 0) {
        if (slot >= fs->root_entries) {
            return FAT_NOENT;
        }
        *sector = fs->root_start + byte / fs->sector_size;
    } else {
        uint32_t c;
        enum fat_status st = fat_chain_at(fs, dir, (uint32_t)(byte / fs->cluster_size), &c);
        if (st) {
            return st;
        }
        if (!c) {
            return FAT_NOENT;
        }
        *sector = fat_cluster_sector(fs, c) + byte % fs->cluster_size / fs->sector_size;
    }
    *off = (uint32_t)(byte % fs->sector_size);
    return FAT_OK;
}

enum fat_status slot_get(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct fat_dirent *d)
{
    uint64_t sector;
    uint32_t off;
    uint8_t *data;
    enum fat_status st = slot_place(fs, dir, slot, &sector, &off);
    if (st == FAT_OK && (st = cache_get(fs, sector, true, &data)) == FAT_OK) {
        memcpy(d, data + off, 32);
    }
    return st;
}

enum fat_status slot_put(struct fat_fs *fs, uint32_t dir, uint32_t slot, const struct fat_dirent *d)
{
    uint64_t sector;
    uint32_t off;
    uint8_t *data;
    enum fat_status st = slot_place(fs, dir, slot, &sector, &off);
    if (st == FAT_NOENT) {
        return fat_corrupt(fs, "directory slot %u is gone", slot);
    }
    if (st == FAT_OK && (st = cache_get(fs, sector, true, &data)) == FAT_OK) {
        memcpy(data + off, d, 32);
        cache_dirty(fs, sector);
    }
    return st;
}

static void lfn_chars(const struct fat_lfn *l, uint16_t *out)
{
    memcpy(out, l->name1, 10);
    memcpy(out + 5, l->name2, 12);
    memcpy(out + 11, l->name3, 4);
}

enum fat_status dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *slot, struct fat_found *f)
{
    unsigned expect = 0, count = 0;
    uint8_t sum = 0;
    for (;; (*slot)++) {
        struct fat_dirent d;
        enum fat_status st = slot_get(fs, dir, *slot, &d);
        if (st) {
            return st;
        }
        if (d.name[0] == 0) {
            return FAT_NOENT;
        }
        if (d.name[0] == FAT_DELETED) {
            expect = 0;
            continue;
        }
        if ((d.attr & 0x3f) == FAT_ATTR_LFN) {
            const struct fat_lfn *l = (const struct fat_lfn *)&d;
            unsigned ord = l->ord & 0x1f;
            if (l->ord & 0x40) {
                if (ord == 0 || ord > 20) {
                    expect = 0;
                    continue;
                }
                count = expect = ord;
                sum = l->checksum;
                f->first = *slot;
                memset(f->lfn, 0, sizeof(f->lfn));
            } else if (!expect || ord != expect - 1 || l->checksum != sum || ord == 0) {
                expect = 0;
                continue;
            }
            lfn_chars(l, f->lfn + (ord - 1) * 13);
            expect = ord;
            continue;
        }
        if (d.attr & FAT_ATTR_VOLUME) {
            expect = 0;
            continue;
        }
        f->d = d;
        f->slot = *slot;
        f->units = 0;
        if (expect == 1 && sum == fat_checksum(d.name)) {
            unsigned n = 0;
            while (n < count * 13 && n < FAT_NAME_MAX && f->lfn[n] != 0) {
                n++;
            }
            f->units = n;
        } else {
            f->first = *slot;
        }
        (*slot)++;
        return FAT_OK;
    }
}

struct fat_node found_node(struct fat_fs *fs, uint32_t dir, const struct fat_found *f)
{
    bool is_dir = f->d.attr & FAT_ATTR_DIR;
    return (struct fat_node){dir, f->slot, is_dir ? entry_cluster(fs, &f->d) : 0, is_dir};
}

enum fat_status node_entry(struct fat_fs *fs, struct fat_node n, struct fat_dirent *d)
{
    if (n.index == FAT_ROOT_INDEX) {
        *d = (struct fat_dirent){.attr = FAT_ATTR_DIR};
        entry_set_cluster(fs, d, fs->root_cluster);
        return FAT_OK;
    }
    enum fat_status st = slot_get(fs, n.dir, n.index, d);
    if (st) {
        return st == FAT_NOENT ? FAT_NOENT : st;
    }
    if (d->name[0] == 0 || d->name[0] == FAT_DELETED || (d->attr & FAT_ATTR_VOLUME) ||
        !(d->attr & FAT_ATTR_DIR) != !n.is_dir || (n.is_dir && entry_cluster(fs, d) != n.cluster)) {
        return FAT_NOENT;
    }
    return FAT_OK;
}

/* A name as UTF-16 for comparing; the raw form if it is a valid 8.3. */
static enum fat_status name_units(const char *name, size_t len, uint16_t *u, unsigned *units)
{
    if (len > 255) {
        return FAT_NAMETOOLONG;
    }
    return fat_name_utf16(name, len, u, units);
}

enum fat_status dir_find(struct fat_fs *fs, uint32_t dir, const char *name, size_t len, struct fat_found *f)
{
    uint16_t want[FAT_NAME_MAX];
    unsigned units;
    enum fat_status st;
    if (len == 1 && name[0] == '.') {
        units = 1, want[0] = '.';
    } else if ((st = name_units(name, len, want, &units))) {
        return st == FAT_INVAL ? FAT_NOENT : st;
    }
    for (uint32_t slot = 0;;) {
        if ((st = dir_next(fs, dir, &slot, f))) {
            return st;
        }
        if (f->units && fat_name_equal(f->lfn, f->units, want, units)) {
            return FAT_OK;
        }
        char text[13];
        uint16_t s[12];
        unsigned n = 0;
        fat_short_text(&f->d, text);
        for (; text[n]; n++) {
            s[n] = (uint8_t)text[n];
        }
        if (fat_name_equal(s, n, want, units)) {
            return FAT_OK;
        }
    }
}

static enum fat_status walk(struct fat_fs *fs, struct fat_node at, const char *path, bool last,
                            struct fat_node *out, const char **name, size_t *len)
{
    const char *p = path;
    struct fat_dirent d;
    /* the start (a session's root) must still be there: a directory
     * removed meanwhile, whose cluster another one may have now, is not */
    enum fat_status st = node_entry(fs, at, &d);
    if (st) {
        return st;
    }
    for (;;) {
        while (*p == '/') {
            p++;
        }
        const char *e = p;
        while (*e && *e != '/') {
            e++;
        }
        size_t n = (size_t)(e - p);
        const char *next = e;
        while (*next == '/') {
            next++;
        }
        if (n == 1 && p[0] == '.') {
            p = e;
            continue;
        }
        if (n == 0) {
            *out = at;
            if (!last) {
                return FAT_INVAL; /* no last name */
            }
            return FAT_OK;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            return FAT_INVAL;
        }
        if (n > 255) {
            return FAT_NAMETOOLONG;
        }
        bool final = *next == 0;
        if (!at.is_dir) {
            return FAT_NOTDIR;
        }
        if (final && !last) {
            *out = at;
            *name = p;
            *len = n;
            return FAT_OK;
        }
        struct fat_found *f = malloc(sizeof(*f));
        if (!f) {
            return FAT_NOSPC;
        }
        uint32_t dir = dir_first(fs, at);
        enum fat_status st = dir_find(fs, dir, p, n, f);
        if (st == FAT_OK) {
            at = found_node(fs, dir, f);
            if (at.is_dir && !fat_cluster_ok(fs, at.cluster)) {
                st = fat_corrupt(fs, "directory entry at slot %u has cluster %u", f->slot, at.cluster);
            }
        }
        free(f);
        if (st) {
            return st;
        }
        p = e;
    }
}

enum fat_status fat_lookup(struct fat_fs *fs, struct fat_node root, const char *path, struct fat_node *out)
{
    return walk(fs, root, path, true, out, NULL, NULL);
}

enum fat_status dir_parent(struct fat_fs *fs, struct fat_node root, const char *path, struct fat_node *parent,
                           const char **name, size_t *len)
{
    *name = NULL;
    enum fat_status st = walk(fs, root, path, false, parent, name, len);
    if (st == FAT_OK && !*name) {
        return FAT_INVAL;
    }
    return st;
}

enum fat_status dir_empty(struct fat_fs *fs, uint32_t dir, bool *empty)
{
    struct fat_found *f = malloc(sizeof(*f));
    enum fat_status st;
    if (!f) {
        return FAT_NOSPC;
    }
    *empty = true;
    for (uint32_t slot = 0; (st = dir_next(fs, dir, &slot, f)) == FAT_OK;) {
        if (memcmp(f->d.name, ".          ", 11) && memcmp(f->d.name, "..         ", 11)) {
            *empty = false;
            break;
        }
    }
    free(f);
    return st == FAT_NOENT ? FAT_OK : st;
}

/* A short name for name no entry of dir has (but the one at slot same,
 * which is being renamed): the basis, or the basis with the first free
 * ~N tail. */
static enum fat_status short_name(struct fat_fs *fs, uint32_t dir, const uint16_t *u, unsigned units,
                                  uint32_t same, uint8_t raw[11], struct fat_found *f)
{
    uint8_t basis[11];
    bool lossy = fat_short_basis(u, units, basis);
    uint8_t *used = calloc(FAT_DIR_SLOTS / 8 + 1, 1);
    enum fat_status st;
    bool basis_used = false;
    if (!used) {
        return FAT_NOSPC;
    }
    for (uint32_t slot = 0; (st = dir_next(fs, dir, &slot, f)) == FAT_OK;) {
        if (f->slot == same) {
            continue;
        }
        basis_used |= memcmp(f->d.name, basis, 11) == 0;
        for (unsigned i = 1; i < 8; i++) {
            if (f->d.name[i] != '~') {
                continue;
            }
            unsigned n = 0, k = i + 1;
            for (; k < 8 && f->d.name[k] >= '0' && f->d.name[k] <= '9' && n < FAT_DIR_SLOTS; k++) {
                n = n * 10 + (f->d.name[k] - '0');
            }
            uint8_t cand[11];
            memcpy(cand, basis, 11);
            if (n && n <= FAT_DIR_SLOTS) {
                fat_short_tail(cand, n);
                if (memcmp(cand, f->d.name, 11) == 0) {
                    used[n / 8] |= (uint8_t)(1 << n % 8);
                }
            }
        }
    }
    if (st != FAT_NOENT) {
        free(used);
        return st;
    }
    memcpy(raw, basis, 11);
    if (!lossy && !basis_used) {
        free(used);
        return FAT_OK;
    }
    for (unsigned n = 1; n <= FAT_DIR_SLOTS; n++) {
        if (!(used[n / 8] & (1 << n % 8))) {
            fat_short_tail(raw, n);
            free(used);
            return FAT_OK;
        }
    }
    free(used);
    return FAT_NOSPC;
}

/* count free slots in a row in dir (the directory grown if it must). */
static enum fat_status free_slots(struct fat_fs *fs, uint32_t dir, unsigned count, uint32_t *start)
{
    uint32_t run = 0;
    for (uint32_t slot = 0;; slot++) {
        struct fat_dirent d;
        enum fat_status st = slot_get(fs, dir, slot, &d);
        if (st == FAT_NOENT) {
            uint32_t last, c;
            if (dir == 0 || slot >= FAT_DIR_SLOTS) {
                return FAT_NOSPC;
            }
            if ((st = fat_chain_at(fs, dir, (uint32_t)((uint64_t)slot * 32 / fs->cluster_size) - 1, &last))) {
                return st;
            }
            if (!last) {
                return fat_corrupt(fs, "directory at cluster %u ends early", dir);
            }
            if ((st = fat_alloc(fs, last, true, &c))) {
                return st;
            }
            slot--; /* read again: the new cluster's slots are zero, free */
            continue;
        }
        if (st) {
            return st;
        }
        if (d.name[0] == 0 || d.name[0] == FAT_DELETED) {
            if (++run == count) {
                *start = slot + 1 - count;
                return FAT_OK;
            }
        } else {
            run = 0;
        }
    }
}

enum fat_status dir_add(struct fat_fs *fs, struct fat_node parent, const char *name, size_t len,
                        const struct fat_dirent *t, uint32_t same, struct fat_node *out)
{
    uint16_t u[FAT_NAME_MAX];
    unsigned units;
    uint8_t raw[11], nt_case = 0;
    uint32_t dir = dir_first(fs, parent), start = 0;
    enum fat_status st = name_units(name, len, u, &units);
    if (st) {
        return st;
    }
    struct fat_found *f = malloc(sizeof(*f));
    if (!f) {
        return FAT_NOSPC;
    }
    st = dir_find(fs, dir, name, len, f);
    if (st == FAT_OK) {
        st = f->slot == same ? FAT_NOENT : FAT_EXIST;
    }
    bool lfn = !fat_short_exact(name, len, raw, &nt_case);
    if (st == FAT_NOENT && lfn) {
        st = short_name(fs, dir, u, units, same, raw, f);
        nt_case = 0;
    }
    free(f);
    if (st && st != FAT_NOENT) {
        return st;
    }
    unsigned parts = lfn ? (units + 12) / 13 : 0;
    if ((st = free_slots(fs, dir, parts + 1, &start))) {
        return st;
    }
    uint8_t sum = fat_checksum(raw);
    for (unsigned i = 0; i < parts; i++) {
        unsigned ord = parts - i;
        uint16_t chars[13];
        for (unsigned k = 0; k < 13; k++) {
            unsigned at = (ord - 1) * 13 + k;
            chars[k] = at < units ? u[at] : at == units ? 0 : 0xffff;
        }
        struct fat_lfn l = {
            .ord = (uint8_t)(ord | (i == 0 ? 0x40 : 0)), .attr = FAT_ATTR_LFN, .checksum = sum};
        memcpy(l.name1, chars, 10);
        memcpy(l.name2, chars + 5, 12);
        memcpy(l.name3, chars + 11, 4);
        if ((st = slot_put(fs, dir, start + i, (const struct fat_dirent *)&l))) {
            return st;
        }
    }
    struct fat_dirent d = *t;
    memcpy(d.name, raw, 11);
    d.nt_case = nt_case;
    if ((st = slot_put(fs, dir, start + parts, &d))) {
        return st;
    }
    fs->dir_changes++;
    fat_changed(fs, fat_node_key(fs, parent));
    bool is_dir = d.attr & FAT_ATTR_DIR;
    *out = (struct fat_node){dir, start + parts, is_dir ? entry_cluster(fs, &d) : 0, is_dir};
    return FAT_OK;
}

enum fat_status dir_remove(struct fat_fs *fs, uint32_t dir, const struct fat_found *f)
{
    for (uint32_t slot = f->first; slot <= f->slot; slot++) {
        struct fat_dirent d;
        enum fat_status st = slot_get(fs, dir, slot, &d);
        if (st == FAT_OK) {
            d.name[0] = FAT_DELETED;
            st = slot_put(fs, dir, slot, &d);
        }
        if (st) {
            return st;
        }
    }
    fs->dir_changes++;
    return FAT_OK;
}

enum fat_status fat_dir_entry(struct fat_fs *fs, struct fat_node n, struct fat_dir_cursor *cursor,
                              uint64_t index, char name[256], uint64_t *inode, bool *dir)
{
    struct fat_dir_cursor c = {0};
    struct fat_dirent d;
    enum fat_status st = node_entry(fs, n, &d);
    if (st) {
        return st;
    }
    if (!n.is_dir) {
        return FAT_NOTDIR;
    }
    if (cursor && cursor->valid && !memcmp(&cursor->dir, &n, sizeof(n)) && cursor->index <= index &&
        cursor->changes == fs->dir_changes) {
        c = *cursor;
    }
    c.valid = true;
    c.dir = n;
    c.changes = fs->dir_changes;
    struct fat_found *f = malloc(sizeof(*f));
    if (!f) {
        return FAT_NOSPC;
    }
    uint32_t first = dir_first(fs, n);
    for (;;) {
        if ((st = dir_next(fs, first, &c.slot, f))) {
            break;
        }
        if (c.index++ == index) {
            if (!f->units || !fat_utf16_name(f->lfn, f->units, name, 256)) {
                fat_short_text(&f->d, name);
            }
            struct fat_node x = found_node(fs, first, f);
            *inode = ((uint64_t)first << 16 | f->slot) + 2;
            *dir = x.is_dir;
            break;
        }
    }
    free(f);
    if (cursor) {
        *cursor = c;
    }
    return st;
}
