/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-stack.c — a thread's Python stack for the sampler: the code
 * and the current instruction of each frame, read from the interpreter's
 * own frame records.
 *
 * The public way (PyThreadState_GetFrame, PyFrame_GetBack) makes a frame
 * object for every frame on 3.11+, which the interpreter frees again when
 * the call returns: in a program that calls a lot, a sample paid an
 * allocation and a deallocation for most of its frames.  Here nothing is
 * allocated and nothing is called, so the frames cannot change while they
 * are read (the GIL is held).  3.11+ lays out its frame records in an
 * internal header, compiled per interpreter like the rest of the
 * extension; the frames skipped are the ones PyFrame_GetBack skips
 * (entry frames and calls not started yet).  3.8–3.10 frames are frame
 * objects already.
 */
#include "tc-recorder.h"

#if PY_VERSION_HEX >= 0x030B0000
#define Py_BUILD_CORE
#include "internal/pycore_frame.h"
#undef Py_BUILD_CORE
#endif

size_t
tc_rec_stack_read(PyThreadState *ts, TcRecRawFrame *out, size_t cap)
{
    size_t n = 0;
#if PY_VERSION_HEX >= 0x030B0000
#if PY_VERSION_HEX >= 0x030D0000
    _PyInterpreterFrame *f = ts->current_frame;
#else
    _PyInterpreterFrame *f = ts->cframe->current_frame;
#endif
    for (; f != NULL && n < cap; f = f->previous) {
        if (_PyFrame_IsIncomplete(f)) {
            continue;
        }
#if PY_VERSION_HEX >= 0x030D0000
        out[n].code = _PyFrame_GetCode(f);
#else
        out[n].code = f->f_code;
#endif
        out[n].offset = _PyInterpreterFrame_LASTI(f)
                        * (int)sizeof(_Py_CODEUNIT);
        n++;
    }
#else
    for (PyFrameObject *f = ts->frame; f != NULL && n < cap; f = f->f_back) {
        out[n].code = f->f_code;
#if PY_VERSION_HEX >= 0x030A0000
        /* 3.10 counts instructions; -1 before the first. */
        out[n].offset = f->f_lasti < 0 ? -1 : f->f_lasti * 2;
#else
        out[n].offset = f->f_lasti;
#endif
        n++;
    }
#endif
    return n;
}
