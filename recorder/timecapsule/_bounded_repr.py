# SPDX-License-Identifier: MIT
"""repr() of a big container or text, cut, without formatting the rest.

A snapshot shows the first 120 characters of a container's repr (500 of
any other value's).  repr() of a list of two million floats took ~0.3 s,
of a 100 MB text as long, at every snapshot and on the program's GIL.  The
containers whose repr CPython (or the standard library) spells out are
written here item by item, with that spelling, until the text is long
enough; numpy, pandas and torch objects inside them get the summary a
snapshot gives one alone (their repr formats values: a CUDA tensor's copies
them from the GPU, at every snapshot); any other value is repr()'d."""

import collections

from ._recorder import library_summary, most_common

# Items repr()'d at once: most items are these.
_PLAIN = frozenset((int, float, str, bytes, bool, type(None), complex))

__all__ = ["bounded_repr", "text_head_repr", "writes_bounded"]


class _Enough(Exception):
    """The bounded repr has the characters it needs."""


class _ReprWriter:
    """Builds repr(value) until it holds more than `limit` characters.

    `active` mirrors CPython's Py_ReprEnter stack: the containers being
    written, so that one met again inside itself is spelt as repr() spells
    it ("[...]", "{...}", "...")."""

    def __init__(self, limit):
        self.limit = limit
        self.pieces = []
        self.size = 0
        self.active = set()

    def put(self, text):
        self.pieces.append(text)
        self.size += len(text)
        if self.size > self.limit:
            raise _Enough

    def emit(self, value):
        cls = type(value)
        if cls in _PLAIN:
            self.put(repr(value))
            return
        write = _writer_of(cls)
        if write is not None:
            write(self, value)
            return
        summary = library_summary(value)
        self.put(repr(value) if summary is None else summary)

    def items(self, iterable, pairs=False):
        """The items of a container, comma-separated; `pairs` writes
        (key, value) items as "key: value"."""
        first = True
        for item in iterable:
            if not first:
                self.put(", ")
            first = False
            if pairs:
                self.emit(item[0])
                self.put(": ")
                self.emit(item[1])
            else:
                self.emit(item)

    def enter(self, value):
        """False when `value` is already being written."""
        if id(value) in self.active:
            return False
        self.active.add(id(value))
        return True

    def leave(self, value):
        self.active.discard(id(value))


def _builtin_writer(base, empty, open_, close, again, pairs=False):
    """Writer of a list/tuple/dict/set/frozenset, or of a subclass that
    keeps the base's repr; the base's own length and iteration are used,
    as its repr uses the object's storage, not the subclass's methods."""
    iterate = base.items if pairs else base.__iter__

    def write(w, value):
        if base.__len__(value) == 0:
            w.put(empty)
            return
        if not w.enter(value):
            w.put(again)
            return
        w.put(open_)
        w.items(iterate(value), pairs)
        if base is tuple and tuple.__len__(value) == 1:
            w.put(",")
        w.put(close)
        w.leave(value)
    return write


def _named_set_writer(base, name):
    """A set or frozenset subclass spells its type's name around the items:
    S({1, 2}), S(), S(...)."""
    return _builtin_writer(base, name + "()", name + "({", "})", name + "(...)")


_WRITERS = {
    list: _builtin_writer(list, "[]", "[", "]", "[...]"),
    tuple: _builtin_writer(tuple, "()", "(", ")", "(...)"),
    dict: _builtin_writer(dict, "{}", "{", "}", "{...}", pairs=True),
    set: _builtin_writer(set, "set()", "{", "}", "set(...)"),
    frozenset: _named_set_writer(frozenset, "frozenset"),
}


def _write_deque(w, value):
    # deque([1, 2], maxlen=5); re-entered: [...] (its items are copied to a
    # new list first, which is never re-entered).
    if not w.enter(value):
        w.put("[...]")
        return
    w.put("deque([")
    w.items(value)
    if value.maxlen is None:
        w.put("])")
    else:
        w.put("], maxlen=%d)" % value.maxlen)
    w.leave(value)


