/*
 * Files and the namespace: reading and writing through a file's cluster
 * chain (which always has exactly as many clusters as its size needs,
 * as fsck.fat wants), truncating, creating, unlinking and moving. A
 * moved entry is written in its new place before its old one is
 * deleted, so a crash between leaves two names, never none. A file's
 * whole sectors that are not in the cache move between the device and
 * the caller's buffer directly, consecutive ones in one request (a
 * run); everything else goes through the sector cache.
 */
#include "dir.h"

#define RUN_MAX 256 /* sectors in one request at most */

/* Consecutive sectors read into or written from consecutive bytes. */
struct run {
    uint64_t sector;
    uint32_t count;
    uint8_t *buf;
};

/* Send the run; on failure it stays (its bytes were not moved). */
static enum fat_status run_flush(struct fat_fs *fs, struct run *r, bool write)
{
    if (r->count) {
        uint64_t off = r->sector * fs->sector_size;
        uint32_t len = r->count * fs->sector_size;
        bool ok = write ? fs->dev.write(fs->dev.ctx, off, len, r->buf)
                        : fs->dev.read(fs->dev.ctx, off, len, r->buf);
        if (!ok) {
            fat_log(fs, "%s of %u sectors from sector %lu failed", write ? "write" : "read",
                    len / fs->sector_size, (unsigned long)r->sector);
            return FAT_IO;
        }
        r->count = 0;
    }
    return FAT_OK;
}

/* Add a sector (its bytes at buf) to the run, after sending the run if
 * this one does not continue it. */
static enum fat_status run_add(struct fat_fs *fs, struct run *r, bool write, uint64_t sector, uint8_t *buf)
{
    enum fat_status st;
    if (r->count &&
        (r->sector + r->count != sector || r->buf + (uint64_t)r->count * fs->sector_size != buf ||
         r->count >= RUN_MAX) &&
        (st = run_flush(fs, r, write))) {
        return st;
    }
    if (!r->count) {
        r->sector = sector;
        r->buf = buf;
    }
    r->count++;
    return FAT_OK;
}

enum fat_status fat_stat(struct fat_fs *fs, struct fat_node n, struct fat_stat *st)
{
    struct fat_dirent d;
    enum fat_status e = node_entry(fs, n, &d);
    if (e) {
        return e;
    }
    *st = (struct fat_stat){.dir = n.is_dir, .read_only = d.attr & FAT_ATTR_RO};
    if (n.index == FAT_ROOT_INDEX) {
        st->inode = 1;
        return FAT_OK;
    }
    st->size = n.is_dir ? 0 : d.size;
    st->inode = ((uint64_t)n.dir << 16 | n.index) + 2;
    st->mtime = fat_unix_time(d.mdate, d.mtime);
    st->ctime = d.cdate ? fat_unix_time(d.cdate, d.ctime) : st->mtime;
    st->atime = d.adate ? fat_unix_time(d.adate, 0) : st->mtime;
    return FAT_OK;
}

static enum fat_status file_entry(struct fat_fs *fs, struct fat_node n, struct fat_dirent *d)
{
    enum fat_status st = node_entry(fs, n, d);
    if (st == FAT_OK && n.is_dir) {
        return FAT_ISDIR;
    }
    return st;
}

enum fat_status fat_read(struct fat_fs *fs, struct fat_node n, uint64_t offset, void *buf, uint32_t length,
                         uint32_t *done)
{
    struct fat_dirent d;
    enum fat_status st = file_entry(fs, n, &d);
    uint8_t *out = buf;
    *done = 0;
    if (st) {
        return st;
    }
    if (offset >= d.size) {
        return FAT_OK;
    }
    if (length > d.size - offset) {
        length = (uint32_t)(d.size - offset);
    }
    uint32_t first = entry_cluster(fs, &d);
    struct run run = {0};
    while (*done < length) {
        uint64_t at = offset + *done;
        uint32_t c;
        uint8_t *data;
        if ((st = fat_chain_at(fs, first, (uint32_t)(at / fs->cluster_size), &c))) {
            break;
        }
        if (!c) {
            st = fat_corrupt(fs, "a file of %u bytes has a shorter chain from cluster %u", d.size, first);
            break;
        }
        uint64_t sector = fat_cluster_sector(fs, c) + at % fs->cluster_size / fs->sector_size;
        uint32_t off = (uint32_t)(at % fs->sector_size), n = fs->sector_size - off;
        n = n < length - *done ? n : length - *done;
        if (n == fs->sector_size && !cache_has(fs, sector)) {
            if ((st = run_add(fs, &run, false, sector, out + *done))) {
                break;
            }
            *done += n;
            continue;
        }
        if ((st = run_flush(fs, &run, false)) || (st = cache_get(fs, sector, true, &data))) {
            break;
        }
        memcpy(out + *done, data + off, n);
        *done += n;
    }
    if (st == FAT_OK) {
        st = run_flush(fs, &run, false);
    }
    if (st && run.count) {
        *done = (uint32_t)(run.buf - out); /* what the run was to read is not there */
    }
    return st;
}

