/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-processes.h — _analysis.process_set, process_set_has_members
 * and process_set_is_child (tc-analysis-processes.c).
 */
#pragma once

#include <Python.h>

PyObject *tc_analysis_process_set             (PyObject *module, PyObject *args);
PyObject *tc_analysis_process_set_has_members (PyObject *module, PyObject *args);
PyObject *tc_analysis_process_set_is_child    (PyObject *module, PyObject *args);
