# SPDX-License-Identifier: MIT
"""What the call hooks read from arguments (REPEATED_CALL's fingerprint) and
return values: none of the program's code runs inside a hook (no __hash__,
__eq__ or __repr__ of its objects), the return value's repr is bounded and
redacted like the locals."""

import json
import sys

import pytest

from conftest import load

SPY = r'''
import sys, time, timecapsule as tc
calls = []
class Spy:
    """Says when the recorder touches it; slow and failing on purpose."""
    def __hash__(self):
        calls.append("hash")
        raise RuntimeError("no hash")
    def __eq__(self, other):
        calls.append("eq")
        return True
    def __repr__(self):
        calls.append("repr")
        time.sleep(0.05)
        raise RuntimeError("no repr")
class Plain:
    def __repr__(self):
        calls.append("plain repr")
        return "Plain()"
def same(x):
    return x
def fresh(i):
    return Plain()
def main():
    spy = Spy()
    # Fingerprints start at the 50th call: 150 leave 100 to compare.
    for i in range(150):
        same(spy)
    for i in range(150):
        fresh(i)
# watch= keeps the snapshots from showing locals: only the hooks could
# call the methods.
tc.record(every=10, output="out.tc", watch=["nothing"])
t0 = time.perf_counter()
main()
elapsed = time.perf_counter() - t0
tc.stop()
print("CALLS", calls, "ELAPSED", elapsed)
'''


def _return_values(r, qualname):
    return [f for f in r.of("return_value") if r.qualname(f["code"]) == qualname]


def test_hooks_run_no_hash_eq_or_repr_of_the_program(run, tmp_path):
    proc = run(SPY)
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if l.startswith("CALLS"))
    assert line.startswith("CALLS [] ELAPSED"), line
    assert float(line.split()[-1]) < 2.5   # 100 sleeping reprs would be 5 s
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    r.check_balanced()
    assert r.calls("same") == 150 and r.calls("fresh") == 150
    by = {(w["code"], w["var"]) for w in r.warnings}
    # The same object 60 times is a repeated call (by identity) ...
    assert ("REPEATED_CALL", "same") in by
    # ... 150 different ints are not.
    assert ("REPEATED_CALL", "fresh") not in by
    same = _return_values(r, "same")
    assert len(same) == 100   # at most 100 per function
    assert {(f["repr"], f["value_type"]) for f in same} == {("<Spy object>", "Spy")}
    assert {f["repr"] for f in _return_values(r, "fresh")} == {"<Plain object>"}


