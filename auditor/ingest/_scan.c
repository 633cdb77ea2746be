/* One pass over a compact CloudTrail file: count its records and find those to keep.
 *
 * The pure-Python path (auditor/ingest/locate.py) makes five StringZilla passes over
 * the inflated text: one to count `{"eventVersion":` and one per kept event source.
 * This makes one. Every candidate position is picked by three byte tests done 32 at a
 * time with AVX2 (`"` at 0, `t` at 5, `V` or `S` at 6: the shape of both `"eventVersion`
 * and `"eventSource`), then checked in full. The result is the same as the Python
 * path's, which a property test checks. Optional: without a C compiler, or on a CPU
 * without AVX2 (SIMD is false), trailaudit uses the Python path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

static const char MARK[] = "{\"eventVersion\":"; /* a record starts here */
static const char KEY[] = "\"eventSource\":\"";   /* followed by a source, then a quote */
#define MARK_LEN ((Py_ssize_t)sizeof(MARK) - 1)
#define KEY_LEN ((Py_ssize_t)sizeof(KEY) - 1)
#define TAIL 6 /* the last byte a candidate test reads, past the candidate */

typedef struct {
    const char *text;
    Py_ssize_t size;
    PyObject *sources; /* tuple of bytes */
    Py_ssize_t records;
    Py_ssize_t record_start; /* of the latest record marker, -1 before the first */
    Py_ssize_t last_kept;
    PyObject *starts; /* list of int: distinct record starts, ascending */
    int failed;
} Scan;

/* A source names a kept one when it is followed by its closing quote. */
static int names_kept_source(const Scan *s, Py_ssize_t at) {
    Py_ssize_t count = PyTuple_GET_SIZE(s->sources);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *source = PyTuple_GET_ITEM(s->sources, k);
        Py_ssize_t len = PyBytes_GET_SIZE(source);
        if (at + len < s->size && s->text[at + len] == '"'
            && memcmp(s->text + at, PyBytes_AS_STRING(source), (size_t)len) == 0)
            return 1;
    }
    return 0;
}

/* Check a candidate at i, where text[i] is '"' and text[i + 6] is 'V' or 'S'. */
static void check(Scan *s, Py_ssize_t i) {
    const char *t = s->text;
    if (t[i + 6] == 'V') {
        if (i >= 1 && i - 1 + MARK_LEN <= s->size && memcmp(t + i - 1, MARK, MARK_LEN) == 0) {
            s->records++;
            s->record_start = i - 1;
        }
        return;
    }
    if (i + KEY_LEN > s->size || memcmp(t + i, KEY, KEY_LEN) != 0)
        return;
    if (!names_kept_source(s, i + KEY_LEN) || s->record_start == s->last_kept)
        return;
    PyObject *start = PyLong_FromSsize_t(s->record_start);
    if (start == NULL || PyList_Append(s->starts, start) < 0)
        s->failed = 1;
    Py_XDECREF(start);
    s->last_kept = s->record_start;
}

static void scan_bytewise(Scan *s, Py_ssize_t from) {
    const char *t = s->text;
    for (Py_ssize_t i = from; i + TAIL < s->size && !s->failed; i++)
        if (t[i] == '"' && t[i + 5] == 't' && (t[i + 6] == 'V' || t[i + 6] == 'S'))
            check(s, i);
}

#ifdef HAVE_AVX2_PATH
/* Returns where the bytewise scan must take over. */
__attribute__((target("avx2,bmi")))
static Py_ssize_t scan_avx2(Scan *s) {
    const char *t = s->text;
    const __m256i quote = _mm256_set1_epi8('"'), tee = _mm256_set1_epi8('t');
    const __m256i vee = _mm256_set1_epi8('V'), ess = _mm256_set1_epi8('S');
    Py_ssize_t i = 0;
    for (; i + 32 + TAIL <= s->size; i += 32) {
        __m256i at0 = _mm256_loadu_si256((const __m256i *)(t + i));
        __m256i at5 = _mm256_loadu_si256((const __m256i *)(t + i + 5));
        __m256i at6 = _mm256_loadu_si256((const __m256i *)(t + i + 6));
        __m256i hits = _mm256_and_si256(
            _mm256_and_si256(_mm256_cmpeq_epi8(at0, quote), _mm256_cmpeq_epi8(at5, tee)),
            _mm256_or_si256(_mm256_cmpeq_epi8(at6, vee), _mm256_cmpeq_epi8(at6, ess)));
        unsigned mask = (unsigned)_mm256_movemask_epi8(hits);
        while (mask != 0) {
            check(s, i + __builtin_ctz(mask));
            if (s->failed)
                return i;
            mask &= mask - 1;
        }
    }
    return i;
}
#endif

static int simd = 0; /* the CPU has AVX2: set once, when the module loads */

static int simd_available(void) {
#ifdef HAVE_AVX2_PATH
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

static PyObject *scan(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer text;
    PyObject *sources;
    if (!PyArg_ParseTuple(args, "y*O!:scan", &text, &PyTuple_Type, &sources))
        return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(sources); k++) {
        if (!PyBytes_Check(PyTuple_GET_ITEM(sources, k))) {
            PyBuffer_Release(&text);
            PyErr_SetString(PyExc_TypeError, "scan: every source must be bytes");
            return NULL;
        }
    }
    Scan s = {text.buf, text.len, sources, 0, -1, -2, PyList_New(0), 0};
    if (s.starts == NULL) {
        PyBuffer_Release(&text);
        return NULL;
    }
    Py_ssize_t from = 0;
#ifdef HAVE_AVX2_PATH
    if (simd)
        from = scan_avx2(&s);
#endif
    if (!s.failed)
        scan_bytewise(&s, from);
    PyBuffer_Release(&text);
    if (s.failed) {
        Py_DECREF(s.starts);
        return NULL;
    }
    return Py_BuildValue("nN", s.records, s.starts);
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(text, sources) -> (records, starts)\n\n"
     "Count the `{\"eventVersion\":` markers of compact CloudTrail text, and list the\n"
     "start of every record holding `\"eventSource\":\"<source>\"` for one of the\n"
     "sources (bytes), ascending; -1 for a hit before any marker."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "One-pass record finder for compact CloudTrail text.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scan(void) {
    simd = simd_available();
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddObject(m, "SIMD", PyBool_FromLong(simd)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