def _write_defaultdict(w, value):
    # defaultdict(<factory>, {...}): the dict part is re-entered as {...},
    # the factory as "..." when it is being written further out.
    factory = value.default_factory
    w.put("defaultdict(")
    if factory is None:
        w.put("None")
    elif id(factory) in w.active:
        w.put("...")
    else:
        w.put(repr(factory))
    w.put(", ")
    _WRITERS[dict](w, value)
    w.put(")")


# OrderedDict's items: a list of pairs up to 3.11, a dict from 3.12 on.
_ORDERED_AS_DICT = repr(collections.OrderedDict(a=1)).startswith(
    "OrderedDict({")


def _write_ordered_dict(w, value):
    if len(value) == 0:
        w.put("OrderedDict()")
        return
    if not w.enter(value):
        w.put("...")
        return
    if _ORDERED_AS_DICT:
        w.put("OrderedDict({")
        w.items(value.items(), pairs=True)
        w.put("})")
    else:   # each item a (key, value) tuple, written as any tuple
        w.put("OrderedDict([")
        w.items(value.items())
        w.put("])")
    w.leave(value)


def _write_counter(w, value):
    # Counter({'a': 2, 'b': 1}): the most common first, as most_common()
    # orders them (its first n are sorted()'s, ties in insertion order);
    # counts that do not order are shown in insertion order.  A Counter
    # inside itself makes repr() recurse until it fails: so does this.
    if len(value) == 0:
        w.put("Counter()")
        return
    if not w.enter(value):
        raise RecursionError("a Counter inside itself")
    # Every item shows at least "k: v" and a separator; `limit` of them are
    # always enough.  Picked in C where the counts are numbers (heapq's
    # pass in Python took 0.1 s for a million items).
    ordered = most_common(value, w.limit)
    if ordered is None:
        try:
            ordered = value.most_common(w.limit)
        except TypeError:
            ordered = value.items()
    w.put("Counter({")
    w.items(ordered, pairs=True)
    w.put("})")
    w.leave(value)


_WRITERS.update({
    collections.deque: _write_deque,
    collections.defaultdict: _write_defaultdict,
    collections.OrderedDict: _write_ordered_dict,
    collections.Counter: _write_counter,
})

_BUILTIN_BASES = (list, tuple, dict, set, frozenset)


def _writer_of(cls):
    """The writer of a type, or None (repr() it): a subclass of a builtin
    container that keeps the base's __repr__ is written as the base (a set
    subclass with its name); any type with a __repr__ of its own is not."""
    write = _WRITERS.get(cls)
    if write is not None or not issubclass(cls, _BUILTIN_BASES):
        return write   # a leaf (most items) with one check
    for base in _BUILTIN_BASES:
        if issubclass(cls, base):
            if cls.__repr__ is not base.__repr__:
                return None
            if base in (set, frozenset):
                return _named_set_writer(base, cls.__name__)
            return _WRITERS[base]
    return None


def writes_bounded(value):
    """True when bounded_repr() writes `value` item by item."""
    return _writer_of(type(value)) is not None


def bounded_repr(value, limit):
    """repr(value) when it is at most `limit` characters, else a prefix of
    it longer than `limit`, the rest never formatted.  A container changed
    by another thread while it is read is repr()'d whole."""
    w = _ReprWriter(limit)
    try:
        w.emit(value)
    except _Enough:
        pass
    except RuntimeError:   # changed size during iteration; a recursion
        return repr(value)
    return "".join(w.pieces)


def text_head_repr(value, limit):
    """repr() of a long str or bytes, cut after more than `limit`
    characters, from its head alone.  repr() chooses its quote from the
    whole text (a double quote when the text holds a single quote and no
    double one), so the head's repr is given the whole text's quote."""
    head = value[:limit + 1]
    r = repr(head)
    prefix = 1 if type(value) is bytes else 0
    single, double = ("'", '"') if prefix == 0 else (b"'", b'"')
    wanted = '"' if single in value and double not in value else "'"
    if r[prefix] != wanted:
        body = r[prefix + 1:-1]
        if wanted == "'":   # the head held no double quote, the text did
            body = body.replace("'", "\\'")
        r = r[:prefix] + wanted + body + wanted
    return r