def test_return_value_reprs_of_builtins_are_exact_and_bounded(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def small():
    return [1, "a", (2,), {"k": 1.5}, None, b"x", {3}, frozenset(), 2**70]
def big():
    return "x" * 1000000
def huge_int():
    return 7 ** 100000
def nested():
    return [[[[[1]]]]]
tc.record(every=10, output="out.tc", watch=["nothing"])
small(); big(); huge_int(); nested()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    (small,) = _return_values(r, "small")
    assert small["repr"] == repr([1, "a", (2,), {"k": 1.5}, None, b"x", {3},
                                  frozenset(), 2**70])
    (big,) = _return_values(r, "big")
    assert big["repr"].startswith("'xxxx") and big["repr"].endswith("\u2026")
    assert len(big["repr"]) < 500
    (huge,) = _return_values(r, "huge_int")
    assert huge["repr"].startswith("<int of ") and huge["repr"].endswith(" bits>")
    (nested,) = _return_values(r, "nested")
    assert nested["repr"] == "[[[[\u2026]]]]"



# The end of a program defining VALUES: returns each from one function
# while recording, then prints repr() of each, "-" for the loud ones (the
# test must not see their repr run).  ARMED is true while recording.
RETURN_EACH = r"""
def returns(name):
    return VALUES[name]
tc.record(every=10, output="out.tc", watch=["nothing"])
ARMED = True
for name in VALUES:
    returns(name)
ARMED = False
tc.stop()
for name, value in VALUES.items():
    print("REPR", name, "-" if name.startswith("loud") else repr(value))
"""


def _printed_reprs(proc):
    """{name: repr} as RETURN_EACH printed them, in VALUES' order."""
    return dict(line.split(" ", 2)[1:] for line in proc.stdout.splitlines()
                if line.startswith("REPR "))


def _assert_stored_reprs(tmp_path, expected):
    """The return values RETURN_EACH stored are `expected`'s, in order."""
    r = load(tmp_path / "out.tc")
    reprs = [f["repr"] for f in _return_values(r, "returns")]
    assert dict(zip(expected, reprs)) == expected
    assert len(reprs) == len(expected)


def _assert_written_quietly(proc, tmp_path, unlike_repr):
    """No loud method ran, and each stored return value is what repr()
    printed, but for the values named in `unlike_repr` (those present)."""
    assert proc.returncode == 0, proc.stderr
    assert "LOUD" not in proc.stdout
    expected = _printed_reprs(proc)
    expected.update((k, v) for k, v in unlike_repr.items() if k in expected)
    _assert_stored_reprs(tmp_path, expected)


def test_namedtuple_and_defaultdict_return_values_are_written_out(run, tmp_path):
    # Common return types of a program's own functions: written as repr()
    # spells them, from the objects' storage and their classes' dicts,
    # without running a __repr__ (a subclass's own is not called: its
    # class is named, its items written as namedtuple's repr would).
    proc = run(r'''
import collections, timecapsule as tc
Point = collections.namedtuple("Point", "x y")
Empty = collections.namedtuple("Empty", "")
class Loud(collections.namedtuple("Loud", "a")):
    def __repr__(self):
        print("LOUD REPR")
        return "Loud!"
class Bag(collections.defaultdict):
    pass
def factory():
    return 0
VALUES = {
    "point": Point(1, "a"),
    "nested": Point(Point(1, 2), [Point(3, 4)]),
    "empty": Empty(),
    "loud": Loud(5),
    "grouped": collections.defaultdict(list, {1: ["a"], "k": []}),
    "bare": collections.defaultdict(),
    "by_function": collections.defaultdict(factory, x=1),
    "by_builtin": collections.defaultdict(dict.fromkeys),
    "bag": Bag(int),
    "secrets": Point({"token": ["t-1"]}, collections.defaultdict(
        list, password=["hunter2"])),
}
''' + RETURN_EACH)
    assert proc.returncode == 0, proc.stderr
    assert "LOUD REPR" not in proc.stdout
    expected = _printed_reprs(proc)
    expected["loud"] = "Loud(a=5)"
    # Written out, they are redacted as text (the hook cannot rebuild them).
    expected["secrets"] = ("Point(x={'token': <redacted>}, y=defaultdict("
                           "<class 'list'>, {'password': <redacted>}))")
    r = load(tmp_path / "out.tc")
    reprs = [f["repr"] for f in _return_values(r, "returns")]
    assert reprs == list(expected.values())


COLLECTIONS = r"""
import collections, timecapsule as tc
ARMED = False   # set while recording: building the values runs some
def loud(what):
    if ARMED:
        print("LOUD", what)
class Tagged(list): pass
class Row(dict): pass
class Pair(tuple): pass
class Tags(set): pass
class Frozen(frozenset): pass
class Window(collections.deque): pass
class Ordered(collections.OrderedDict): pass
class Words(collections.Counter): pass
class Groups(collections.defaultdict): pass
class LoudRepr(list):
    def __repr__(self):
        loud("repr")
        return "loud"
class LoudIter(set):
    def __iter__(self):
        loud("iter")
        return iter(())
class LoudWords(collections.Counter):
    def most_common(self, n=None):
        loud("most_common")
        return []
class LoudItems(collections.OrderedDict):
    def items(self):
        loud("items")
        return []
class LoudHash:
    def __hash__(self):
        loud("hash")
        return 1
moved = collections.OrderedDict(a=1, b=2, c=3)
moved.move_to_end("a")
VALUES = {
    "list_subclass": Tagged([1, "a"]), "dict_subclass": Row(k=[1]),
    "tuple_subclass": Pair((1,)), "set_subclass": Tags({3}),
    "empty_set_subclass": Tags(), "frozenset_subclass": Frozen({4}),
    "deque": collections.deque([1, (2, 3)]), "empty_deque": collections.deque(),
    "bounded_deque": collections.deque(range(3), maxlen=5),
    "deque_subclass": Window("ab", 2),
    "ordered": collections.OrderedDict(x=1, y=[2]), "moved": moved,
    "empty_ordered": collections.OrderedDict(), "ordered_subclass": Ordered(k=1),
    "tuple_keys": collections.OrderedDict([((1, "a"), None)]),
    "counter": collections.Counter("abracadabra"),
    "empty_counter": collections.Counter(), "counter_subclass": Words("aab"),
    "mixed_counts": collections.Counter({"f": 1.5, "i": 2, "b": True, "n": -1}),
    "ties": collections.Counter({k: 7 for k in "zyxwv"}),
    # Equal as doubles, not as numbers (2**53 + 1); equal numbers.
    "exact_counts": collections.Counter({"f": float(2**53), "i": 2**53 + 1,
                                         "two_f": 2.0, "two": 2}),
    "groups": Groups(list, {1: [2]}),
    "nested": [collections.deque([[[1]]])],
    # Cut: only the head is formatted; the most common found in one pass.
    "long_deque": collections.deque(range(5000)),
    "big_counter": collections.Counter({i: (i * 7919) % 1000 for i in range(8000)}),
    # Too big to look through in a call hook: sized only.
    "huge_counter": collections.Counter(range(8193)),
    "huge_ordered": collections.OrderedDict.fromkeys(range(8193)),
    # repr() would run the program's code: not written out.
    "loud_repr": LoudRepr([1]), "loud_iter": LoudIter({1}),
    "loud_words": LoudWords("ab"), "loud_items": LoudItems(k=1),
    "text_counts": collections.Counter({"a": "x"}),
    "loud_key": collections.OrderedDict([("k", 1), (LoudHash(), 2)]),
}
"""


def test_collections_return_values_are_written_as_repr_spells_them(
        run, tmp_path):
    # deque, OrderedDict, Counter, defaultdict and subclasses of the
    # builtin containers, as repr() writes them on this interpreter (an
    # OrderedDict's spelling changed in 3.12), from their storage and C
    # iterators: a class whose repr would run its own code is not.
    proc = run(COLLECTIONS + RETURN_EACH)
    assert proc.returncode == 0, proc.stderr
    assert "LOUD" not in proc.stdout
    expected = _printed_reprs(proc)
    for name in ("long_deque", "big_counter"):
        assert len(expected[name]) > 400
        expected[name] = expected[name][:400] + "\u2026"
    expected["nested"] = "[deque([[[\u2026]]])]"
    expected["huge_counter"] = "<Counter of 8193 items>"
    expected["huge_ordered"] = "<OrderedDict of 8193 items>"
    expected["loud_repr"] = "<LoudRepr object>"
    expected["loud_iter"] = "<LoudIter object>"
    expected["loud_words"] = "<LoudWords object>"
    expected["loud_items"] = "<LoudItems object>"
    expected["text_counts"] = "<Counter object>"
    # Its iterator would run the key's __hash__.
    expected["loud_key"] = "<OrderedDict object>"
    _assert_stored_reprs(tmp_path, expected)


DATACLASSES = r"""
import dataclasses, sys, timecapsule as tc
from typing import ClassVar
ARMED = False
def loud(what):
    if ARMED:
        print("LOUD", what)
@dataclasses.dataclass
class Point:
    x: int
    y: str = "a"
    secret_note: str = dataclasses.field(default="hidden", repr=False)
    unit: ClassVar[str] = "m"
    start: dataclasses.InitVar[int] = 0
    def __post_init__(self, start):
        pass
class Outer:
    @dataclasses.dataclass(frozen=True)
    class Inner:
        items: list
class Moved(Point):   # not a dataclass: Point's __repr__, its own name
    pass
@dataclasses.dataclass
class Empty:
    pass
@dataclasses.dataclass
class Own:
    x: int
    def __repr__(self):
        loud("repr")
        return "Own!"
class Computed(Point):
    @property
    def y(self):
        loud("property")
        return "computed"
    @y.setter
    def y(self, value):
        pass
@dataclasses.dataclass
class Guarded:
    x: int
    def __getattribute__(self, name):
        loud("getattribute")
        return object.__getattribute__(self, name)
@dataclasses.dataclass(repr=False)
class Unwritten:
    x: int
VALUES = {
    "point": Point(1), "inner": Outer.Inner([Point(2, "b"), (3, 4)]),
    "moved": Moved(5, "c"), "empty": Empty(),
    "nested": [[Outer.Inner(Outer.Inner([1]))]],
    "loud_own": Own(1), "loud_computed": Computed(6),
    "loud_guarded": Guarded(7), "unwritten": Unwritten(8),
}
if sys.version_info >= (3, 10):
    @dataclasses.dataclass(slots=True)
    class Slotted:
        a: float
        b: tuple = ()
    VALUES["slotted"] = Slotted(0.5, (1,))
"""


def test_dataclass_return_values_are_written_as_their_repr(run, tmp_path):
    # The __repr__ @dataclass generates is written from the class's fields
    # (repr=False, ClassVar and InitVar fields left out, the qualified
    # name, slots read through their descriptors) without running it; a
    # __repr__, property or __getattribute__ of the program's is never run.
    _assert_written_quietly(run(DATACLASSES + RETURN_EACH), tmp_path, {
        "nested": "[[Outer.Inner(items=Outer.Inner(\u2026))]]",
        "loud_own": "<Own object>", "loud_computed": "<Computed object>",
        "loud_guarded": "<Guarded object>",
        "unwritten": "<Unwritten object>"})


ENUMS = r"""
import enum, sys, timecapsule as tc
ARMED = False
def loud(what):
    if ARMED:
        print("LOUD", what)
class Color(enum.Enum):
    RED = 1
    BLUE = "b"
    PAIR = (1, [2])
class Level(enum.IntEnum):
    HIGH = 3
class Outer:
    class Mode(enum.Enum):
        FAST = 0.5
class Perm(enum.Flag):   # Flag's repr is its own
    R = 4
class Loud(enum.Enum):
    A = 1
    def __repr__(self):
        loud("repr")
        return "Loud!"
class LoudValueRepr(enum.Enum):
    A = 1
LoudValueRepr._value_repr_ = lambda v: loud("value repr") or "x"
VALUES = {
    "red": Color.RED, "blue": Color.BLUE, "pair": Color.PAIR,
    "high": Level.HIGH, "nested": Outer.Mode.FAST, "in_list": [Color.RED],
    "flag": Perm.R, "loud_repr": Loud.A,
}
if sys.version_info >= (3, 11):
    class Name(enum.StrEnum):
        ADA = "ada"
    VALUES["str_enum"] = Name.ADA
    VALUES["loud_value_repr"] = LoudValueRepr.A
"""


def test_enum_member_return_values_are_written_as_their_repr(run, tmp_path):
    # Enum's __repr__ (kept by IntEnum and StrEnum) written from the
    # member's _name_ and _value_ without running it; a class's own
    # __repr__ or _value_repr_ is never run.
    _assert_written_quietly(run(ENUMS + RETURN_EACH), tmp_path, {
        "flag": "<Perm object>", "loud_repr": "<Loud object>",
        "loud_value_repr": "<LoudValueRepr object>"})


LEAVES = r"""[0, -1, 255, 256, -5, 2**62, -2**63, 2**63 - 1, 2**63, -2**63 - 1,
 True, False, None, "", "plain text", "it's", 'say "hi"', "both ' and \"",
 "tab\there", "back\\slash", "del\x7f", "nul\x00", "caf\u00e9", "\U0001f600",
 {"k": "v", 1: -1}, ("a", 2)]"""


def test_return_value_reprs_of_common_leaves_are_repr_s(run, tmp_path):
    # ints, strs, None and the bools are written directly when their repr
    # is plain (no temporary repr object): the text must be repr()'s, on
    # either side of every rule that picks the direct way.
    proc = run(r"""
import timecapsule as tc
def leaves():
    return %s
tc.record(every=10, output="out.tc", watch=["nothing"], redact=False)
leaves()
tc.stop()
""" % LEAVES)
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    (leaves,) = _return_values(r, "leaves")
    assert leaves["repr"] == repr(eval(LEAVES))

REDACT = r'''
import timecapsule as tc
def config():
    return {"user": "bob", "password": "hunter2", "nested": {"api_key": "k-123"}}
def conn_string():
    return "host=db password=swordfish"
def in_tuple():
    return ("bob", {"token": "tq456z"})
tc.record(every=10, output="out.tc", watch=["nothing"], embed_source=False%s)
config(); conn_string(); in_tuple()
tc.stop()
'''

SECRETS = ("hunter2", "k-123", "swordfish", "tq456z")


def test_return_values_are_redacted(run, tmp_path):
    proc = run(REDACT % "")
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    (cfg,) = _return_values(r, "config")
    assert cfg["repr"] == ("{'user': 'bob', 'password': '<redacted>', "
                           "'nested': {'api_key': '<redacted>'}}")
    (conn,) = _return_values(r, "conn_string")
    assert "password=<redacted>" in conn["repr"]
    (tup,) = _return_values(r, "in_tuple")
    assert "'token': '<redacted>'" in tup["repr"]
    everything = json.dumps(r.frames)
    for secret in SECRETS:
        assert secret not in everything


def test_return_values_with_redact_false_are_kept(run, tmp_path):
    proc = run(REDACT % ", redact=False")
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    everything = json.dumps(r.frames)
    for secret in SECRETS:
        assert secret in everything


TEXTS = r'''
import timecapsule as tc
def split_name():
    return "user=bob pass_word=hunter2"
def camel():
    return "url?myToken=t-456"
def custom():
    return "Card-PIN: 4242"
def globbed():
    return "x_code=9999"
def plain():
    return "host=db port=5432"
tc.record(every=10, output="out.tc", watch=["nothing"], embed_source=False,
          redact=%r)
split_name(); camel(); custom(); globbed(); plain()
tc.stop()
'''


@pytest.mark.parametrize("rules", [["pin"], ["pin", "*_code"]])
def test_return_value_texts_are_redacted_past_the_c_precheck(run, tmp_path, rules):
    """The hook skips the Python text redaction when the repr holds none of
    the rules' words once lowercased and stripped of separators: names that
    only hold one that way, camelCase words, record(redact=[...]) names and
    (with a glob, which turns the pre-check off) glob matches stay
    redacted."""
    proc = run(TEXTS % (rules,))
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    (one,) = _return_values(r, "split_name")
    assert one["repr"] == "'user=bob pass_word=<redacted>'"
    (two,) = _return_values(r, "camel")
    assert two["repr"] == "'url?myToken=<redacted>'"
    (three,) = _return_values(r, "custom")
    assert three["repr"] == "'Card-PIN: <redacted>'"
    (four,) = _return_values(r, "globbed")
    assert four["repr"] == ("'x_code=<redacted>'" if "*_code" in rules
                            else "'x_code=9999'")
    (five,) = _return_values(r, "plain")
    assert five["repr"] == "'host=db port=5432'"


LONG_VALUES = r"""
import timecapsule as tc
from timecapsule import _capture
asked = []
_real = _capture.redact_return_value
def counted(value):
    asked.append(1)
    return _real(value)
_capture.redact_return_value = counted
PAD = "x" * 450   # the repr is cut before the key: only the value holds it
def separators():
    return {"pad": PAD, "db-Pass_Word": "s-101"}
def camel():
    return {"pad": PAD, "authToken": "s-102"}
def nested():
    return [PAD, ({"api.key": "s-103"},)]
def int_key():
    return {"pad": PAD, 7: {"secret": "s-104"}}
def not_ascii():
    return {"pad": PAD, "api\u212aey": "s-105"}
def own_rule():
    return {"pad": PAD, "Card-PIN": "s-106"}
def globbed():
    return {"pad": PAD, "x_code": "s-107"}
def plain():
    return {"pad": PAD, "sku": "BOO-0001-red", "qty": [1, 2]}
def plain_tuple():
    return ("BOO", 1234, ["red", ({"n": 3, 4: None},)])
tc.record(every=10, output="out.tc", watch=["nothing"], embed_source=False,
          redact=%r)
for f in (plain, plain_tuple):
    for i in range(3):
        f()
print("ASKED-PLAIN", len(asked))
separators(); camel(); nested(); int_key(); not_ascii(); own_rule(); globbed()
tc.stop()
print("ASKED", len(asked))
"""


@pytest.mark.parametrize("rules", [["pin"], ["pin", "*_code"]])
def test_return_values_past_the_repr_cut_are_redacted(run, tmp_path, rules):
    """A secret under a key the cut repr no longer shows is only in the
    stored value: the hook's C walk must send every container that may hold
    one to the Python redaction (keys that hold a rule's word only once
    lowercased and stripped of separators, camelCase words, nested in lists
    and tuples, under an int key, a non-ASCII key that lowercases to one,
    record(redact=[...]) words), and only those: containers of ordinary keys
    are stored as they are without it.  A glob rule turns the pre-check
    off: every container with a str key is then asked of Python."""
    proc = run(LONG_VALUES % (rules,))
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    everything = json.dumps(r.frames)
    for n in range(101, 107):
        assert "s-%d" % n not in everything
    globs = "*_code" in rules
    assert ("s-107" in everything) != globs
    assert "ASKED-PLAIN %d" % (6 if globs else 0) in proc.stdout
    assert "ASKED %d" % (13 if globs else 6) in proc.stdout
    for name in ("separators", "camel", "nested", "int_key", "not_ascii", "own_rule"):
        (value,) = _return_values(r, name)
        assert "<redacted>" in json.dumps(value), name
    plain = _return_values(r, "plain")
    assert len(plain) == 3
    assert "BOO-0001-red" in json.dumps(plain[0]["value"])
    assert "<redacted>" not in json.dumps(plain)


def test_numpy_return_value_is_summarised(run, tmp_path):
    pytest.importorskip("numpy")
    proc = run(r'''
import numpy as np, timecapsule as tc
def arr():
    return np.zeros((3, 4))
def objs():
    class Cmp:
        def __lt__(self, other):
            print("COMPARED")
            return True
        __gt__ = __lt__
    return np.array([Cmp(), Cmp()], dtype=object)
tc.record(every=10, output="out.tc", watch=["nothing"])
arr(); objs()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "COMPARED" not in proc.stdout
    r = load(tmp_path / "out.tc")
    assert [f["repr"] for f in _return_values(r, "arr")] == ["ndarray((3, 4)) float64"]
    assert [f["repr"] for f in _return_values(r, "objs")] == ["ndarray((2,)) object"]


def test_pandas_and_torch_return_values_are_summarised(run, tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("torch")
    proc = run(r'''
import pandas as pd, torch, timecapsule as tc
def frame():
    return pd.DataFrame({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]})
def series():
    return pd.Series([1, 2, 3, 4])
def tensor():
    return torch.zeros(2, 3)
class MyFrame(pd.DataFrame):
    def __repr__(self):
        print("MYFRAME REPR")
        return "MyFrame"
def subclass():
    return MyFrame({"a": [1]})
tc.record(every=10, output="out.tc", watch=["nothing"])
frame(); series(); tensor(); subclass()
tc.stop()
''', timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "MYFRAME REPR" not in proc.stdout
    r = load(tmp_path / "out.tc")
    reprs = {q: [f["repr"] for f in _return_values(r, q)]
             for q in ("frame", "series", "tensor", "subclass")}
    assert reprs == {
        "frame": ["DataFrame((3, 2)) cols=['a', 'b']"],
        "series": ["Series[int64] len=4"],
        "tensor": ["Tensor((2, 3)) torch.float32 dev=cpu grad=False"],
        "subclass": ["<MyFrame object>"],
    }


def test_a_local_whose_repr_had_a_secret_keeps_no_value(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
tc.watch_expr("dsn_expr", "'db://x?token=' + api_key_tail")
def f():
    api_key_tail = "tk-" + "999"
    conn = "host=db password=" + "swordfish"
    plain = "host=db user=bob"
    tc.snap("x")
tc.record(every=10, output="out.tc", embed_source=False)
f()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert "swordfish" not in json.dumps(r.frames)
    assert "tk-999" not in json.dumps(r.frames)
    s = next(s for s in r.snapshots if s["evt"] == "SNAP:x")
    locs = r.locals_of(s["threads"][0])
    assert locs["conn"]["repr"] == "'host=db password=<redacted>'"
    assert locs["conn"]["value"] == {"repr_only": True}
    assert locs["plain"]["value"] == "host=db user=bob"
    assert locs["dsn_expr"]["repr"] == "'db://x?token=<redacted>'"
    assert locs["dsn_expr"]["value"] == {"repr_only": True}


def test_fingerprint_of_an_argument_a_closure_captures(run, tmp_path):
    # A captured argument lives in a cell: its fingerprint is the value's
    # (3.11's eval hook sees the value before MAKE_CELL, 3.12's PY_START
    # the fresh cell of each call), so 150 calls with 7 are repeated calls,
    # 150 with different values are not.
    proc = run(r'''
import sys, timecapsule as tc
def captured(x):
    def inner():
        return x
    return inner
def captured_fresh(x):
    def inner():
        return x
    return inner
tc.record(every=10, output="out.tc")
for i in range(150):
    captured(7)
    captured_fresh(i)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    by = {(w["code"], w["var"]) for w in load(tmp_path / "out.tc").warnings}
    assert ("REPEATED_CALL", "captured") in by
    if sys.version_info >= (3, 11):
        # 3.8-3.10 move a captured argument out of its slot into the cell
        # before any hook runs: all such calls look alike there.
        assert ("REPEATED_CALL", "captured_fresh") not in by


# REPEATED_CALL compares the arguments' values.  CPython hands a freed
# object's memory to the next allocation, so a fresh dict or instance made
# for each call very often has the previous call's address: the program
# below checks that it does (else it would test nothing) and the recording
# must not call those calls repeated.
REUSED = r'''
import json, sys, timecapsule as tc
from decimal import Decimal

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class Slotted:
    __slots__ = ("a", "b")
    def __init__(self, a):
        self.a = a
        self.b = (a, "s")

def fresh_dict(d):
    return d["k"]
def fresh_nested(d):
    return d["items"][0]["n"]
def fresh_list(l):
    return l[0]
def fresh_point(p):
    return p.x
def fresh_slotted(s):
    return s.a
def fresh_set(s):
    return len(s)
def fresh_lambda(f):
    return f
def fresh_iterator(it):
    return next(it)

ids = {}
def note(kind, obj):
    ids.setdefault(kind, set()).add(id(obj))

tc.record(every=10, output="out.tc", watch=["nothing"])
for i in range(150):
    d = json.loads('{"k": %d}' % i)
    note("dict", d); fresh_dict(d); del d
    d = json.loads('{"items": [{"n": %d}], "tag": "x"}' % i)
    note("nested", d); fresh_nested(d); del d
    l = [i, "x"]
    note("list", l); fresh_list(l); del l
    p = Point(i, 2)
    note("point", p); fresh_point(p); del p
    s = Slotted(i)
    note("slotted", s); fresh_slotted(s); del s
    s = {i, -1}
    note("set", s); fresh_set(s); del s
    f = lambda v=i: v
    note("lambda", f); fresh_lambda(f); del f
    it = iter([i])
    note("iterator", it); fresh_iterator(it); del it
tc.stop()
print("DISTINCT", json.dumps({k: len(v) for k, v in ids.items()}))
'''


def _repeated(r):
    return {w["var"] for w in r.warnings if w["code"] == "REPEATED_CALL"}


def test_fresh_arguments_at_reused_addresses_are_no_repeat(run, tmp_path):
    proc = run(REUSED)
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if l.startswith("DISTINCT"))
    distinct = json.loads(line.split(None, 1)[1])
    # 150 objects of each kind in very few addresses: the old fingerprint
    # (the address) saw the same argument 50 times and more.
    for kind in ("dict", "nested", "list", "point", "slotted", "lambda"):
        assert distinct[kind] < 100, (kind, distinct)
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    for name in ("fresh_dict", "fresh_nested", "fresh_list", "fresh_point",
                 "fresh_slotted", "fresh_set", "fresh_lambda",
                 "fresh_iterator"):
        assert r.calls(name) == 150
    assert _repeated(r) == set()


