"""Full-text search (lib/fulltext.py): Chinese bigrams, Latin/digit parts, exact results through the
index on SQLite (FTS5 + triggers) and PostgreSQL (GIN), and trigger repair after a table rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models

from watchroom.lib import fulltext


def test_tokens_split_chinese_into_characters_and_pairs() -> None:
    assert fulltext.tokens("东门口").split() == ["东", "门", "口", "东门", "门口"]


def test_tokens_keep_every_suffix_of_serials_and_addresses() -> None:
    toks = fulltext.tokens("HK-2023A", "10.1.20.3", None, "")
    assert toks.split() == ["hk", "k", "2023a", "023a", "23a", "3a", "a", "10", "0", "1", "20", "3"]


def test_tokens_normalise_full_width_and_case() -> None:
    assert fulltext.tokens("ＤＳ－２ＣＤ") == fulltext.tokens("ds-2cd")


def test_query_needs_bigrams_for_long_chinese_terms_and_prefix_for_latin() -> None:
    assert fulltext._term_clause("门口") == [("门口", False)]
    assert fulltext._term_clause("急诊大厅") == [("急诊", False), ("诊大", False), ("大厅", False)]
    assert fulltext._term_clause("门") == [("门", False)]
    assert fulltext._term_clause("hk20") == [("hk20", True)]
    assert fulltext._term_clause("hk-20") == [("hk", True), ("20", True)]


class Note(fulltext.Searchable):
    """A throwaway model for these tests only (its table is made and dropped by the fixture)."""

    search_fields = ("title", "body")
    title = models.CharField(max_length=100)
    body = models.TextField(blank=True)

    class Meta:
        app_label = "dashboard"
        db_table = "lib_test_fulltext_note"


@pytest.fixture
def note_table(db: Any) -> Iterator[None]:
    """The table and its index, made inside the test's transaction (both engines roll DDL back).

    Not a transactional test: flushing would TRUNCATE the append-only audit table on PostgreSQL."""
    pk = "integer PRIMARY KEY AUTOINCREMENT" if connection.vendor == "sqlite" else "serial PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE lib_test_fulltext_note (id {pk}, title varchar(100) NOT NULL, "
            "body text NOT NULL, search_tokens text NOT NULL)"
        )
        for sql in fulltext.AddFullTextIndex("note")._sql(
            Note._meta.db_table, connection.vendor, forwards=True
        ):
            cursor.execute(sql)
    yield


def _titles(query: str) -> list[str]:
    return sorted(fulltext.search(Note.objects.all(), query).values_list("title", flat=True))


def test_search_finds_exactly_what_a_substring_scan_finds(note_table: None) -> None:
    Note.objects.create(title="急诊大厅东门口", body="可疑人员徘徊")
    Note.objects.create(title="门诊楼", body="东门 口罩发放")  # has 东门 and 口 but not 东门口
    Note.objects.create(title="Camera HK-2023A", body="IP 10.1.20.3 SN-0004999")
    Note.objects.create(title="停车场", body="车辆剐蹭")
    assert _titles("东门口") == ["急诊大厅东门口"]
    assert _titles("门") == ["急诊大厅东门口", "门诊楼"]
    assert _titles("可疑 东门") == ["急诊大厅东门口"]
    assert _titles("2023") == ["Camera HK-2023A"]
    assert _titles("hk-20") == ["Camera HK-2023A"]
    assert _titles("10.1.20") == ["Camera HK-2023A"]
    assert _titles("4999") == ["Camera HK-2023A"]  # digits from the middle of a serial
    assert _titles("k-202") == ["Camera HK-2023A"]
    assert _titles("车辆") == ["停车场"]
    assert _titles("火灾") == []
    assert _titles("  ") == ["Camera HK-2023A", "停车场", "急诊大厅东门口", "门诊楼"]


def test_the_index_follows_updates(note_table: None) -> None:
    note = Note.objects.create(title="配电室", body="")
    assert _titles("配电") == ["配电室"]
    note.title = "弱电间"
    note.save(update_fields=["title"])
    assert _titles("配电") == []
    assert _titles("弱电") == ["弱电间"]


def test_the_index_narrows_before_the_exact_condition(note_table: None) -> None:
    """The SQL carries the index condition (FTS5 MATCH or the tsvector @@), not only LIKE."""
    sql = str(fulltext.search(Note.objects.all(), "门口").query)
    assert ("MATCH" in sql) if connection.vendor == "sqlite" else ("@@" in sql)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the triggers exist on SQLite only")
def test_repair_puts_back_triggers_dropped_by_a_table_rebuild(note_table: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "lib_test_fulltext_note_fts_ai"')
    Note.objects.create(title="消防控制室", body="")
    assert fulltext.repair_indexes.__name__  # a function connected to post_migrate
    from django.apps import apps

    # Note is registered in the dashboard app's models for the length of the module
    assert Note in apps.get_models()
    assert "lib_test_fulltext_note" in fulltext.repair_indexes()
    assert _titles("消防") == ["消防控制室"]  # the rebuild indexed the row written without a trigger
    assert fulltext.repair_indexes() == []
