"""Translations of the addon: the template (.pot) and one .po per language, kept complete.

    python3 scripts/i18n.py export     # regenerate i18n/outlook_calendar_sync.pot with Odoo 18
                                       # (from a clean copy of the addon), then update
    python3 scripts/i18n.py update     # every .po follows the .pot: new texts added empty,
                                       # texts gone removed, translations kept
    python3 scripts/i18n.py check      # every .po translates every text of the .pot, with the
                                       # same placeholders; the .pot has every text of the code
    python3 scripts/i18n.py missing LANG > todo.json     # texts LANG does not translate yet
    python3 scripts/i18n.py apply done.json              # {msgid: {lang: msgstr}} into the .po

`check` needs nothing but Python: `dev.py test` runs it.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parent.parent
ADDON = "outlook_calendar_sync"
I18N = ROOT / "i18n"
POT = I18N / f"{ADDON}.pot"
# Language file -> (Odoo language code, plural forms)
LANGUAGES = {
    "fr": ("fr_FR", "nplurals=2; plural=n > 1;"),
    "de": ("de_DE", "nplurals=2; plural=(n != 1);"),
    "es": ("es_ES", "nplurals=2; plural=(n != 1);"),
    "it": ("it_IT", "nplurals=2; plural=(n != 1);"),
    "nl": ("nl_NL", "nplurals=2; plural=(n != 1);"),
    "pt_BR": ("pt_BR", "nplurals=2; plural=n > 1;"),
    "ja": ("ja_JP", "nplurals=1; plural=0;"),
    "zh_CN": ("zh_CN", "nplurals=1; plural=0;"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
TAG = re.compile(r"<[^>]+>")
# Where the code's texts are looked for (the .pot must hold them all).
CODE_DIRS = ("models", "controllers", "wizard", "engine", "static/src")


# -- reading and writing .po files ---------------------------------------------------------

class Entry:
    def __init__(self, comments, msgid, msgstr):
        self.comments = comments  # the lines starting with "#", as they are
        self.msgid = msgid
        self.msgstr = msgstr


def _unquote(text):
    body = text.strip()[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def read_po(path):
    """(header entry, [entries]) of a .po or .pot file."""
    entries, comments, key, values = [], [], None, {}

    def close():
        if "msgid" in values:
            entries.append(Entry(list(comments), values["msgid"], values.get("msgstr", "")))
        comments.clear()
        values.clear()

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if values:
                close()
            continue
        if line.startswith("#"):
            if values:
                close()
            comments.append(line)
        elif line.startswith("msgid "):
            if values:
                close()
            key = "msgid"
            values[key] = _unquote(line[6:])
        elif line.startswith("msgstr "):
            key = "msgstr"
            values[key] = _unquote(line[7:])
        elif line.startswith('"') and key:
            values[key] += _unquote(line)
    if values:
        close()
    header = entries.pop(0) if entries and entries[0].msgid == "" else Entry([], "", "")
    return header, entries


def _quote(text):
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\t", "\\t").replace("\r", "\\r")) + '"'


def _field(name, text, width=78):
    """A msgid or msgstr, wrapped as Odoo writes them."""
    single = f"{name} {_quote(text)}"
    if len(single) <= width and "\n" not in text[:-1]:
        return [single]
    lines = [f'{name} ""']
    # cut after spaces and newlines, keeping each quoted line within the width
    pieces = re.findall(r"[^ \n]*(?: +|\n|$)", text)
    current = ""
    for piece in pieces:
        if not piece:
            continue
        if current and len(_quote(current + piece)) > width - 1:
            lines.append(_quote(current))
            current = ""
        current += piece
        if piece.endswith("\n"):
            lines.append(_quote(current))
            current = ""
    if current:
        lines.append(_quote(current))
    return lines


def write_po(path, header, entries):
    out = list(header.comments)
    out += _field("msgid", "") + ['msgstr ""']
    out += [_quote(line + "\n") for line in header.msgstr.split("\n") if line]
    for entry in entries:
        out.append("")
        out += entry.comments
        out += _field("msgid", entry.msgid)
        out += _field("msgstr", entry.msgstr)
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")


def po_header(pot_header, lang_file):
    code, plurals = LANGUAGES[lang_file]
    fields = dict(line.split(": ", 1) for line in pot_header.msgstr.split("\n")
                  if ": " in line)
    fields.update({"Language": code, "Plural-Forms": plurals,
                   "Content-Transfer-Encoding": "8bit"})
    comments = [line for line in pot_header.comments]
    return Entry(comments, "", "\n".join(f"{key}: {value}" for key, value in fields.items()))


# -- update, check ------------------------------------------------------------------------

def update():
    """Every .po follows the .pot: translations kept, new texts empty, old texts gone."""
    pot_header, pot_entries = read_po(POT)
    for lang_file in LANGUAGES:
        path = I18N / f"{lang_file}.po"
        known = {}
        if path.exists():
            _header, entries = read_po(path)
            known = {entry.msgid: entry.msgstr for entry in entries}
        merged = [Entry(entry.comments, entry.msgid, known.get(entry.msgid, ""))
                  for entry in pot_entries]
        write_po(path, po_header(pot_header, lang_file), merged)
    print(f"{len(LANGUAGES)} translation files follow {POT.name} "
          f"({len(pot_entries)} texts)")


def code_texts():
    """The translatable texts of the code: _(), _lt(), env._() in Python, _t() in JS."""
    texts = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else (
                    func.attr if isinstance(func, ast.Attribute) else None)
                first = node.args[0]
                if name in ("_", "_lt") and isinstance(first, ast.Constant) \
                        and isinstance(first.value, str):
                    texts.add(first.value)
        for path in (ROOT / folder).rglob("*.js"):
            source = path.read_text(encoding="utf-8")
            for match in re.finditer(r'\b_t\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]', source):
                texts.add(json.loads(f'"{match[1]}"'))
    return texts


def check():
    """Problems that make the translations incomplete; an empty list when all is well."""
    problems = []
    _header, pot_entries = read_po(POT)
    pot_ids = {entry.msgid for entry in pot_entries}
    for text in sorted(code_texts() - pot_ids):
        problems.append(f"{POT.name} lacks a text of the code (run scripts/i18n.py export): "
                        f"{text!r}")
    for lang_file in LANGUAGES:
        path = I18N / f"{lang_file}.po"
        if not path.exists():
            problems.append(f"{path.name} is missing")
            continue
        _h, entries = read_po(path)
        translated = {entry.msgid: entry.msgstr for entry in entries}
        for msgid in sorted(pot_ids):
            msgstr = translated.get(msgid, "")
            if not msgstr:
                problems.append(f"{path.name} does not translate {msgid!r}")
            elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)) \
                    or msgid.count("%s") != msgstr.count("%s"):
                problems.append(f"{path.name} changes the placeholders of {msgid!r}")
            elif sorted(TAG.findall(msgid)) != sorted(TAG.findall(msgstr)):
                problems.append(f"{path.name} changes the markup of {msgid!r}")
    return problems


def missing(lang_file):
    _h, pot_entries = read_po(POT)
    path = I18N / f"{lang_file}.po"
    translated = {}
    if path.exists():
        translated = {e.msgid: e.msgstr for e in read_po(path)[1]}
    return [e.msgid for e in pot_entries if not translated.get(e.msgid)]


def apply(done):
    """{msgid: {lang_file: msgstr}} into the .po files (which follow the .pot first)."""
    update()
    for lang_file in LANGUAGES:
        path = I18N / f"{lang_file}.po"
        header, entries = read_po(path)
        for entry in entries:
            msgstr = done.get(entry.msgid, {}).get(lang_file)
            if msgstr:
                entry.msgstr = msgstr
        write_po(path, header, entries)


# -- export with Odoo -----------------------------------------------------------------------

def export():
    """The .pot as Odoo exports it, from a clean copy of the addon (the checkout also holds
    the virtualenv and Odoo's run-time files, which the export would walk through)."""
    import os

    venv_python = ROOT / ".venv" / "bin" / "python"
    if Path(sys.prefix).resolve() != venv_python.parent.parent.resolve() \
            and venv_python.exists():
        os.execv(venv_python, [str(venv_python), *sys.argv])  # Odoo runs in the virtualenv
    import local_postgres
    from odoo_runtime import find_odoo, odoo_command

    source, reason = find_odoo()
    if not source:
        sys.exit(f"Odoo 18 not found ({reason}).")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp, "addons", ADDON)
        for name in filter(None, listed):
            if (ROOT / name).is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, copy / name)
        conf = Path(tmp, "odoo.conf")
        paths = [source / "addons", source / "odoo" / "addons", copy.parent]
        conf.write_text("\n".join([
            "[options]",
            "addons_path = " + ",".join(str(p) for p in paths if p.is_dir()),
            f"data_dir = {Path(tmp, 'data')}",
            f"db_host = {local_postgres.HOST}",
            f"db_port = {local_postgres.PORT}",
            f"db_user = {local_postgres.ROLE}",
            "db_password = False",
            "without_demo = all",
            "max_cron_threads = 0",
        ]) + "\n", encoding="utf-8")
        local_postgres.start()
        db_name = f"ocs_i18n_{uuid.uuid4().hex[:8]}"
        out = Path(tmp, f"{ADDON}.pot")
        try:
            for args in (["-i", ADDON], [f"--i18n-export={out}", f"--modules={ADDON}"]):
                cmd, env = odoo_command(source, conf, "-d", db_name, "--stop-after-init",
                                        "--no-http", *args)
                subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        finally:
            local_postgres.drop_database(db_name)
        shutil.copy2(out, POT)
    print(f"{POT.relative_to(ROOT)} exported")
    update()


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "export":
        export()
    elif command == "update":
        update()
    elif command == "check":
        problems = check()
        for problem in problems[:40]:
            print(problem)
        if len(problems) > 40:
            print(f"... and {len(problems) - 40} more")
        print("Translations complete." if not problems
              else f"Translations incomplete: {len(problems)} problem(s).")
        return 1 if problems else 0
    elif command == "missing" and len(sys.argv) == 3:
        json.dump(missing(sys.argv[2]), sys.stdout, ensure_ascii=False, indent=1)
    elif command == "apply" and len(sys.argv) == 3:
        apply(json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
