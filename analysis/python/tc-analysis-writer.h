/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-writer.h — _analysis.write_recording (tc-analysis-writer.c).
 */
#pragma once

#include <Python.h>

PyObject *tc_analysis_write_recording (PyObject *module, PyObject *args);
