#!/usr/bin/env python3
"""Replaces one "## <title>" section of a Markdown file (up to the next "## " heading) with
the text on stdin, or appends it when the file has no such section.

  replace_section.py FILE "<title>" < section.md
"""
import re
import sys


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, title = argv[1], argv[2]
    section = sys.stdin.read().rstrip("\n") + "\n"
    if not section.startswith("## " + title):
        section = f"## {title}\n\n{section}"
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    pattern = re.compile(r"^## " + re.escape(title) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
