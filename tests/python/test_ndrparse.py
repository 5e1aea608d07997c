"""The library through GObject Introspection, as a Python list manager
uses it: `from gi.repository import Ndrparse`.

Run by ctest (`python`) with GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing
at the build's lib/, NDR_CORPUS at corpus/.  Needs Debian's python3-gi and
python3-pytest.
"""
import gc
import glob
import json
import os

import gi

gi.require_version("GLib", "2.0")
gi.require_version("GMime", "3.0")
gi.require_version("Ndrparse", "0")
from gi.repository import GLib, GMime, Ndrparse  # noqa: E402

import pytest  # noqa: E402

CORPUS = os.environ.get("NDR_CORPUS", os.path.join(os.path.dirname(__file__), "..", "..", "corpus"))
BOUNCE = os.path.join(CORPUS, "postfix-user-unknown.eml")


def read(path):
    with open(path, "rb") as f:
        return f.read()


# ---- every field, on every message of the corpus ----

def record_as_dict(report, record):
    """The record as the tool prints it (its expected.json keys)."""
    status_class = record.get_status_class()
    reply = record.get_reply_code()
    hard = record.get_hard_bounce()
    return {
        "decoded_by": record.get_decoded_by(),
        "recipient": record.get_recipient(),
        "original_recipient": record.get_original_recipient(),
        "destination": record.get_destination(),
        "sender": report.get_sender(),
        "action": record.get_action(),
        "status": record.get_status(),
        "reply_code": str(reply) if reply else None,
        "status_class": {
            Ndrparse.StatusClass.SUCCESS: "success",
            Ndrparse.StatusClass.TRANSIENT: "transient",
            Ndrparse.StatusClass.PERMANENT: "permanent",
        }.get(status_class),
        "status_text": record.get_status_text(),
        "reply_text": record.get_reply_text(),
        "diagnostic_type": record.get_diagnostic_type(),
        "diagnostic_code": record.get_diagnostic_code(),
        "smtp_command": record.get_smtp_command(),
        "reporting_mta": record.get_reporting_mta(),
        "remote_mta": record.get_remote_mta(),
        "timestamp": record.get_timestamp(),
        "reason": Ndrparse.reason_get_name(record.get_reason()),
        "feedback_type": record.get_feedback_type(),
        "source_ip": record.get_source_ip(),
        "hard_bounce": None if hard == Ndrparse.Tristate.UNSET else hard == Ndrparse.Tristate.TRUE,
        "advice": record.get_advice(),
        "message_id": report.get_message_id(),
        "subject": report.get_subject(),
        "list_id": report.get_list_id(),
        "from": report.get_from(),
    }


CASES = sorted(glob.glob(os.path.join(CORPUS, "*.eml")))


@pytest.mark.parametrize("path", CASES, ids=[os.path.basename(p) for p in CASES])
def test_corpus_records(path):
    """Each message's records, field by field, as its expected.json says."""
    expected_path = path[: -len(".eml")] + ".expected.json"
    expected = json.loads(read(expected_path))
    report = Ndrparse.parse_file(path)
    got = [record_as_dict(report, report.get_record(i)) for i in range(report.get_n_records())]
    assert len(got) == len(expected)
    for want, have in zip(expected, got):
        for key, value in want.items():
            if key in have:
                assert have[key] == value, (key, have[key], value)


# ---- the ways in ----

def test_parse_file_bytes_message_agree():
    data = read(BOUNCE)
    from_file = Ndrparse.parse_file(BOUNCE)
    from_bytes = Ndrparse.parse_bytes(data)
    GMime.init()
    stream = GMime.StreamMem.new_with_buffer(data)
    message = GMime.Parser.new_with_stream(stream).construct_message(None)
    from_message = Ndrparse.parse_message(message)
    for report in (from_file, from_bytes, from_message):
        assert report.get_n_records() == 1
        record = report.get_record(0)
        assert record.get_recipient() == "bob@dest.example"
        assert record.get_reason() == Ndrparse.Reason.USERUNKNOWN
        assert record.get_hard_bounce() == Ndrparse.Tristate.TRUE
        assert record.get_status() == "5.1.1"
        assert report.get_reporting_mta() == "mx.sender.example"


