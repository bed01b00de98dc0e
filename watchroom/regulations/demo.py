"""Demo: the twelve regulations of the source compilation (../shared/mission), one version each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .models import Regulation
from .services import publish_version, register_regulation

SOURCE = Path(__file__).parent / "data" / "hospital_regulations_zh.txt"

# (code, title as it appears in the source, the department with interpretation authority)
DOCUMENTS = [
    ("D1", "医院监控室安全管理制度", "医院保卫科"),
    ("D2", "医院监控室管理制度", "医院保卫科"),
    ("D3", "医院视频监控中心管理制度", "医院保卫科"),
    ("D4", "医院监控中心安全管理制度", "医院保卫科"),
    ("D5", "医院监控中心安全管理制度", "医院保卫科"),
    ("D6", "医院安防监控室管理制度", "医院保卫处"),
    ("D7", "医院监控室管理制度", "医院保卫科"),
    ("D8", "关于医院监控的管理制度", "医院保卫科"),
    ("D9", "监控中心值班制度", "医院保卫科"),
    ("D10", "监控中心交接班制度", "医院保卫科"),
    ("D11", "技术资料管理制度", "医院信息科"),
    ("D12", "网络运行管理制度", "医院信息科"),
]


def split_source() -> list[tuple[str, str, str, str]]:
    """(code, title, authority, text) for each document, in order, without the web page's footer lines."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    starts: list[int] = []
    cursor = 1
    for _code, title, _auth in DOCUMENTS:
        index = next(i for i in range(cursor, len(lines)) if lines[i].strip() == title)
        starts.append(index)
        cursor = index + 1
    result = []
    for n, (code, title, authority) in enumerate(DOCUMENTS):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = [ln for ln in lines[starts[n] + 1 : end] if ln.strip() and not ln.startswith("- ")]
        result.append((code, title, authority, "\n".join(body)))
    return result


def seed(stdout: Any = None) -> None:
    from watchroom.accounts.models import User
    from watchroom.accounts.services import system_user

    publisher = User.objects.filter(username="secchief").first() or system_user()
    created = 0
    for code, title, authority, text in split_source():
        if Regulation.objects.filter(code=code).exists():
            continue
        regulation = register_regulation(
            actor=publisher,
            code=code,
            title=title,
            issuing_department="医院保卫科",
            interpretation_authority=authority,
        )
        publish_version(regulation, actor=publisher, text=text, effective_date=dt.date(2025, 1, 1))
        created += 1
    if stdout is not None:
        stdout.write(f"regulations: {created} created, {Regulation.objects.count()} in all")
