# SPDX-License-Identifier: MIT
"""numpy / pandas / torch summaries (spec §6.4): `ndarray(shape) dtype
min= max= mean=` (.4g), `DataFrame(shape) cols=[first 5]`, `Series[dtype]
len=N`, `Tensor(shape) dtype dev= grad=`; and the GPU arrays of cupy and
jax, `cupy.ndarray(shape) dtype dev=`, `jax.Array(shape) dtype dev=`.  Each library's tests skip where
it is not installed (the 3.11 test venv gets numpy and pandas, and torch
from a local CPU wheel, see run-tests.py); the recorder itself never
imports them."""

import collections

import pytest

from conftest import load
from timecapsule._capture import smart_repr


def test_numpy_array():
    np = pytest.importorskip("numpy")
    a = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    assert smart_repr(a) == (
        "ndarray((3, 4)) float32 min=0 max=1.571 mean=0.7857", False)
    ints = np.array([[-5, 2], [9, 4]], dtype=np.int64)
    assert smart_repr(ints)[0] == "ndarray((2, 2)) int64 min=-5 max=9 mean=2.5"


def test_numpy_array_without_min():
    """An empty array has no min: shape and dtype only, never an error."""
    np = pytest.importorskip("numpy")
    assert smart_repr(np.zeros((0, 3)))[0] == "ndarray((0, 3)) float64"


def test_pandas_frame_and_series():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({c: range(4) for c in "abcdefg"})
    assert smart_repr(df)[0] == "DataFrame((4, 7)) cols=['a', 'b', 'c', 'd', 'e']"
    assert smart_repr(df["b"])[0] == "Series[int64] len=4"
    assert smart_repr(pd.Series([1.5, None]))[0] == "Series[float64] len=2"


def test_torch_tensor():
    torch = pytest.importorskip("torch")
    t = torch.zeros(2, 3, requires_grad=True)
    assert smart_repr(t)[0] == "Tensor((2, 3)) torch.float32 dev=cpu grad=True"
    assert smart_repr(torch.ones(5, dtype=torch.int16))[0] == \
        "Tensor((5,)) torch.int16 dev=cpu grad=False"


def test_summaries_come_from_attributes_only():
    """The summary reads the object's attributes (it is found by type name
    and module), so it works without importing the library."""
    class ndarray:
        __module__ = "numpy"
        shape, dtype = (2, 2), "float64"

        def min(self):
            return 1.0

        def max(self):
            return 4.0

        def mean(self):
            return 2.5
    assert smart_repr(ndarray())[0] == "ndarray((2, 2)) float64 min=1 max=4 mean=2.5"

    class Tensor:
        __module__ = "torch"
        shape, dtype, device, requires_grad = [3], "torch.float64", "cuda:0", False
    assert smart_repr(Tensor())[0] == "Tensor((3,)) torch.float64 dev=cuda:0 grad=False"

    class ndarray_broken:   # a failing summary falls back, never raises
        __module__ = "numpy"

        @property
        def shape(self):
            raise RuntimeError("no shape")
    ndarray_broken.__name__ = "ndarray"
    assert smart_repr(ndarray_broken())[0].startswith("<")


class _Tensor:
    """What the summary reads of a torch tensor; its repr, which would copy
    a CUDA tensor's values to the host, fails the test."""
    __module__ = "torch"
    shape, dtype, device, requires_grad = [3], "torch.float64", "cuda:0", False

    def __repr__(self):
        raise AssertionError("the tensor's repr ran")


_Tensor.__name__ = "Tensor"


class _Parameter(_Tensor):
    __module__ = "torch.nn.parameter"
    requires_grad = True


_Parameter.__name__ = "Parameter"


def test_library_objects_inside_containers():
    """Inside a list or dict a tensor gets its summary, not its repr; so
    does torch's own subclass (a model's weights), alone too."""
    text, cut = smart_repr([_Tensor(), 1.5])
    assert text == ("list[2] [Tensor((3,)) torch.float64 dev=cuda:0 "
                    "grad=False, 1.5]"), text
    assert not cut
    assert smart_repr({"w": _Parameter()})[0] == (
        "dict[1] {'w': Parameter((3,)) torch.float64 dev=cuda:0 grad=True}")
    assert smart_repr(_Parameter())[0] == (
        "Parameter((3,)) torch.float64 dev=cuda:0 grad=True")
    long, cut = smart_repr([_Tensor()] * 1000)
    assert cut and long.startswith("list[1000] [Tensor((3,))")

    class Mine(_Tensor):   # the program's own subclass: its repr is its own
        __module__ = "__main__"

        def __repr__(self):
            return "Mine()"
    assert smart_repr([Mine()])[0] == "list[1] [Mine()]"


