#!/usr/bin/env python3
"""check_editors.py - the editor support for .scn files knows the language.

Usage: check_editors.py LINGERLAB SOURCE_DIR

Every keyword the parser knows (`lingerlab check --keywords`, read from its
own tables) must be coloured as a keyword by both the Vim syntax
(docs/editors/vim) and the TextMate grammar (docs/editors/vscode), and
durations, sizes, OS prefixes, strings, comments and ${param} each get
their own colour. A keyword added to the language and forgotten in either
grammar fails here, naming it.

The Vim syntax is checked by Vim itself (synID() on a file of sample
lines). For the TextMate grammar there is no engine in Debian, so this
tokenises the way editors do: at each position the leftmost match of the
rules wins, ties to the first rule; begin/end rules open a region with its
own rules. The grammar keeps to regular expressions that Oniguruma and
Python read alike; one Python cannot compile fails here too.

Exit 0: both checked and right; 1: something is missing (listed); 77: vim
is not installed, so only the TextMate grammar was checked (said so).
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# What a keyword of each class must be coloured as.
VIM_KEYWORD_GROUPS = {"scnHeader", "scnStatement", "scnExpect", "scnWord",
                      "scnOption", "scnProbe", "scnState", "scnWire"}
TM_KEYWORD_SCOPES = ("keyword.", "storage.", "support.", "constant.language.")

# Sample lines: (class, line, the part to look at, Vim group, TextMate scope prefix)
FIXED = [
    ("duration", "wait 250ms", "250ms", {"scnDuration"}, "constant.numeric.duration"),
    ("duration", "    expect blocks about 1.5s", "1.5s", {"scnDuration"},
     "constant.numeric.duration"),
    ("size", "send c 64KiB", "64KiB", {"scnSize"}, "constant.numeric.size"),
    ("size", "set c sndbuf 1500B", "1500B", {"scnSize"}, "constant.numeric.size"),
    ("param", "set c ${mode}", "${mode}", {"scnParam"}, "variable.other.param"),
    ("param in a string", 'scenario "linger ${secs} s"', "${secs}", {"scnParam"},
     "variable.other.param"),
    ("string", 'scenario "a # is text here"', "a # is text here", {"scnString"},
     "string.quoted"),
    ("comment", "close c  # the close under test", "# the close under test",
     {"scnComment"}, "comment.line"),
    ("os prefixes", "    expect linux,freebsd: fails EWOULDBLOCK", "linux,freebsd:",
     {"scnOs"}, "support.type.os"),
    ("errno", "    expect windows: fails WSAEWOULDBLOCK", "WSAEWOULDBLOCK",
     {"scnErrno"}, "constant.language.errno"),
]


def keyword_line(cls, word):
    """A line in which word is used as a keyword of its class."""
    if cls == "statement":
        return word + " c"
    if cls == "os":
        return "    expect " + word + ": returns 0", word + ":"
    if cls == "wire":
        return "expect wire client sends " + word + " within 1s"
    return "expect " + word + " x"


def samples(keywords):
    out = []
    for cls, word in keywords:
        line = keyword_line(cls, word)
        part = word
        if isinstance(line, tuple):
            line, part = line
        vim = {"scnOs"} if cls == "os" else VIM_KEYWORD_GROUPS
        tm = "support.type.os" if cls == "os" else TM_KEYWORD_SCOPES
        out.append((cls + " " + word, line, part, vim, tm))
    return out + FIXED


# ---- TextMate ----

class Grammar:
    def __init__(self, path):
        self.g = json.loads(Path(path).read_text())
        self.repo = self.g.get("repository", {})

    def rules(self, patterns):
        """The rules of a pattern list, includes resolved, in order."""
        for p in patterns:
            if "include" in p:
                yield from self.rules([self.repo[p["include"].lstrip("#")]])
            elif "patterns" in p and "match" not in p and "begin" not in p:
                yield from self.rules(p["patterns"])
            else:
                yield p

    def compile_all(self, errors):
        for p in self.rules(self.g["patterns"]):
            for key in ("match", "begin", "end"):
                if key in p:
                    try:
                        re.compile(p[key])
                    except re.error as e:
                        errors.append("TextMate: %r does not compile: %s" % (p[key], e))
            for q in self.rules(p.get("patterns", [])):
                if "match" in q:
                    re.compile(q["match"])

    def tokens(self, line):
        """[(start, end, scope)] of the line, outermost scope first."""
        toks, pos = [], 0
        top = list(self.rules(self.g["patterns"]))
        while pos < len(line):
            best = None
            for rule in top:
                m = re.compile(rule.get("match") or rule["begin"]).search(line, pos)
                if m and (best is None or m.start() < best[1].start()):
                    best = (rule, m)
            if best is None or best[1].end() == best[1].start():
                break
            rule, m = best
            if "match" in rule:
                toks.append((m.start(), m.end(), rule.get("name", "")))
                pos = m.end()
                continue
            # a region: its own rules inside, until its end
            start, inner = m.start(), m.end()
            inside = list(self.rules(rule.get("patterns", [])))
            end_re = re.compile(rule["end"])
            while True:
                e = end_re.search(line, inner)
                first = None
                for r in inside:
                    mm = re.compile(r["match"]).search(line, inner)
                    if mm and (first is None or mm.start() < first[1].start()):
                        first = (r, mm)
                if first and (e is None or first[1].start() < e.start()):
                    toks.append((first[1].start(), first[1].end(),
                                 rule.get("name", "") + " " + first[0].get("name", "")))
                    inner = first[1].end()
                    continue
                stop = e.end() if e else len(line)
                toks.append((start, stop, rule.get("name", "")))
                pos = stop
                break
        return toks


def tm_scope(tokens, start, end):
    """The innermost scope covering exactly [start, end), or None."""
    best = None
    for s, e, scope in tokens:
        if s <= start and end <= e:
            if best is None or (e - s) < (best[1] - best[0]):
                best = (s, e, scope)
    if best is None:
        return None
    return best[2].split()[-1] if best[2] else ""


def check_textmate(grammar_path, cases, errors):
    g = Grammar(grammar_path)
    g.compile_all(errors)
    for label, line, part, _, want in cases:
        start = line.index(part)
        scope = tm_scope(g.tokens(line), start, start + len(part))
        wants = want if isinstance(want, tuple) else (want,)
        if scope is None or not scope.startswith(wants):
            errors.append("TextMate: %s: %r in %r is %s, not %s" % (
                label, part, line, scope or "not coloured", " or ".join(wants)))


# ---- Vim ----

VIM_SCRIPT = """set nocompatible
let &rtp = '%(rtp)s,' . &rtp
filetype on
syntax on
edit %(file)s
let out = []
for spec in readfile('%(specs)s')
  let [l, c, n] = split(spec)
  let names = {}
  for i in range(str2nr(c) + 1, str2nr(c) + str2nr(n))
    let names[synIDattr(synID(str2nr(l), i, 1), 'name')] = 1
  endfor
  call add(out, &filetype . ' ' . join(sort(keys(names)), ','))