/* The time of a change: the clock's, if there is one and it says a
 * time FAT can hold (1980..2107), else the last one. */
static void stamp(struct fat_fs *fs, struct fat_dirent *d)
{
    unsigned y, mo, day, h, mi, s;
    if (fs->now && fs->now(fs->now_ctx, &y, &mo, &day, &h, &mi, &s) && y >= 1980 && y <= 2107 && mo >= 1 &&
        mo <= 12 && day >= 1 && day <= 31 && h < 24 && mi < 60 && s < 60) {
        fs->date = (uint16_t)((y - 1980) << 9 | mo << 5 | day);
        fs->time = (uint16_t)(h << 11 | mi << 5 | s / 2);
    }
    d->mdate = d->adate = fs->date;
    d->mtime = fs->time;
}

/* Bytes (zeros if buf is NULL) at offset, the chain grown as needed;
 * d is the entry, updated (size, cluster) but not written. */
static enum fat_status put(struct fat_fs *fs, struct fat_node n, struct fat_dirent *d, uint64_t offset,
                           const uint8_t *buf, uint32_t length, uint32_t *done)
{
    enum fat_status st = FAT_OK;
    uint32_t first = entry_cluster(fs, d), size = d->size;
    struct run run = {0};
    while (*done < length) {
        uint64_t at = offset + *done;
        uint32_t index = (uint32_t)(at / fs->cluster_size), c;
        uint8_t *data;
        if (!first) {
            if ((st = fat_alloc(fs, 0, false, &first))) {
                break;
            }
            entry_set_cluster(fs, d, first);
        }
        if ((st = fat_chain_at(fs, first, index, &c))) {
            break;
        }
        if (!c) {
            uint32_t last;
            if (index == 0 || (st = fat_chain_at(fs, first, index - 1, &last))) {
                st = st ? st : fat_corrupt(fs, "chain from cluster %u", first);
                break;
            }
            if (!last) {
                st =
                    fat_corrupt(fs, "a file of %u bytes has a shorter chain from cluster %u", d->size, first);
                break;
            }
            if ((st = fat_alloc(fs, last, false, &c))) {
                break;
            }
        }
        uint64_t sector = fat_cluster_sector(fs, c) + at % fs->cluster_size / fs->sector_size;
        uint32_t off = (uint32_t)(at % fs->sector_size), k = fs->sector_size - off;
        k = k < length - *done ? k : length - *done;
        if (buf && k == fs->sector_size && !cache_has(fs, sector)) {
            if ((st = run_add(fs, &run, true, sector, (uint8_t *)buf + *done))) {
                break;
            }
            *done += k;
            d->size = at + k > d->size ? (uint32_t)(at + k) : d->size;
            continue;
        }
        /* a whole sector, or one past the end of the file, needs no read */
        bool fill = k < fs->sector_size && at - off < d->size;
        if ((st = run_flush(fs, &run, true)) || (st = cache_get(fs, sector, fill, &data))) {
            break;
        }
        if (buf) {
            memcpy(data + off, buf + *done, k);
        } else {
            memset(data + off, 0, k);
        }
        cache_dirty(fs, sector);
        *done += k;
        if (at + k > d->size) {
            d->size = (uint32_t)(at + k);
        }
    }
    if (st == FAT_OK) {
        st = run_flush(fs, &run, true);
    }
    if (st && run.count) {
        /* the run did not reach the disk: the file ends before it */
        *done = (uint32_t)(run.buf - buf);
        d->size = offset + *done > size ? (uint32_t)(offset + *done) : size;
    }
    return st;
}

static enum fat_status update(struct fat_fs *fs, struct fat_node n, struct fat_dirent *d)
{
    stamp(fs, d);
    d->attr |= FAT_ATTR_ARCHIVE;
    fat_changed(fs, fat_node_key(fs, n));
    return slot_put(fs, n.dir, n.index, d);
}

/* Zeros from the file's end to size. */
static enum fat_status extend(struct fat_fs *fs, struct fat_node n, struct fat_dirent *d, uint64_t size)
{
    while (d->size < size) {
        uint32_t done = 0, k = size - d->size > 65536 ? 65536 : (uint32_t)(size - d->size);
        enum fat_status st = put(fs, n, d, d->size, NULL, k, &done);
        if (st) {
            return st;
        }
    }
    return FAT_OK;
}