def test_torch_in_containers():
    torch = pytest.importorskip("torch")
    batch = [torch.zeros(2, 3), torch.ones(4, dtype=torch.int16)]
    assert smart_repr(batch)[0] == (
        "list[2] [Tensor((2, 3)) torch.float32 dev=cpu grad=False, "
        "Tensor((4,)) torch.int16 dev=cpu grad=False]")
    weight = torch.nn.Parameter(torch.zeros(2))
    assert smart_repr((weight,))[0] == (
        "tuple[1] (Parameter((2,)) torch.float32 dev=cpu grad=True,)")


@pytest.mark.parametrize("module, name, dtype, summary", [
    ("torch", "Tensor", "torch.bfloat16",
     "Tensor((8, 4096)) torch.bfloat16 dev=cuda:1 grad=False"),
    ("cupy._core.core", "ndarray", "float32",
     "cupy.ndarray((8, 4096)) float32 dev=<CUDA Device 1>"),
    ("jaxlib.xla_extension", "ArrayImpl", "float32",
     "jax.Array((8, 4096)) float32 dev=cuda:1"),
    ("jaxlib._jax", "ArrayImpl", "float32",
     "jax.Array((8, 4096)) float32 dev=cuda:1"),
])
def test_recorded_gpu_arrays(run, tmp_path, module, name, dtype, summary):
    # torch's, cupy's and jax's repr waits for the GPU and copies the values
    # to the host: a variable holding one, alone or in a list, gets the
    # summary.  (Fake classes of their names, whose repr reports being run.)
    device = summary.split("dev=", 1)[1].split(" grad=")[0]
    proc = run(r"""
import sys, timecapsule as tc
class Device:
    def __str__(self):
        return %r
class %s:
    shape, dtype, device, requires_grad = (8, 4096), %r, Device(), False
    def __repr__(self):
        sys.stderr.write("REPR RAN\n")
        return "array(...)"
%s.__module__ = %r
tc.record(every=10, output="out.tc")
def f():
    weights = %s()
    batches = [%s(), %s()]
    tc.snap("b")
f()
tc.stop()
""" % (device, name, dtype, name, module, name, name, name))
    assert proc.returncode == 0, proc.stderr
    assert "REPR RAN" not in proc.stderr
    r = load(tmp_path / "out.tc")
    local = next(r.locals_of(th) for s in r.snapshots for th in s["threads"]
                 if "weights" in r.locals_of(th))
    assert local["weights"]["repr"] == summary
    assert local["batches"]["repr"] == "list[2] [%s, %s]" % (summary, summary)