def test_equal_values_are_a_repeat_even_as_different_objects(run, tmp_path):
    # Equal contents in objects all alive at once (150 addresses): the
    # same arguments by value, which identity never saw.
    proc = run(r'''
import json, timecapsule as tc
from decimal import Decimal
from datetime import date
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = {"y": y}
class Slotted:
    __slots__ = ("a",)
    def __init__(self, a):
        self.a = a
def eq_dict(d): pass
def eq_list(l): pass
def eq_point(p): pass
def eq_point_dict(p): pass
def eq_slotted(s): pass
def eq_set(s): pass
def eq_decimal(x): pass
def eq_date(x): pass
def eq_method(m): pass
def same_function(f): pass
def ne_decimal(x): pass
keep = []
tc.record(every=10, output="out.tc", watch=["nothing"])
for i in range(150):
    args = (json.loads('{"a": [1, 2.5, "x"], "b": null}'), [1, (2, "y")],
            Point(1, 2), Slotted("s"), {1, 2, 3}, Decimal("1.50"),
            date(2024, 1, 2), Point(3, 4).__init__, Decimal(i))
    keep.append(args)
    q = Point(1, 2)
    q.__dict__["z"] = 0   # a dict of its own, not the inline values
    keep.append(q)
    eq_point_dict(q)
    eq_dict(args[0]); eq_list(args[1]); eq_point(args[2]); eq_slotted(args[3])
    eq_set(args[4]); eq_decimal(args[5]); eq_date(args[6]); eq_method(args[7])
    same_function(len)
    ne_decimal(args[8])
tc.stop()
print("DISTINCT", len({id(a[0]) for a in keep if isinstance(a, tuple)}))
''')
    assert proc.returncode == 0, proc.stderr
    assert "DISTINCT 150" in proc.stdout
    r = load(tmp_path / "out.tc")
    # Point(1, 2) and Slotted("s") are made the same way each time: their
    # __init__ gets a fresh empty instance and equal values.
    inits = {"Point.__init__", "Slotted.__init__"} if sys.version_info >= (3, 11) \
        else {"__init__"}   # the qualname needs co_qualname (3.11)
    assert _repeated(r) == {"eq_dict", "eq_list", "eq_point", "eq_point_dict",
                            "eq_slotted", "eq_set", "eq_decimal", "eq_date",
                            "eq_method", "same_function"} | inits


