/*
 * A small first-fit heap over memory regions (heap.c, pure and host-
 * tested), and malloc/free/calloc/realloc on top of it, which take new
 * regions from the component's PD session when they run out (malloc.c).
 * Not thread safe: one heap per component, used by its main thread.
 */
#ifndef RT_HEAP_H
#define RT_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_MAX_REGIONS 32

struct heap {
    struct heap_block *free_list;
    unsigned regions;
    size_t bytes_free, bytes_total;
};

/* Hand [mem, mem+size) to the heap (16-byte aligned, at least 64 bytes). */
void heap_add_region(struct heap *h, void *mem, size_t size);

/* 16-byte aligned block of at least n bytes, or NULL. */
void *heap_alloc(struct heap *h, size_t n);

/* Return a block from heap_alloc (NULL is ignored). */
void heap_free(struct heap *h, void *p);

/* Usable size of a block from heap_alloc. */
size_t heap_block_size(const void *p);

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t n);
void *realloc(void *p, size_t n);

/* When set, called each time malloc, calloc or realloc gives NULL: a C
 * program's system layer sets errno to ENOMEM (libc/posix/memory.c). */
extern void (*rt_malloc_failed)(void);

#endif
