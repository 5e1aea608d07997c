"""The suppression store through GObject Introspection, as a Python list
manager keeps one: open it, add the bounces, ask before sending.

Run by ctest (`python`), SQLite in a temporary directory (the PostgreSQL
backend is the same API; tests/test-store.c runs it on both).
"""
import os

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Ndrparse", "0")
from gi.repository import GLib, Ndrparse  # noqa: E402

import pytest  # noqa: E402

CORPUS = os.environ.get("NDR_CORPUS", os.path.join(os.path.dirname(__file__), "..", "..", "corpus"))


def parse(name):
    return Ndrparse.parse_file(os.path.join(CORPUS, name))


def test_add_check_and_list(tmp_path):
    store = Ndrparse.Store.open("sqlite:%s" % (tmp_path / "store.sqlite"))
    assert store.get_backend() == "sqlite"
    report = parse("postfix-user-unknown.eml")
    assert store.add_report(report, "postfix-user-unknown.eml", -1)
    gone = report.get_record(0).get_recipient()
    status = store.check(gone.upper())
    assert not status.may_send()
    assert status.get_state() == Ndrparse.AddressState.SUPPRESSED
    assert status.get_cause() == Ndrparse.Cause.HARD
    assert status.get_reason() == Ndrparse.Reason.USERUNKNOWN
    assert store.check("someone@example.org").may_send()
    # the same bounce again is one event
    assert store.add_report(report, "again", -1)
    assert store.get_n_new_events() == 1

    seen = []
    store.foreach_address(Ndrparse.AddressState.SUPPRESSED, lambda s: seen.append(s.get_address()) or True)
    assert seen == [gone.lower()]

    counts = {}

    def count(key, klass, n):
        counts[(key, Ndrparse.event_class_get_name(klass))] = n
        return True

    store.foreach_stat(Ndrparse.StatsKey.REASON, 0, 0, count)
    assert counts == {("userunknown", "hard"): 1}


def test_policy_and_errors(tmp_path):
    store = Ndrparse.Store.open(str(tmp_path / "plain-path.sqlite"))
    assert store.get_policy("soft-threshold") == "5.0"
    store.set_policy("soft-action", "review")
    assert store.get_policy("soft-action") == "review"
    with pytest.raises(GLib.Error) as e:
        store.set_policy("soft-action", "sometimes")
    assert e.value.matches(Ndrparse.store_error_quark(), Ndrparse.StoreError.INVALID_POLICY)
    with pytest.raises(GLib.Error) as e:
        Ndrparse.Store.open("mysql://localhost/x")
    assert e.value.code == Ndrparse.StoreError.INVALID_URI
    assert list(Ndrparse.store_policy_get_keys()) == [
        "soft-weight", "soft-threshold", "soft-action", "decay-days", "sender-side-reasons"]
