/* Huge pages for CPython's small-object arenas.
 *
 * pymalloc takes its arenas (1 MiB each) from mmap, one at a time; the kernel backs them
 * with 4 KiB pages. Replay and snapshot loads touch millions of small objects scattered over
 * gigabytes, so nearly every read misses the TLB as well as the cache. install() gives
 * pymalloc an arena allocator that carves arenas out of 64 MiB chunks aligned to 2 MiB and
 * advised MADV_HUGEPAGE: where transparent huge pages are "madvise" or "always", the kernel
 * backs them with 2 MiB pages. Arenas allocated before install() go back to the previous
 * allocator; arenas of ours that pymalloc frees are kept for reuse, not unmapped (unmapping a
 * part of a huge page splits it). Called only with the GIL held, as pymalloc is.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)
#define CHUNK ((size_t)64 << 20)
#define ARENA ((size_t)1 << 20) /* pymalloc's ARENA_SIZE on 64-bit CPython 3.10 and later */

static PyObjectArenaAllocator previous;
static int installed = 0;
static char *next_free = NULL; /* the unused rest of the newest chunk */
static char *chunk_end = NULL;
static char **chunks = NULL; /* start of every chunk, to tell our arenas from others */
static size_t chunk_count = 0, chunk_capacity = 0;
static void *recycled = NULL; /* freed arenas of ours, linked through their first word */

static int new_chunk(void) {
    if (chunk_count == chunk_capacity) {
        size_t capacity = chunk_capacity ? chunk_capacity * 2 : 64;
        char **grown = realloc(chunks, capacity * sizeof *chunks); /* not pymalloc */
        if (grown == NULL)
            return 0;
        chunks = grown;
        chunk_capacity = capacity;
    }
    char *mapped = mmap(NULL, CHUNK + HUGE_PAGE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED)
        return 0;
    char *start = (char *)(((uintptr_t)mapped + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (start > mapped)
        munmap(mapped, (size_t)(start - mapped));
    char *end = mapped + CHUNK + HUGE_PAGE;
    if (end > start + CHUNK)
        munmap(start + CHUNK, (size_t)(end - (start + CHUNK)));
    madvise(start, CHUNK, MADV_HUGEPAGE); /* advice only: no huge pages is no error */
    chunks[chunk_count++] = start;
    next_free = start;
    chunk_end = start + CHUNK;
    return 1;
}

static int is_ours(void *pointer) {
    char *address = pointer;
    for (size_t i = 0; i < chunk_count; i++)
        if (address >= chunks[i] && address < chunks[i] + CHUNK)
            return 1;
    return 0;
}

static void *arena_alloc(void *context, size_t size) {
    (void)context;
    if (size != ARENA)
        return previous.alloc(previous.ctx, size); /* not the arena size we expect */
    if (recycled != NULL) {
        void *arena = recycled;
        recycled = *(void **)arena;
        return arena;
    }
    if (next_free == chunk_end && !new_chunk())
        return previous.alloc(previous.ctx, size);
    void *arena = next_free;
    next_free += size;
    return arena;
}

static void arena_free(void *context, void *pointer, size_t size) {
    (void)context;
    if (!is_ours(pointer)) {
        previous.free(previous.ctx, pointer, size);
        return;
    }
    *(void **)pointer = recycled;
    recycled = pointer;
}

static PyObject *install(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    if (!installed) {
        PyObjectArenaAllocator ours = {NULL, arena_alloc, arena_free};
        PyObject_GetArenaAllocator(&previous);
        PyObject_SetArenaAllocator(&ours);
        installed = 1;
    }
    Py_RETURN_TRUE;
}

static PyObject *reserved(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromSize_t(chunk_count * CHUNK);
}

static PyMethodDef methods[] = {
    {"install", install, METH_NOARGS,
     "Give pymalloc arenas advised for huge pages (idempotent); True once installed."},
    {"reserved", reserved, METH_NOARGS, "Bytes mapped so far for arenas (64 MiB chunks)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_arenas",
    "pymalloc arenas on transparent huge pages (see auditor.arenas).", -1, methods,
};

PyMODINIT_FUNC PyInit__arenas(void) { return PyModule_Create(&module); }