enum fat_status fat_write(struct fat_fs *fs, struct fat_node n, uint64_t offset, const void *buf,
                          uint32_t length, uint32_t *done)
{
    struct fat_dirent d;
    enum fat_status st = file_entry(fs, n, &d), st2;
    *done = 0;
    if (st) {
        return st;
    }
    if (fs->read_only) {
        return FAT_ROFS;
    }
    if (offset + length > 0xffffffffu) {
        return FAT_FBIG;
    }
    if (length == 0) {
        return FAT_OK;
    }
    st = extend(fs, n, &d, offset);
    if (st == FAT_OK) {
        st = put(fs, n, &d, offset, buf, length, done);
    }
    st2 = update(fs, n, &d); /* what was written, even when the disk filled up */
    return st ? st : st2;
}

enum fat_status fat_truncate(struct fat_fs *fs, struct fat_node n, uint64_t size)
{
    struct fat_dirent d;
    enum fat_status st = file_entry(fs, n, &d);
    if (st) {
        return st;
    }
    if (fs->read_only) {
        return FAT_ROFS;
    }
    if (size > 0xffffffffu) {
        return FAT_FBIG;
    }
    if (size > d.size) {
        st = extend(fs, n, &d, size);
    } else if (size < d.size) {
        uint32_t first = entry_cluster(fs, &d),
                 keep = (uint32_t)((size + fs->cluster_size - 1) / fs->cluster_size);
        uint32_t c = 0, next = 0;
        if (first && keep == 0) {
            st = fat_free_chain(fs, first);
            entry_set_cluster(fs, &d, 0);
        } else if (first && (st = fat_chain_at(fs, first, keep - 1, &c)) == FAT_OK && c &&
                   (st = fat_next(fs, c, &next)) == FAT_OK && next) {
            if ((st = fat_set(fs, c, fat_eoc(fs))) == FAT_OK) {
                st = fat_free_chain(fs, next);
            }
        }
        d.size = (uint32_t)size;
    }
    enum fat_status st2 = update(fs, n, &d);
    return st ? st : st2;
}

enum fat_status fat_create(struct fat_fs *fs, struct fat_node root, const char *path, bool dir,
                           struct fat_node *out)
{
    struct fat_node parent;
    const char *name;
    size_t len;
    uint32_t c = 0;
    enum fat_status st;
    if (fs->read_only) {
        return FAT_ROFS;
    }
    if ((st = dir_parent(fs, root, path, &parent, &name, &len))) {
        return st;
    }
    struct fat_dirent t = {.attr = dir ? FAT_ATTR_DIR : FAT_ATTR_ARCHIVE};
    stamp(fs, &t);
    t.cdate = fs->date;
    t.ctime = fs->time;
    if (dir) {
        uint8_t *data;
        uint64_t sector;
        if ((st = fat_alloc(fs, 0, true, &c))) {
            return st;
        }
        sector = fat_cluster_sector(fs, c);
        if ((st = cache_get(fs, sector, true, &data))) {
            return st;
        }
        struct fat_dirent dot = t, up = t;
        memcpy(dot.name, ".          ", 11);
        memcpy(up.name, "..         ", 11);
        entry_set_cluster(fs, &dot, c);
        /* ".." of a directory in the root says 0, on FAT32 too */
        entry_set_cluster(fs, &up, parent.index == FAT_ROOT_INDEX ? 0 : dir_first(fs, parent));
        memcpy(data, &dot, 32);
        memcpy(data + 32, &up, 32);
        cache_dirty(fs, sector);
        entry_set_cluster(fs, &t, c);
    }
    st = dir_add(fs, parent, name, len, &t, FAT_NO_SLOT, out);
    if (st && c && fat_free_chain(fs, c)) {
        fat_log(fs, "cluster %u of a directory not made is lost", c);
    }
    return st;
}

/* The entry at path: its directory and itself. */
static enum fat_status find(struct fat_fs *fs, struct fat_node root, const char *path,
                            struct fat_node *parent, struct fat_found *f)
{
    const char *name;
    size_t len;
    enum fat_status st = dir_parent(fs, root, path, parent, &name, &len);
    if (st) {
        return st;
    }
    if (len == 1 && name[0] == '.') {
        return FAT_INVAL;
    }
    return dir_find(fs, dir_first(fs, *parent), name, len, f);
}

/* Delete an entry found and free what it held. */
static enum fat_status remove_entry(struct fat_fs *fs, struct fat_node parent, const struct fat_found *f)
{
    uint32_t dir = dir_first(fs, parent), c = entry_cluster(fs, &f->d);
    struct fat_node n = found_node(fs, dir, f);
    enum fat_status st;
    if (n.is_dir) {
        bool empty;
        if (!fat_cluster_ok(fs, c) || c == fs->root_cluster || c == dir) {
            return fat_corrupt(fs, "directory entry at slot %u has cluster %u", f->slot, c);
        }
        if ((st = dir_empty(fs, c, &empty))) {
            return st;
        }
        if (!empty) {
            return FAT_NOTEMPTY;
        }
    }
    if ((st = dir_remove(fs, dir, f))) {
        return st;
    }
    fat_changed(fs, fat_node_key(fs, parent));
    fat_changed(fs, fat_node_key(fs, n));
    fat_moved(fs, &n, NULL);
    return c ? fat_free_chain(fs, c) : FAT_OK;
}

