"""Fail when a translatable string has no complete Simplified Chinese translation, or when two apps
translate the same string differently.

Each app keeps its own catalogue in watchroom/<app>/locale/zh_Hans/LC_MESSAGES/django.po. For every
app this extracts the current strings (makemessages into a scratch copy) and checks that each is in
the app's catalogue, translated and not fuzzy. Run by `make check` (and `make test` via a test).

Django merges the catalogues into one per language, and where two apps have the same string (same
msgid and context) the app listed first in INSTALLED_APPS wins everywhere: the other app's
translation is silently never shown ("Sign in" was 登录 on the duty page, where it means 签到). So
the same string must have the same translation in every catalogue; a string whose meaning differs
between apps gets a context (``pgettext_lazy("the next shift", "Next")``,
``{% translate "Next" context "the next shift" %}``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "watchroom"
MANAGE = [sys.executable, "-m", "watchroom"]


def extract(app: Path) -> set[tuple[str, str | None]]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / app.name
        shutil.copytree(
            app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "tests", "migrations")
        )
        (copy / "locale").mkdir()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "watchroom.settings", "WATCHROOM_DEBUG": "true"}
        subprocess.run([*MANAGE, "makemessages", "-l", "zh_Hans", "-v", "0"], cwd=copy, check=True, env=env)
        po_path = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            return set()
        return {(e.msgid, e.msgctxt) for e in polib.pofile(str(po_path))}


def collisions() -> list[str]:
    """The strings that two app catalogues translate differently."""
    seen: dict[tuple[str, str | None], dict[str, str]] = {}
    for po_path in sorted(APPS.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
        app = po_path.parts[-5]
        for e in polib.pofile(str(po_path)):
            if not e.obsolete and e.msgstr:
                seen.setdefault((e.msgid, e.msgctxt), {})[app] = e.msgstr
    problems = []
    for (msgid, ctx), by_app in sorted(seen.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if len(set(by_app.values())) > 1:
            where = ", ".join(f"{app} {text!r}" for app, text in sorted(by_app.items()))
            label = f"{msgid!r}" + (f" (context {ctx!r})" if ctx else "")
            problems.append(f"translated differently: {label}: {where}")
    return problems


def main() -> int:
    problems: list[str] = collisions()
    for app in sorted(p for p in APPS.iterdir() if (p / "apps.py").exists()):
        wanted = extract(app)
        if not wanted:
            continue
        po_path = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            problems.append(
                f"{app.name}: {len(wanted)} strings and no catalogue at {po_path.relative_to(ROOT)}"
            )
            continue
        catalogue = {(e.msgid, e.msgctxt): e for e in polib.pofile(str(po_path)) if not e.obsolete}
        for key in sorted(wanted, key=lambda k: k[0]):
            entry = catalogue.get(key)
            if entry is None:
                problems.append(f"{app.name}: missing {key[0]!r}")
            elif "fuzzy" in entry.flags:
                problems.append(f"{app.name}: fuzzy {key[0]!r}")
            elif not entry.translated():
                problems.append(f"{app.name}: untranslated {key[0]!r}")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} translation problem(s)")
        return 1
    print("translations complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
