#!/usr/bin/python3
"""remove_address.py - a list manager's bounce handler, Mailman style: a
bounce on standard input, one line per address it names on standard
output, saying whether to remove the address:

    remove alice@example.org userunknown 5.1.1
    keep bob@example.org mailboxfull 4.2.2 (soft: count it, retry)
    keep - blocked 5.7.1 (our problem, not the address's)

Exit status: 0 when the message was a bounce, 1 when it was not, 2 when
it could not be read.  The README shows it; tests/python/test_examples.py
runs it.
"""
import sys

import gi

gi.require_version("Ndrparse", "0")
from gi.repository import GLib, Ndrparse  # noqa: E402

SENDER_SIDE = {Ndrparse.Reason.BLOCKED, Ndrparse.Reason.BADREPUTATION, Ndrparse.Reason.AUTHFAILURE,
               Ndrparse.Reason.POLICYVIOLATION, Ndrparse.Reason.SPEEDING, Ndrparse.Reason.REQUIREPTR}


def main():
    try:
        report = Ndrparse.parse_bytes(sys.stdin.buffer.read())
    except GLib.Error as e:
        print("remove_address: %s" % e.message, file=sys.stderr)
        return 2
    if report.get_n_records() == 0:
        return 1
    for i in range(report.get_n_records()):
        record = report.get_record(i)
        reason = record.get_reason()
        line = "%s %s %s" % (record.get_recipient() or "-", Ndrparse.reason_get_name(reason),
                             record.get_status() or "-")
        if record.get_hard_bounce() == Ndrparse.Tristate.TRUE:
            print("remove " + line)
        elif reason in SENDER_SIDE:
            print("keep %s (our problem, not the address's)" % line)
        else:
            print("keep %s (soft: count it, retry)" % line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