def test_the_same_object_changed_between_calls_is_no_repeat(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
class Counter:
    def __init__(self):
        self.n = 0
    def bump(self):
        self.n += 1
def grow(l):
    l.append(len(l))
def count(d, k):
    d[k] = d.get(k, 0) + 1
def bump(c):
    c.bump()
def unchanged(l):
    return len(l)
items, stats, c, fixed = [], {}, Counter(), [1, 2]
c2 = Counter()
c2.__dict__["extra"] = 1   # a dict of its own, not the inline values
def bump2(c):
    c.bump()
tc.record(every=10, output="out.tc", watch=["nothing"])
for i in range(150):
    grow(items)
    count(stats, "k")
    bump(c)
    bump2(c2)
    unchanged(fixed)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    # Counter.bump's self changes too; the unchanged list is a repeat.
    assert _repeated(r) == {"unchanged"}


def test_huge_arguments_are_bounded_and_invent_no_repeat(run, tmp_path):
    # A 1M-item list is not read (the work per call is bounded), and what
    # is not read cannot be called the same: 150 calls with the same big
    # list, or with big lists that differ only at the end, are no repeat.
    proc = run(r'''
import time, timecapsule as tc
def scan(l):
    return l[0]
def scan_tail(l):
    return l[-1]
def text(s):
    return s[:1]
def deep(d):
    return d
big = list(range(1000000))
tc.record(every=10, output="out.tc", watch=["nothing"])
t0 = time.perf_counter()
for i in range(150):
    scan(big)
    big[-1] = i
elapsed = time.perf_counter() - t0
for i in range(150):
    scan_tail(list(range(100)) + [i])
    text("x" * 100000 + str(i))
    deep([[[[[i]]]]])
tc.stop()
print("ELAPSED", elapsed)
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert _repeated(r) == set()
    elapsed = float(proc.stdout.split("ELAPSED")[1])
    assert elapsed < 2.0   # reading 1M items 100 times would take longer


def test_orders_workload_has_no_repeated_call(run, tmp_path):
    # bench/workloads/orders.py: line_total(item) and price_order(order)
    # get a fresh dict from json.loads every call (distinct orders), which
    # reused the previous one's address.
    import pathlib
    workloads = pathlib.Path(__file__).resolve().parents[2] / "bench" / "workloads"
    proc = run(r'''
import sys, timecapsule as tc
sys.path.insert(0, %r)
import orders
tc.record(every=10, output="out.tc", include_files=[orders.__file__])
orders.run(400)
tc.stop()
''' % str(workloads))
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.calls("line_total") > 500 and r.calls("price_order") == 400
    assert _repeated(r) == set()


def test_repeats_after_a_long_run_of_different_arguments(run, tmp_path):
    # After calls that never repeat, fingerprints are taken in windows with
    # gaps between them (tc-recorder-hooks.c): a function that then keeps
    # repeating its arguments is still found, and the gaps invent nothing.
    proc = run(r'''
import timecapsule as tc
def late(x): pass
def never(x): pass
tc.record(every=10, output="out.tc", watch=["nothing"])
for i in range(3000):
    late(i)
    never(i)
for i in range(3000):
    late(-1 if i % 2 else 10**6 + i)
    never(-i)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert _repeated(load(tmp_path / "out.tc")) == {"late"}



def test_secrets_in_collections_are_redacted(run, tmp_path):
    # An OrderedDict up to 3.11 and a list of headers spell their items as
    # ('name', value) pairs: redacted like name=value, in return values and
    # in the locals.
    proc = run(r'''
import collections, timecapsule as tc
def settings():
    return collections.OrderedDict(password="hunter2", user="bob")
def counts():
    return collections.Counter({"api_key": 3})
def queue():
    return collections.deque([{"token": "tq456z"}])
def headers():
    return [("Authorization", "Bearer abc123"), ("Accept", "*/*")]
def main():
    sent = headers()
    settings(); counts(); queue()
    tc.snap("sent")
tc.record(every=10, output="out.tc", embed_source=False)
main()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    shown = {r.qualname(f["code"]): f for f in r.of("return_value")}
    assert shown["settings"]["repr"] in (
        "OrderedDict([('password', <redacted>), ('user', 'bob')])",
        "OrderedDict({'password': <redacted>, 'user': 'bob'})")
    assert shown["counts"]["repr"] == "Counter({'api_key': <redacted>})"
    assert shown["queue"]["repr"] == "deque([{'token': <redacted>}])"
    assert shown["headers"]["repr"] == (
        "[('Authorization', <redacted>), ('Accept', '*/*')]")
    (snap,) = [s for s in r.snapshots if s["evt"] == "SNAP:sent"]
    sent = next(r.locals_of(t)["sent"] for t in snap["threads"]
                if "sent" in r.locals_of(t))
    assert "<redacted>" in sent["repr"] and "abc123" not in json.dumps(sent)
    for secret in ("hunter2", "tq456z", "abc123"):
        assert secret not in json.dumps(r.frames)
