"""The README's Python example (remove_address.py) on the shipped corpus."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("NDR_CORPUS", os.path.join(HERE, "..", "..", "corpus"))


def run(name):
    with open(os.path.join(CORPUS, name), "rb") as f:
        return subprocess.run([sys.executable, os.path.join(HERE, "remove_address.py")], stdin=f,
                              capture_output=True, text=True)


def test_hard_bounce_is_removed():
    p = run("postfix-user-unknown.eml")
    assert p.returncode == 0
    assert p.stdout == "remove bob@dest.example userunknown 5.1.1\n"


def test_not_a_bounce():
    names = [n for n in sorted(os.listdir(CORPUS)) if n.startswith("not-bounce") and n.endswith(".eml")]
    assert names
    assert run(names[0]).returncode == 1