def test_recorder_never_imports_them(run, tmp_path):
    proc = run('''
import sys, timecapsule as tc
tc.record(every=0.02, output="out.tc")
def f():
    x = [1, 2, 3]
    tc.snap("x")
f()
tc.stop()
print(sorted(m for m in ("numpy", "pandas", "torch") if m in sys.modules))
''')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_recorded_array_summary(run, tmp_path):
    pytest.importorskip("numpy")
    proc = run('''
import numpy as np, timecapsule as tc
tc.record(every=10, output="out.tc")
def f():
    weights = np.linspace(0, 1, 5)
    tc.snap("w")
f()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    reprs = [r.locals_of(th)["weights"]["repr"] for s in r.snapshots
             for th in s["threads"] if "weights" in r.locals_of(th)]
    assert reprs == ["ndarray((5,)) float64 min=0 max=1 mean=0.5"]


def _containers():
    """Builtin containers around every rule of their reprs."""
    loop = [1, 2]
    loop.append(loop)
    selfish = {"a": 1}
    selfish["me"] = selfish
    inner = []
    via_tuple = (inner,)
    inner.append(via_tuple)
    return [
        [], (), {}, set(), frozenset(), [[]], [()], ((),), (1,), ((1,),),
        [1, "a", None, True, 2.5, b"x"], (1, 2), {"k": [1, (2,)], (3, 4): {5}},
        {1, 2, 3}, frozenset({"x"}), [frozenset(), set()], loop, selfish,
        via_tuple, [[[[[1]]]]], {"it's": 'say "hi"'},
        list(range(1000)), {i: str(i) for i in range(500)}, tuple("abc" * 100),
        set(range(300)), [list(range(50)) for _ in range(20)],
    ] + _collections() + _subclasses()


def _collections():
    """The dict subclasses of `collections`, whose reprs are their own
    (OrderedDict's changed in 3.12), around the same rules."""
    ordered = collections.OrderedDict(a=1, b=2)
    ordered.move_to_end("a")
    ordered["me"] = ordered
    nested = collections.defaultdict(list, x=[1])
    nested["me"] = nested
    return [
        collections.defaultdict(), collections.defaultdict(int, {1: 2}),
        nested, collections.defaultdict(lambda: 0, {"k": (1,)}),
        collections.OrderedDict(), ordered,
        collections.OrderedDict((str(i), [i]) for i in range(300)),
        collections.Counter(), collections.Counter("abracadabra"),
        collections.Counter({i: i % 7 for i in range(1000)}),
        collections.Counter({"a": None, "b": 1}),   # counts that do not order
    ]


class _List(list):
    pass


class _Set(set):
    pass


class _Frozen(frozenset):
    pass


class _Dict(dict):
    def items(self):   # the repr reads the storage, not this
        return [("x", "y")]


class _OwnRepr(list):
    def __repr__(self):
        return "_OwnRepr!"


def _subclasses():
    """Subclasses that keep their base's repr (a set subclass's shows its
    name) and one that does not."""
    loop = _List([1, 2])
    loop.append(loop)
    return [_List(), loop, _List(range(200)), _Set(), _Set({1, 2}),
            _Frozen(), _Frozen(range(100)), _Dict(), _Dict(a=[1]),
            _Dict({i: i for i in range(100)}), _OwnRepr([1])]


@pytest.mark.parametrize("value", _containers(), ids=lambda v: type(v).__name__)
def test_container_reprs_are_repr_s_cut(value):
    # A snapshot shows the first 120 characters of a container's repr;
    # they are written item by item (the rest is never formatted), and
    # must read as repr()'s.
    from timecapsule._capture import CONTAINER_REPR_LIMIT
    text, cut = smart_repr(value)
    full = repr(value)
    head = text.split(" ", 1)[1]
    if len(full) > CONTAINER_REPR_LIMIT:
        assert cut and head == full[:CONTAINER_REPR_LIMIT] + "\u2026"
    else:
        assert not cut and head == full


def test_a_huge_container_is_not_formatted_whole():
    # The whole repr of a list of three million floats took ~0.3 s at every
    # snapshot; the snapshot's 120 characters must format only the items
    # they show, however deep the list sits.
    formatted = []

    class Item:
        def __repr__(self):
            formatted.append(1)
            return "Item()"

    big = [Item() for _ in range(100_000)]
    text, cut = smart_repr(big)
    assert cut and text.startswith("list[100000] [Item(), Item(), ")
    assert len(formatted) < 30, len(formatted)
    formatted.clear()
    text, cut = smart_repr({"steps": (big, 1)})
    assert cut and text.startswith("dict[1] {'steps': ([Item(), ")
    assert len(formatted) < 30, len(formatted)


@pytest.mark.parametrize("value", [
    collections.deque(), collections.deque([1, "a"]),
    collections.deque([], maxlen=3), collections.deque(range(50), maxlen=80),
    collections.deque(range(1000)), collections.deque([[1], {2: 3}]),
    collections.deque(collections.deque([i]) for i in range(200)),
], ids=len)
def test_deque_reprs_are_repr_s_cut(value):
    # Not a list: shown as any other value, 500 characters of its repr.
    from timecapsule._capture import REPR_LIMIT
    value.append(value)   # re-entered: [...]
    full = repr(value)
    expected = ((full[:REPR_LIMIT] + "\u2026", True)
                if len(full) > REPR_LIMIT else (full, False))
    assert smart_repr(value) == expected


@pytest.mark.parametrize("wrap", [
    lambda items: collections.deque(items, maxlen=len(items) + 1),
    lambda items: collections.defaultdict(list, enumerate(items)),
    lambda items: collections.OrderedDict(enumerate(items)),
    lambda items: collections.Counter({item: i for i, item in enumerate(items)}),
    lambda items: _Set(items),
    lambda items: _List(items),
], ids=["deque", "defaultdict", "OrderedDict", "Counter", "set-subclass",
        "list-subclass"])
def test_a_huge_collection_is_not_formatted_whole(wrap):
    # A replay buffer, a vocabulary Counter, a defaultdict of lists: as big
    # as the builtin containers, and shown by 120 (a deque 500) characters.
    formatted = []

    class Item:
        def __repr__(self):
            formatted.append(1)
            return "Item()"

    value = wrap([Item() for _ in range(100_000)])
    text, cut = smart_repr(value)
    assert cut and text.count("Item()") > 5, text
    assert len(formatted) < 130, len(formatted)


def _texts():
    """Texts around the 500-character cut, each quote rule on either side
    of it (repr() picks its quote from the whole text)."""
    out = []
    for body in ["x", "it's", 'say "hi"', "both ' and \"", "tab\t\\", "\u00e9\u20ac\U0001f600"]:
        for tail in ["", "'", '"', "'\"", "\n"]:
            for n in (0, 499, 500, 501, 2000):
                text = body * (n // len(body))
                out += [text + tail, tail + text]
    return out


def test_long_text_reprs_are_repr_s_cut():
    # A long str or bytes is formatted from its head alone, with the quote
    # the whole text's repr has: the shown text must be repr()'s, cut.
    from timecapsule._capture import REPR_LIMIT
    for text in _texts():
        for value in (text, text.encode("utf-8")):
            full = repr(value)
            expected = ((full[:REPR_LIMIT] + "\u2026", True)
                        if len(full) > REPR_LIMIT else (full, False))
            assert smart_repr(value) == expected, value[:40]
