/*
 * Memory for C programs: one heap, the runtime's (libc/src/malloc.c,
 * grown by RAM dataspaces and resource requests), for the program, for
 * Newlib (built with MALLOC_PROVIDED: its _malloc_r and friends end
 * here) and for the runtime itself. There is no sbrk: the heap is not
 * one contiguous range. errno is ENOMEM whenever malloc, calloc or
 * realloc give NULL, also when the program calls them itself (the
 * runtime's heap calls posix_malloc_failed, set up by start.c).
 */
#include <errno.h>
#include <reent.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <rt/heap.h>

/* The heap's blocks are aligned to this; larger alignments are not supported. */
#define HEAP_ALIGN 16

void *sbrk(ptrdiff_t incr);

void posix_malloc_failed(void)
{
    errno = ENOMEM;
}

void *_malloc_r(struct _reent *r, size_t n)
{
    void *p = malloc(n);
    if (!p) {
        r->_errno = ENOMEM;
    }
    return p;
}

void _free_r(struct _reent *r, void *p)
{
    free(p);
}

void *_calloc_r(struct _reent *r, size_t count, size_t n)
{
    void *p = calloc(count, n);
    if (!p) {
        r->_errno = ENOMEM;
    }
    return p;
}

void *_realloc_r(struct _reent *r, void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q && n) {
        r->_errno = ENOMEM;
    }
    return q;
}

size_t malloc_usable_size(void *p)
{
    return p ? heap_block_size(p) : 0;
}

void *memalign(size_t align, size_t n)
{
    if (align > HEAP_ALIGN) {
        errno = EINVAL;
        return NULL;
    }
    return _malloc_r(_REENT, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align > HEAP_ALIGN || (align & (align - 1)) || align % sizeof(void *)) {
        return EINVAL;
    }
    *out = malloc(n);
    return *out ? 0 : ENOMEM;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

void *sbrk(ptrdiff_t incr)
{
    errno = ENOSYS;
    return (void *)-1;
}