def test_not_a_bounce_has_no_records():
    report = Ndrparse.parse_bytes(b"From: a@example.org\nTo: b@example.org\nSubject: hi\n\nHello.\n")
    assert report.get_n_records() == 0
    assert report.get_record(0) is None


def test_errors_are_glib_errors():
    with pytest.raises(GLib.Error) as e:
        Ndrparse.parse_file("/nonexistent/bounce.eml")
    assert e.value.domain == "g-file-error-quark"
    with pytest.raises(GLib.Error) as e:
        Ndrparse.parse_bytes(b"")
    assert e.value.domain == "ndrparse-error-quark"
    assert e.value.code == Ndrparse.Error.NOT_EMAIL


# ---- lifetimes: a record outlives the report it came from ----

def test_record_outlives_report():
    report = Ndrparse.parse_file(BOUNCE)
    record = report.get_record(0)
    evidence = record.get_evidence(0)
    del report
    gc.collect()
    assert record.get_recipient() == "bob@dest.example"
    assert evidence.get_step()


# ---- evidence ----

def test_evidence_names_the_deciding_rule():
    record = Ndrparse.parse_file(BOUNCE).get_record(0)
    items = [record.get_evidence(i) for i in range(record.get_n_evidence())]
    assert items
    decisive = [e for e in items if e.is_decisive()]
    assert decisive
    assert any(e.get_conclusion() == "reason:userunknown" for e in decisive)
    steps = [Ndrparse.evidence_get_step_name(i) for i in range(Ndrparse.evidence_get_n_steps())]
    assert "phrase" in steps and "status" in steps


# ---- a bare SMTP reply ----

def test_classify_reply():
    c = Ndrparse.classify_reply("550 5.1.1 <a@example.org>: Recipient address rejected: User unknown",
                                "RCPT", "mx.example.org")
    assert c.get_reason() == Ndrparse.Reason.USERUNKNOWN
    assert c.get_hard_bounce() == Ndrparse.Tristate.TRUE
    assert c.get_status() == "5.1.1"
    assert c.get_reply_code() == 550
    assert c.get_status_class() == Ndrparse.StatusClass.PERMANENT
    assert c.get_smtp_command() == "RCPT"
    assert c.get_advice().startswith("Remove the address")
    no_status = Ndrparse.classify_reply("421 Try again later", None, None)
    assert no_status.get_status() is None
    with pytest.raises(GLib.Error):
        Ndrparse.classify_reply("", None, None)


# ---- user rules ----

SITE_RULES = ('site.stuffed in=diagnostic phrase="box is stuffed" then=reason:mailboxfull '
              'source="our MX\'s words"\n')


def test_user_rules():
    rules = Ndrparse.Rules.new()
    shipped = rules.get_n_rules()
    assert rules.add_data("site.rules", SITE_RULES, -1)
    assert rules.get_n_rules() == shipped + 1
    assert Ndrparse.classify_reply("550 box is stuffed", None, None).get_reason() != Ndrparse.Reason.MAILBOXFULL
    c = Ndrparse.classify_reply_with_rules(rules, "550 box is stuffed", None, None)
    assert c.get_reason() == Ndrparse.Reason.MAILBOXFULL
    assert rules.lint() == []
    seen = []
    rules.foreach(lambda rid, field, conclusion, name, if_provider, if_reporter, source, *data:
                  seen.append(rid) if rid.startswith("site.") else None, None)
    assert seen == ["site.stuffed"]


