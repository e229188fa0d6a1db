# SPDX-License-Identifier: MIT
"""Record-time redaction rules (timecapsule._capture): which names look like
secrets, what a value with secrets inside becomes, and that the program's
own objects are never changed.  End-to-end checks on real recordings are in
tests/reliability/python/test_recorder_features.py."""

import pytest

from timecapsule import _capture as cap


@pytest.fixture(autouse=True)
def default_rules():
    cap.set_redaction(True)
    yield
    cap.set_redaction(True)


@pytest.mark.parametrize("name", [
    "password", "PASSWORD", "db_password", "mypassword", "user_passwd",
    "passphrase", "client_secret", "SECRET_KEY", "api_key", "apiKey", "API-KEY",
    "apikey", "private_key", "aws_access_key_id", "session_id", "sessionid",
    "HTTP_AUTHORIZATION", "cookie", "set_cookies", "csrf_token", "credentials",
    "token", "auth_token", "authToken", "access_token", "x_auth", "pwd", "db_pwd",
    "jwt", "bearer", "otp",
])
def test_secret_names(name):
    assert cap.is_secret_name(name)


@pytest.mark.parametrize("name", [
    "author", "authors", "tokens", "tokenizer", "n_tokens", "cwd", "pin", "spin",
    "pinned", "user", "visible", "keyboard", "key", "session", "value", "pass_count",
])
def test_ordinary_names(name):
    assert not cap.is_secret_name(name)


def test_dicts_inside_values_are_copied_not_changed():
    cfg = {"user": "bob", "secret": "s1", "nested": {"cookie": "c1"},
           "items": [{"token": "t1"}, 3], "n": 1}
    shown = cap.redact("cfg", cfg)
    assert shown == {"user": "bob", "secret": cap.REDACTED,
                     "nested": {"cookie": cap.REDACTED},
                     "items": [{"token": cap.REDACTED}, 3], "n": 1}
    # The program's dict is untouched.
    assert cfg["secret"] == "s1" and cfg["nested"]["cookie"] == "c1"
    assert cfg["items"][0]["token"] == "t1"
    plain = {"a": [1, 2], "b": {"c": 3}}
    assert cap.redact("plain", plain) is plain   # nothing to hide: no copy


def test_secret_name_hides_the_whole_value():
    assert cap.redact("password", "hunter2") == cap.REDACTED
    assert cap.redact("api_key", {"anything": 1}) == cap.REDACTED


def test_pairs_in_reprs():
    class Config:
        def __repr__(self):
            return "Config(user='bob', password='hunter2', url='https://x/?token=abc&page=2')"
    text, _ = cap.smart_repr(Config())
    assert "hunter2" not in text and "abc" not in text
    assert "user='bob'" in text and "page=2" in text
    assert "password=<redacted>" in text
    text, _ = cap.smart_repr({"author": "ann", "auth": "zz9"})
    assert "'ann'" in text and "zz9" not in text


def test_a_value_that_cannot_be_inspected_is_hidden():
    class Hostile(dict):
        def items(self):
            raise RuntimeError("no")
    assert cap.redact("data", Hostile(a=1)) == cap.REDACTED


def test_extra_names_and_patterns():
    cap.set_redaction(["ssn", "*_pin2"])
    assert cap.is_secret_name("user_ssn")
    assert cap.is_secret_name("card_pin2")
    assert cap.is_secret_name("password")          # the defaults stay
    assert not cap.is_secret_name("visible")


def test_off():
    cap.set_redaction(False)
    assert not cap.is_secret_name("password")
    value = {"password": "x"}
    assert cap.redact("password", value) is value
    assert "x" in cap.smart_repr(value)[0]


def test_text_redaction_is_reported_and_keeps_the_closing_quote():
    text, cut, redacted = cap.smart_repr_checked("host=db password=swordfish")
    assert text == "'host=db password=<redacted>'" and redacted and not cut
    assert cap.smart_repr_checked("host=db")[2] is False
    # A cut repr (no closing quote) is still redacted.
    assert cap.redact_text("password='hunter2\u2026") == "password=<redacted>"


@pytest.mark.parametrize("text, shown", [
    # A container or an object under a secret name is hidden whole ...
    ("Foo(token=[1, 2], n=3)", "Foo(token=<redacted>, n=3)"),
    ("Creds(user='bob', password=('x', 'y'))",
     "Creds(user='bob', password=<redacted>)"),
    ("{'api_key': Key(value='k'), 'n': 2}", "{'api_key': <redacted>, 'n': 2}"),
    ("X(secret=[')', \"a]'\", 'b\\']'], ok=1)", "X(secret=<redacted>, ok=1)"),
    ("Y(token=[1, [2, 3\u2026", "Y(token=<redacted>"),   # cut before it closes
    # ... and one under another name is looked into.
    ("defaultdict(<class 'list'>, {'token': ['t-1'], 'a': [1]})",
     "defaultdict(<class 'list'>, {'token': <redacted>, 'a': [1]})"),
    ("Result(cfg={'password': {'k': 1}}, loss=0.5)",
     "Result(cfg={'password': <redacted>}, loss=0.5)"),
    ("Foo(user=Name('bob'), keys=['a'])", "Foo(user=Name('bob'), keys=['a'])"),
    # ('name', value) pairs: an OrderedDict up to 3.11, a list of headers;
    # a longer tuple of names is not a pair.
    ("OrderedDict([('password', 'hunter2'), ('user', 'bob')])",
     "OrderedDict([('password', <redacted>), ('user', 'bob')])"),
    ("[(\"Authorization\", 'Bearer x'), ('Accept', '*/*')]",
     "[(\"Authorization\", <redacted>), ('Accept', '*/*')]"),
    ("[('token', ('a', 'b')), ('n', 1)]", "[('token', <redacted>), ('n', 1)]"),
    ("('password', 'email', 'name')", "('password', 'email', 'name')"),
    ("[('api_key', 'k-1\u2026", "[('api_key', <redacted>"),
])
def test_bracketed_values_in_reprs(text, shown):
    # A repr the recorder cannot look into (an object's own, a namedtuple's
    # or defaultdict's written by the return-value hook) is redacted as text.
    assert cap.redact_text(text) == shown