endfor
call writefile(out, '%(out)s')
qa!
"""


def check_vim(vim_dir, cases, errors):
    with tempfile.TemporaryDirectory(prefix="lingerlab-vim.") as d:
        d = Path(d)
        (d / "sample.scn").write_text("".join(c[1] + "\n" for c in cases))
        (d / "specs").write_text("".join(
            "%d %d %d\n" % (i + 1, c[1].index(c[2]), len(c[2])) for i, c in enumerate(cases)))
        (d / "check.vim").write_text(VIM_SCRIPT % {
            "rtp": vim_dir, "file": d / "sample.scn", "specs": d / "specs",
            "out": d / "out"})
        subprocess.run(["vim", "-Nu", "NONE", "-i", "NONE", "-es", "-S", str(d / "check.vim")],
                       stdin=subprocess.DEVNULL, timeout=60, check=False)
        if not (d / "out").exists():
            errors.append("Vim: no answer from vim (is it vim-tiny, without syntax?)")
            return
        got = (d / "out").read_text().splitlines()
    for (label, line, part, want, _), answer in zip(cases, got):
        ft, _, groups = answer.partition(" ")
        if ft != "scn":
            errors.append("Vim: a .scn file gets filetype %r, not scn (ftdetect)" % ft)
            return
        names = set(groups.split(",")) if groups else set()
        if len(names) != 1 or not names <= want:
            errors.append("Vim: %s: %r in %r is %s, not %s" % (
                label, part, line, "+".join(sorted(names)) or "not coloured",
                " or ".join(sorted(want))))


def main():
    lingerlab, src = sys.argv[1], Path(sys.argv[2])
    out = subprocess.run([lingerlab, "check", "--keywords"], capture_output=True, text=True,
                         check=True).stdout
    keywords = [tuple(l.split(" ", 1)) for l in out.splitlines() if l]
    if len(keywords) < 20:
        print("FAIL: lingerlab check --keywords gave only %d keywords" % len(keywords))
        return 1
    cases = samples(keywords)
    errors = []
    check_textmate(src / "docs/editors/vscode/syntaxes/scn.tmLanguage.json", cases, errors)
    have_vim = shutil.which("vim") is not None
    if have_vim:
        check_vim(src / "docs/editors/vim", cases, errors)
    for e in errors:
        print("FAIL: " + e)
    if errors:
        print("%d problem(s); the keywords come from `lingerlab check --keywords`" % len(errors))
        return 1
    print("ok: %d keywords and %d other samples coloured by the TextMate grammar%s" % (
        len(keywords), len(FIXED), " and the Vim syntax" if have_vim else ""))
    if not have_vim:
        print("SKIP: vim is not installed (Debian: vim): the Vim syntax was not checked")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