def test_bad_rule_file_error():
    rules = Ndrparse.Rules.new()
    with pytest.raises(GLib.Error) as e:
        rules.add_data("site.rules", "site.b in=diagnostic phrase=x then=reason:nonsense source=s\n", -1)
    assert e.value.code == Ndrparse.Error.BAD_RULES
    assert e.value.message == "site.rules:1: rule site.b: unknown reason 'nonsense'"


# ---- VERP ----

def test_verp_returns_a_new_report():
    text = (b"From: MAILER-DAEMON@mx.example.org\n"
            b"Delivered-To: bounces+dave=dest.example@lists.example.org\n"
            b"Subject: Undelivered Mail\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
            b"--b\nContent-Type: text/plain\n\nDelivery failed.\n"
            b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
            b"Action: failed\nStatus: 5.1.1\n\n--b--\n")
    report = Ndrparse.parse_bytes(text)
    applied = report.apply_verp("bounces+%l=%d@lists.example.org")
    assert report.get_n_records() == 0
    assert applied.get_n_records() == 1
    assert applied.get_record(0).get_recipient() == "dave@dest.example"
    assert applied.get_record(0).get_verp() == Ndrparse.Verp.RECOVERED
    assert Ndrparse.verp_decode("bounces+%l=%d@lists.example.org",
                                "bounces+eve=dest.example@lists.example.org") == "eve@dest.example"


# ---- the code table, reasons, versions ----

def test_code_table_and_reasons():
    ok, info = Ndrparse.status_lookup("5.2.2")
    assert ok and info.status_class == Ndrparse.StatusClass.PERMANENT and info.text
    ok, info = Ndrparse.reply_code_lookup(421)
    assert ok and info.status_class == Ndrparse.StatusClass.TRANSIENT
    ok, reason = Ndrparse.reason_from_name("MailboxFull")
    assert ok and reason == Ndrparse.Reason.MAILBOXFULL
    assert Ndrparse.reason_get_description(reason)
    assert Ndrparse.truncation_get_name(Ndrparse.Truncation.SIZE) == "size"


def test_version():
    assert Ndrparse.check_version(Ndrparse.MAJOR_VERSION, Ndrparse.MINOR_VERSION, Ndrparse.MICRO_VERSION)
    assert not Ndrparse.check_version(Ndrparse.MAJOR_VERSION + 1, 0, 0)
    assert Ndrparse.VERSION_STRING == "%d.%d.%d" % (
        Ndrparse.get_major_version(), Ndrparse.get_minor_version(), Ndrparse.get_micro_version())


# ---- a record as JSON: the library's and the tool's, byte for byte ----

TOOL = os.environ.get("NDRPARSE_TOOL")


@pytest.mark.skipif(not TOOL, reason="NDRPARSE_TOOL not set")
@pytest.mark.parametrize("explain", [False, True])
def test_record_json_is_the_tools_line(explain):
    import subprocess
    args = [TOOL, "--format=jsonl", "--include-vacation"] + (["--explain"] if explain else []) + CASES
    tool_lines = subprocess.run(args, capture_output=True, text=True).stdout.splitlines()
    lines = []
    for path in CASES:
        report = Ndrparse.parse_file(path)
        for i in range(report.get_n_records()):
            lines.append(report.get_record(i).to_json(path, -1, explain))
    assert lines == tool_lines
    for line in lines:
        json.loads(line)


@pytest.mark.skipif(not TOOL, reason="NDRPARSE_TOOL not set")
def test_tool_columns_are_the_json_keys():
    """The tool lays out text and CSV from its own key list
    (tools/record-print.c); the library writes JSON from its own
    (lib/ndr-record-json.c).  Both must name the same keys in the same
    order, the documented format."""
    import csv
    import io
    import subprocess
    out = subprocess.run([TOOL, "--format=csv", BOUNCE], capture_output=True, text=True).stdout
    header = next(csv.reader(io.StringIO(out)))
    record = Ndrparse.parse_file(BOUNCE).get_record(0)
    assert header == list(json.loads(record.to_json(BOUNCE, -1, False)).keys())
