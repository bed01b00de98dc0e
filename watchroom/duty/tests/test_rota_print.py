"""The rota print view: A4 landscape, people × days with shift codes, counts and signature lines."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.duty import services

from .helpers import operators, rota


@pytest.mark.django_db
def test_it_prints_the_grid_with_counts_and_signature_lines(room_a: Any, director: Any, login: Any) -> None:
    r = rota(room_a, director, operators(room_a))
    services.publish_rota(r, actor=director)
    client = login(director)
    assert f"/duty/rotas/{r.pk}/print/" in client.get(r.get_absolute_url()).content.decode()
    html = client.get(f"/duty/rotas/{r.pk}/print/").content.decode()
    assert "size: A4 landscape" in html and "@media print" in html
    assert "2026年3月 值班表" in html and "已发布第 1 版" in html
    assert html.count('<td class="name">值班员') == 4
    assert "D = 白班 08:00–20:00" in html and "N = 夜班 20:00–08:00" in html
    assert "编制人" in html and "批准（分管领导）" in html
    # each of the four people: 31 shifts, in this rotation
    row = html.split('<td class="name">值班员1</td>')[1].split("</tr>")[0]
    assert row.count("<td>D</td>") + row.count("<td>N</td>") == 31