enum fat_status fat_unlink(struct fat_fs *fs, struct fat_node root, const char *path)
{
    struct fat_node parent;
    if (fs->read_only) {
        return FAT_ROFS;
    }
    struct fat_found *f = malloc(sizeof(*f));
    if (!f) {
        return FAT_NOSPC;
    }
    enum fat_status st = find(fs, root, path, &parent, f);
    if (st == FAT_OK) {
        st = remove_entry(fs, parent, f);
    }
    free(f);
    return st;
}

/* Is directory cluster c inside (or) the directory of cluster top?
 * Walks up from c through the ".." entries. */
static enum fat_status inside(struct fat_fs *fs, uint32_t c, uint32_t top, bool *in)
{
    *in = false;
    for (unsigned depth = 0; c && c != fs->root_cluster; depth++) {
        struct fat_dirent up;
        enum fat_status st;
        if (c == top) {
            *in = true;
            return FAT_OK;
        }
        if (depth > 4096) {
            return fat_corrupt(fs, "directories nest more than 4096 deep: a loop");
        }
        if ((st = slot_get(fs, c, 1, &up))) {
            return st == FAT_NOENT ? fat_corrupt(fs, "directory at cluster %u has no \"..\"", c) : st;
        }
        if (memcmp(up.name, "..         ", 11)) {
            return fat_corrupt(fs, "directory at cluster %u has no \"..\"", c);
        }
        c = entry_cluster(fs, &up);
    }
    return FAT_OK;
}

enum fat_status fat_move(struct fat_fs *fs, struct fat_node root, const char *from, const char *to)
{
    struct fat_node p1, p2, moved;
    const char *name;
    size_t len;
    enum fat_status st;
    if (fs->read_only) {
        return FAT_ROFS;
    }
    struct fat_found *f = malloc(sizeof(*f)), *t = malloc(sizeof(*t));
    if (!f || !t) {
        free(f);
        free(t);
        return FAT_NOSPC;
    }
    if ((st = find(fs, root, from, &p1, f)) || (st = dir_parent(fs, root, to, &p2, &name, &len))) {
        goto out;
    }
    uint32_t d1 = dir_first(fs, p1), d2 = dir_first(fs, p2);
    struct fat_node n = found_node(fs, d1, f);
    bool in;
    if (len == 1 && name[0] == '.') {
        st = FAT_INVAL;
        goto out;
    }
    if (n.is_dir && ((st = inside(fs, d2, n.cluster, &in)) || (in && (st = FAT_INVAL)))) {
        goto out;
    }
    st = dir_find(fs, d2, name, len, t);
    if (st == FAT_OK && d1 == d2 && t->slot == f->slot) {
        /* the same entry (a change of case, or the same name): named
         * anew, the new entry written before the old one is deleted */
        if ((st = dir_add(fs, p2, name, len, &f->d, f->slot, &moved)) == FAT_OK &&
            (st = dir_remove(fs, d1, f)) == FAT_OK) {
            fat_changed(fs, fat_node_key(fs, n));
            fat_moved(fs, &n, &moved);
        }
        goto out;
    }
    if (st == FAT_OK) {
        bool target_dir = t->d.attr & FAT_ATTR_DIR;
        if (n.is_dir != target_dir) {
            st = n.is_dir ? FAT_NOTDIR : FAT_ISDIR;
            goto out;
        }
        if ((st = remove_entry(fs, p2, t))) {
            goto out;
        }
    } else if (st != FAT_NOENT) {
        goto out;
    }
    if ((st = dir_add(fs, p2, name, len, &f->d, FAT_NO_SLOT, &moved)) || (st = dir_remove(fs, d1, f))) {
        goto out;
    }
    fat_changed(fs, fat_node_key(fs, p1));
    fat_changed(fs, fat_node_key(fs, n));
    fat_moved(fs, &n, &moved);
    if (n.is_dir && d1 != d2) {
        struct fat_dirent up;
        if ((st = slot_get(fs, n.cluster, 1, &up)) == FAT_OK && !memcmp(up.name, "..         ", 11)) {
            entry_set_cluster(fs, &up, p2.index == FAT_ROOT_INDEX ? 0 : d2);
            st = slot_put(fs, n.cluster, 1, &up);
        }
    }
out:
    free(f);
    free(t);
    return st;
}
