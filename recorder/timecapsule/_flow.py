# SPDX-License-Identifier: MIT
"""The control flow of a code object, for line coverage on 3.8-3.11
(recorder/tc-recorder-line-flow.c): its basic blocks, the lines each holds
and the blocks each can go on to, so that the recorder can take its trace
function away from a frame once no line left to cover can run in the rest
of that frame (a function whose error branch never ran, past that branch).

Read through dis, which knows each interpreter's jumps; every way on is an
edge, so a block is only ever thought able to reach more than it can
(tracing longer, never missing a line):

- a jump goes to its target, a conditional one (FOR_ITER, SEND, SETUP_*
  and 3.8's CALL_FINALLY included) also on to the next instruction;
- RETURN_VALUE, RAISE_VARARGS and RERAISE go nowhere in the frame, an
  exception's way on is its handler: 3.11's exception table for every
  instruction it covers; 3.8-3.10 push a handler with SETUP_*, which is an
  edge here, and the handlers already pushed are read from the frame's
  block stack at run time;
- 3.8's END_FINALLY can also return to after any CALL_FINALLY.
"""

import bisect
import dis
import sys

_JREL = frozenset(dis.hasjrel)
_JABS = frozenset(dis.hasjabs)
_JUMPS = _JREL | _JABS
_BACKWARD = frozenset(op for op in _JREL if "JUMP_BACKWARD" in dis.opname[op])


def _ops(*names):
    return frozenset(dis.opmap[n] for n in names if n in dis.opmap)


_ALWAYS = _ops("JUMP_FORWARD", "JUMP_ABSOLUTE", "JUMP_BACKWARD",
               "JUMP_BACKWARD_NO_INTERRUPT")
_STOP = _ops("RETURN_VALUE", "RAISE_VARARGS", "RERAISE")
_END_FINALLY = dis.opmap.get("END_FINALLY", -1)
_CALL_FINALLY = dis.opmap.get("CALL_FINALLY", -1)
# 3.10+ counts jump arguments in instructions (two bytes each).
_UNIT = 2 if sys.version_info >= (3, 10) else 1


def instructions(code):
    """(offset, opcode, jump target or None) of each instruction, inline
    caches left out: what dis.get_instructions says of them (offset,
    opcode, argval of a jump), without building an Instruction, its
    argument's repr and its positions for each (most of the cost of the
    analysis, which runs inside the program's timed run)."""
    out = []
    for offset, op, arg in dis._unpack_opargs(code.co_code):
        target = None
        if op in _JUMPS and arg is not None:
            if op in _JABS:
                target = arg * _UNIT
            else:
                target = offset + 2 + (-arg if op in _BACKWARD else arg) * _UNIT
        out.append((offset, op, target))
    return out


def _lines(code, offsets):
    """The line of each instruction (None where it has none)."""
    if sys.version_info >= (3, 10):
        # Both ascending: one pass (the range holding an offset is the last
        # one starting at or before it).
        ranges = list(code.co_lines())
        out = []
        i = -1
        n = len(ranges)
        for offset in offsets:
            while i + 1 < n and ranges[i + 1][0] <= offset:
                i += 1
            out.append(ranges[i][2] if i >= 0 and offset < ranges[i][1]
                       else None)
        return out
    line_starts = dict(dis.findlinestarts(code))
    out = []
    line = code.co_firstlineno
    for offset in offsets:
        line = line_starts.get(offset, line)
        out.append(line)
    return out


def _handlers(code):
    """3.11: (start, end, target) of the exception table."""
    if sys.version_info < (3, 11):
        return []
    return [(e.start, e.end, e.target) for e in dis._parse_exception_table(code)]


def blocks(code):
    """(starts, lines, successors): the byte offset each block starts at
    (ascending), the lines of each and the indexes of the blocks it can go
    on to."""
    instrs = instructions(code)
    handlers = _handlers(code)
    leaders = {0}
    returns = []   # 3.8: where END_FINALLY may go back to
    for i, (_, op, target) in enumerate(instrs):
        nxt = instrs[i + 1][0] if i + 1 < len(instrs) else None
        if op in _JUMPS:
            leaders.add(target)
        if op in _JUMPS or op in _STOP or op == _END_FINALLY:
            if nxt is not None:
                leaders.add(nxt)
        if op == _CALL_FINALLY and nxt is not None:
            returns.append(nxt)
    leaders.update(target for _, _, target in handlers)
    offsets = [ins[0] for ins in instrs]
    known = set(offsets)
    starts = sorted(o for o in leaders if o in known)
    lines_of = _lines(code, offsets)
    all_lines = []
    successors = []
    for b, start in enumerate(starts):
        first = bisect.bisect_left(offsets, start)
        last = (bisect.bisect_left(offsets, starts[b + 1])
                if b + 1 < len(starts) else len(instrs))
        all_lines.append(tuple(sorted({lines_of[i] for i in range(first, last)
                                       if lines_of[i] is not None})))
        _, op, target = instrs[last - 1]
        nxt = instrs[last][0] if last < len(instrs) else None
        to = set()
        if op in _JUMPS:
            to.add(target)
            if op not in _ALWAYS and nxt is not None:
                to.add(nxt)
        elif op == _END_FINALLY:
            to.update(returns)
            if nxt is not None:
                to.add(nxt)
        elif op not in _STOP and nxt is not None:
            to.add(nxt)
        end = offsets[last - 1]
        for h_start, h_end, target in handlers:
            if h_start <= end and start <= h_end:
                to.add(target)
        successors.append(tuple(sorted(
            {max(0, bisect.bisect_right(starts, o) - 1) for o in to})))
    return tuple(starts), tuple(all_lines), tuple(successors)
