#!/usr/bin/env python3
"""Apply the naming rule of docs/naming.md to a working tree: one re-runnable rename.

Usage (from the repository root, with a clean or committed tree):

    python tools/rename_naming.py            # rename files and identifiers in place
    python tools/rename_naming.py --dry-run  # only list what would change
    python tools/rename_naming.py --check    # exit 1 if an old name is still left (CI, after a merge)

and afterwards `ruff check --fix . && ruff format .` (a rename can unsort an import or lengthen a line),
`manage.py makemigrations --check --dry-run` and the tests.

What it does, in this order:

1. Moves files and packages (`git mv` in a git checkout) from their old path to the new one
   (`vragen/reports/` → `vragen/rapporten/`, `aanbod/services/freshness.py` → `…/nagekeken.py`, …). A
   package is moved file by file, so files another branch added to the old package follow it. A file whose
   new path already exists is left where it is and reported: merge the two by hand.
2. Rewrites identifiers in every text file git knows (tracked, or untracked and not ignored) with
   word-boundary regexes: Python, templates, tests, docs, bench, JS, shell, `.env.example`.

It leaves alone: migrations (their content is history; the renames are in migrations of their own), the
translation catalogues (`.po`/`.mo`: msgids never change, and the `#:` locations are refreshed by the next
`makemessages` of the lead), `.venv`, `node_modules`, and third-party reference files under
`tests/uitwisseling/official/`. English UI strings are not touched: every pattern is an identifier, a
module path or a template/URL path (a lowercase "freshness" in a comment follows too, on purpose: one
idea, one word; the values in PROTECT keep their old words).

Idempotent: no new name matches an old pattern, so a second run changes nothing. Run it again on a
branch written with the old names (after merging it) to bring it in line; `--check` then reports what is
left, including old names in aanbod migrations numbered after `aanbod/migrations/*_naming_*` (to be
read by hand: such a migration must use the new names, or be renumbered to run before the rename).

Adding a rename: append a pair to MOVES (paths) or RENAMES (regex, replacement). Keep patterns anchored
on identifier boundaries (`_B`/`_E` below) and make sure the replacement does not match any pattern.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

# An identifier boundary that also stops at a Django lookup separator: `reminder_sent_at` matches in
# `reminder_sent_at__isnull` and `inschrijvingen__reminder_sent_at`, not in `x_reminder_sent_at_y`.
_B = r"(?:(?<=__)|(?<![A-Za-z0-9_]))"
_E = r"(?=__|[^A-Za-z0-9_]|\Z)"


def word(old: str) -> str:
    return _B + re.escape(old) + _E


# (old path, new path). Directories are moved file by file.
MOVES: list[tuple[str, str]] = [
    ("vragen/reports", "vragen/rapporten"),
    ("aanbod/services/freshness.py", "aanbod/services/nagekeken.py"),
    ("aanbod/tasks/freshness.py", "aanbod/tasks/nagekeken.py"),
    ("templates/aanbod/emails/freshness_reminder.txt", "templates/aanbod/emails/nagekeken_reminder.txt"),
    ("templates/aanbod/emails/freshness_reminder.html", "templates/aanbod/emails/nagekeken_reminder.html"),
    (
        "templates/aanbod/emails/freshness_reminder_subject.txt",
        "templates/aanbod/emails/nagekeken_reminder_subject.txt",
    ),
    ("tests/aanbod/test_freshness.py", "tests/aanbod/test_nagekeken.py"),
    ("tests/vragen/test_reports.py", "tests/vragen/test_rapporten.py"),
]

# Literal strings whose *value* is stored or sent elsewhere and must stay: the signing salt of links
# already mailed to partners, and the cache key that makes the monthly reminder once-a-month.
PROTECT: list[str] = ['"aanbod.freshness.confirm"', 'f"freshness:{']

# (regex, replacement), applied in order to every file's text.
RENAMES: list[tuple[str, str]] = [
    # Inschrijving: a moment is `<deelwoord>_op`, in Dutch.
    (word("promoted_at"), "doorgeschoven_op"),
    (word("reminder_claimed_at"), "herinnering_geclaimd_op"),
    (word("reminder_sent_at"), "herinnering_verstuurd_op"),
    (word("status_mail_claimed_at"), "statusmail_geclaimd_op"),
    (word("status_mail_sent_at"), "statusmail_verstuurd_op"),
    (word("inschrijving_reminder_idx"), "inschrijving_herinnering_idx"),
    (word("inschrijving_status_mail_idx"), "inschrijving_statusmail_idx"),
    # Queryset methods and properties that select or state a domain state: Dutch.
    (r"(?<=\.)published\((?=\))", "gepubliceerd("),
    (r"(?<=def )published(?=\(self)", "gepubliceerd"),
    (r"(?<=\.)upcoming\((?=\))", "komend("),
    (r"(?<=def )upcoming(?=\(self)", "komend"),
    (word("with_bezetting"), "met_bezetting"),
    (word("is_published"), "is_gepubliceerd"),
    (r"(?<=\.)for_postcode\(", "voor_postcode("),  # beside werkgebied(), beheerd_door()
    (r"(?<=def )for_postcode(?=\(self)", "voor_postcode"),
    (word("aanbod_count"), "aantal_aanbod"),  # an annotation shown on a Partner, like `aantal`
    (r"(?<=\.)in_catalogue\((?=\))", "in_catalogus("),  # aanbod/spelotheek (spelotheek branch)
    (r"(?<=def )in_catalogue(?=\(self)", "in_catalogus"),
    # One idea, one word: "still correct, checked by the partner" is nagekeken.
    (r"(?<![A-Za-z0-9])remind_unconfirmed_aanbod", "remind_niet_nagekeken_aanbod"),
    (r"(?<![A-Za-z0-9])remind-unconfirmed-aanbod", "remind-niet-nagekeken-aanbod"),
    (word("aanbod_confirm"), "aanbod_mark_nagekeken"),
    (r"lang_niet_bevestigd", "lang_niet_nagekeken"),
    (word("partners_met_te_bevestigen"), "partners_met_aanbod_te_nakijken"),
    (word("partners_met_te_nakijken"), "partners_met_aanbod_te_nakijken"),
    (r"te_bevestigen", "te_nakijken"),
    (word("bevestig_url"), "nakijk_url"),
    (word("AANBOD_CONFIRM_MONTHS"), "AANBOD_NAGEKEKEN_MONTHS"),
    (word("CONFIRM_LINK_DAYS"), "NAGEKEKEN_LINK_DAYS"),
    (word("confirm_days"), "nagekeken_days"),
    (r"(?<=actions = \[)([^\]]*)\"bevestigen\"", r'\1"nakijken"'),  # the aanbod admin action
    (r"(?<=def )bevestigen(?=\(self, request, queryset\))", "nakijken"),
    (r"(?<=\"action\": )\"bevestigen\"", '"nakijken"'),
    (r"(?<![A-Za-z0-9])FRESHNESS_", "NAGEKEKEN_"),
    (word("freshness_remind_partner"), "partner_remind_nagekeken"),  # <noun>_<verb>
    (word("nagekeken_remind_partner"), "partner_remind_nagekeken"),
    # `freshness`, `freshness_token`, `services.freshness`, `emails/freshness_reminder`, `test_freshness`.
    (r"(?:(?<=__)|(?<![A-Za-z0-9]))freshness(?=[^A-Za-z0-9]|\Z)", "nagekeken"),
    # rapporten, not reports: the package and the tests named after it.
    (r"(?<![A-Za-z0-9_])vragen([./])reports(?=[^A-Za-z0-9_]|\Z)", r"vragen\1rapporten"),
    (r"(?<=from \.\.)reports(?=[ .])", "rapporten"),
    (r"(?<=from \.)reports(?=[ .])", "rapporten"),
    (r"(?<![A-Za-z0-9_])test_reports(?=\.py|::|\b)", "test_rapporten"),
]

SKIP_PARTS = {".git", ".venv", "node_modules", "migrations", "__pycache__"}
SKIP_SUFFIXES = {".po", ".mo", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".pdf", ".xlsx"}
SKIP_PREFIXES = ("tests/uitwisseling/official/",)
SELF = "tools/rename_naming.py"


def git_files(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted({p for p in out.split("\0") if p})


def wanted(path: str) -> bool:
    parts = set(Path(path).parts)
    return (
        not parts & SKIP_PARTS
        and Path(path).suffix not in SKIP_SUFFIXES
        and not path.startswith(SKIP_PREFIXES)
        and path != SELF
    )


def rewrite(text: str) -> str:
    held = {}
    for i, literal in enumerate(PROTECT):
        token = f"\0PROTECTED{i}\0"
        held[token] = literal
        text = text.replace(literal, token)
    for pattern, replacement in RENAMES:
        text = re.sub(pattern, replacement, text)
    for token, literal in held.items():
        text = text.replace(token, literal)
    return text


def move(root: Path, files: list[str], dry_run: bool) -> tuple[list[str], list[str]]:
    done, conflicts = [], []
    for old, new in MOVES:
        pairs = [(f, new + f[len(old) :]) for f in files if f == old or f.startswith(old + "/")]
        for src, dst in pairs:
            if not (root / src).exists():
                continue
            if (root / dst).exists():
                conflicts.append(f"{src} -> {dst}: both exist, merge by hand")
                continue
            done.append(f"{src} -> {dst}")
            if dry_run:
                continue
            (root / dst).parent.mkdir(parents=True, exist_ok=True)
            tracked = subprocess.run(
                ["git", "ls-files", "--error-unmatch", src], cwd=root, capture_output=True
            )
            if tracked.returncode == 0:
                subprocess.run(["git", "mv", src, dst], cwd=root, check=True)
            else:
                (root / src).rename(root / dst)
        # Remove what is left of a moved package (an empty folder, a stale __pycache__).
        old_dir = root / old
        if (
            not dry_run
            and old_dir.is_dir()
            and not any(p.is_file() and p.suffix != ".pyc" for p in old_dir.rglob("*"))
        ):
            for p in sorted(old_dir.rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
            old_dir.rmdir()
    return done, conflicts


NAMING_MIGRATION = re.compile(r"aanbod/migrations/(\d{4})_naming_[a-z_]*\.py")


def after_rename(path: str) -> bool:
    """Is `path` an aanbod migration numbered after the naming migration (or in another app's)?"""
    numbers = [int(m.group(1)) for f in _FILES for m in [NAMING_MIGRATION.fullmatch(f)] if m]
    m = re.fullmatch(r"aanbod/migrations/(\d{4})_\w*\.py", path)
    if not m:
        return not path.startswith("aanbod/migrations/")
    return bool(numbers) and int(m.group(1)) > max(numbers)


_FILES: list[str] = []


def leftovers(root: Path, files: list[str]) -> list[str]:
    """Old names still present: in code (an error) and in migrations added after the rename (to be read
    by a person: one that uses an old field name must run before the naming migration)."""
    _FILES[:] = files
    found = []
    for path in files:
        p = root / path
        if (
            path == SELF
            or not p.is_file()
            or Path(path).suffix in SKIP_SUFFIXES
            or path.startswith(SKIP_PREFIXES)
        ):
            continue
        if set(Path(path).parts) & {".git", ".venv", "node_modules"}:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        in_migration = "migrations" in Path(path).parts
        if in_migration and not after_rename(path):
            continue  # history: these ran before the rename, and the rename migration names the old fields
        for protected in PROTECT:
            text = text.replace(protected, "")
        for pattern, _ in RENAMES:
            for m in re.finditer(pattern, text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path}:{line}: {m.group(0)!r}" + (" (migration)" if in_migration else ""))
    for old, _ in MOVES:
        if (root / old).exists():
            found.append(f"{old}: still exists")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="list what would change, change nothing")
    parser.add_argument("--check", action="store_true", help="exit 1 when an old name is left in the code")
    parser.add_argument("--root", default=".", help="the repository root (default: here)")
    args = parser.parse_args()
    root = Path(args.root).resolve()

    if args.check:
        left = leftovers(root, git_files(root))
        for line in left:
            print(line)
        errors = [line for line in left if not line.endswith("(migration)")]
        print(
            f"{len(errors)} old name(s) in code, {len(left) - len(errors)} in migrations (read those by hand)"
        )
        return 1 if errors else 0

    moved, conflicts = move(root, git_files(root), args.dry_run)
    for line in moved:
        print(("would move " if args.dry_run else "moved ") + line)
    files = git_files(root)
    changed = 0
    for path in files:
        if not wanted(path) or not (root / path).is_file():
            continue
        p = root / path
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new = rewrite(text)
        if new != text:
            changed += 1
            print(("would rewrite " if args.dry_run else "rewrote ") + path)
            if not args.dry_run:
                p.write_text(new, encoding="utf-8")
    for line in conflicts:
        print("CONFLICT " + line, file=sys.stderr)
    print(f"{len(moved)} file(s) moved, {changed} file(s) rewritten, {len(conflicts)} conflict(s)")
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main())
