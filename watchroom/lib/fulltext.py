"""Chinese-aware full-text search on SQLite (FTS5) and PostgreSQL (GIN), with exact results.

Why not the engines' own text search: neither SQLite's tokenizers nor PostgreSQL's parsers split
Chinese into words (a run of ideographs is one "word", or nothing at all under the C locale), and
trigram indexes do not help the two-character queries that are most common in Chinese (门口, 张三).
So Watchroom tokenises the text itself, the way Lucene's CJK analyser does, and lets each engine
index the tokens as they are (PostgreSQL through a generated `search_tsv` column):

- a run of CJK characters gives every character (unigram) and every adjacent pair (bigram):
  "东门口" → 东 门 口 东门 门口;
- a run of Latin letters and digits gives the lower-cased run and each of its suffixes:
  "HK-2023A" → hk k 2023a 023a 23a 3a a (so any piece of a serial or an IP address is a prefix of
  some token);
- everything else separates tokens.

A query is tokenised the same way: a one-character CJK term needs its unigram, a longer one all its
bigrams, a Latin/digit run matches as a prefix of some token. The index narrows the rows; the exact condition
(every term occurs in one of the searched fields, `icontains`) is then applied to those rows only,
so the result is exactly what a `LIKE '%term%'` scan would give, at index speed.

How an app applies it to a model (see `watchroom/duty` and `watchroom/equipment`):

1. The model inherits `Searchable` and names the fields: ``search_fields = ("name", "serial")``.
   `Searchable.save()` fills the `search_tokens` column; code that bypasses `save()` (bulk_create,
   queryset.update) calls ``obj.refresh_search_tokens()`` first (or `tokens(...)` itself).
2. A migration adds the index after the column exists::

       from watchroom.lib.fulltext import AddFullTextIndex
       operations = [AddFullTextIndex("device")]

   On SQLite it creates an external-content FTS5 table ``<table>_fts`` kept in step by triggers
   (and fills it from the rows already there); on PostgreSQL a stored generated tsvector column with a GIN index.
3. Views and filters call ``fulltext.search(queryset, query)`` (it reads `search_fields` from the
   model), combined with any other filters and ordering.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.db import connections, models
from django.db.migrations.operations.base import Operation
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

FIELD = "search_tokens"
# PostgreSQL only: the tsvector of FIELD, a stored generated column that Django does not know of
TSV = "search_tsv"

# CJK ideographs (unified, extension A, compatibility), kana and hangul count as "CJK" characters.
_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
)
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
MAX_SUFFIXES = 32
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _run_tokens(run: str) -> list[str]:
    if _CJK_RUN.match(run):
        return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]
    # every suffix (the first MAX_SUFFIXES): a query run is then a prefix of one of them wherever it
    # starts, so "4999" finds "sn0004999" and "2023" finds "hk2023a"
    return [run[i:] for i in range(min(len(run), MAX_SUFFIXES))]


def tokens(*texts: Any) -> str:
    """The index tokens of `texts` (None and "" are skipped), space-separated, each once."""
    seen: dict[str, None] = {}
    for text in texts:
        if text is None or text == "":
            continue
        for run in _RUN.findall(normalise(str(text))):
            for tok in _run_tokens(run):
                seen.setdefault(tok, None)
    return " ".join(seen)


def query_terms(query: str) -> list[str]:
    """The user's terms: whitespace-separated, normalised, empty ones dropped."""
    return [t for t in normalise(query).split() if t]


def _term_clause(term: str) -> list[tuple[str, bool]]:
    """(token, is_prefix) pairs that a row containing `term` must have."""
    need: list[tuple[str, bool]] = []
    for run in _RUN.findall(term):
        if _CJK_RUN.match(run):
            if len(run) == 1:
                need.append((run, False))
            else:
                need.extend((run[i : i + 2], False) for i in range(len(run) - 1))
        else:
            # the text's runs are indexed with their suffixes: a run found anywhere inside one
            # is a prefix of one of them
            need.append((run, True))
    return need


class Searchable(models.Model):
    """Abstract model with the `search_tokens` column that `AddFullTextIndex` indexes."""

    search_fields: ClassVar[Sequence[str]] = ()

    search_tokens = models.TextField(editable=False, default="", blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_tokens()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and FIELD not in update_fields:
            kwargs["update_fields"] = [*update_fields, FIELD]
        super().save(*args, **kwargs)

    def search_values(self) -> list[Any]:
        """The texts to index; override to add related or derived values."""
        return [getattr(self, f) for f in self.search_fields]

    def extra_tokens(self) -> list[str]:
        """Tokens indexed as they are, besides the text's (override: a coded value such as a
        category, see `key_token`), so that a search combined with a filter on that value is one
        index intersection (`search(..., also=[...])`)."""
        return []

    def refresh_search_tokens(self) -> str:
        text = tokens(*self.search_values())
        extra = " ".join(t for t in self.extra_tokens() if t)
        self.search_tokens = f"{text} {extra}" if text and extra else text or extra
        return self.search_tokens


def key_token(prefix: str, value: Any) -> str:
    """An index token for a coded value (``key_token("cat", "equipment_fault")`` →
    ``"zcatequipmentfault"``): one run of lower-case letters and digits, which both engines keep as
    one token. A text token may spell the same by chance; it only lets a row through the index,
    and the caller's own filter on the value is exact."""
    return "z" + re.sub(r"[^0-9a-z]", "", f"{prefix}{normalise(str(value))}")


def fts_table(db_table: str) -> str:
    return f"{db_table}_fts"


def _sqlite_match(need: Iterable[tuple[str, bool]]) -> str:
    return " AND ".join(f'"{tok}"*' if prefix else f'"{tok}"' for tok, prefix in need)


def _pg_tsquery(need: Iterable[tuple[str, bool]]) -> str:
    return " & ".join(f"'{tok}':*" if prefix else f"'{tok}'" for tok, prefix in need)


def _index_terms(query: str, also: Sequence[str] = ()) -> tuple[list[str], list[tuple[str, bool]]]:
    """The terms of `query` and the index tokens every match must have (with `also`, exact
    tokens from `Searchable.extra_tokens`, when the query itself needs the index)."""
    terms = query_terms(query)
    need: list[tuple[str, bool]] = []
    for term in terms:
        need.extend(_term_clause(term))
    if need:
        need.extend((tok, False) for tok in also)
    return terms, need


def _exact(qs: QuerySet[Any], terms: list[str], fields: Sequence[str] | None) -> QuerySet[Any]:
    """The exact check after the index: every term a case-insensitive substring of some field."""
    fields = list(fields or getattr(qs.model, "search_fields", None) or ())
    exact = Q()
    for term in terms:
        one = Q()
        for f in fields:
            one |= Q(**{f"{f}__icontains": term})
        exact &= one
    return qs.filter(exact)


def search(
    qs: QuerySet[Any], query: str, fields: Sequence[str] | None = None, *, also: Sequence[str] = ()
) -> QuerySet[Any]:
    """`qs` narrowed to rows whose `fields` (default: the model's `search_fields`) contain every
    term of `query` (case-insensitive substring, like `icontains`). An empty query returns `qs`.

    `also`: tokens of `Searchable.extra_tokens` that the rows must have as well, for a filter that
    the caller applies exactly anyway (``category=…``): the index then intersects the word with
    the filter's value instead of collecting every row with the word (a word never written in
    that category: an empty intersection, not a read of all its matches)."""
    terms, need = _index_terms(query, also)
    if not terms:
        return qs
    table = qs.model._meta.db_table
    vendor = connections[qs.db].vendor
    if need:
        if vendor == "sqlite":
            fts = fts_table(table)
            qs = qs.filter(
                pk__in=RawSQL(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [_sqlite_match(need)])
            )
        elif vendor == "postgresql":
            qs = qs.filter(
                RawSQL(
                    f'"{table}"."{TSV}" @@ %s::tsquery',
                    [_pg_tsquery(need)],
                    output_field=models.BooleanField(),
                )
            )
    return _exact(qs, terms, fields)


def index_count(
    model: type[models.Model], query: str, using: str = "default", *, also: Sequence[str] = ()
) -> int | None:
    """How many rows the index alone finds for `query` (before the exact check), where the engine
    can tell cheaply, else None. SQLite: a COUNT over the FTS5 match reads doclists, not rows
    (≈ 3 ms for 100,000 matches among 1,000,000). Lets a caller choose `search_probing`."""
    if connections[using].vendor != "sqlite":
        return None
    _terms, need = _index_terms(query, also)
    if not need:
        return None
    fts = fts_table(model._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{fts}" WHERE "{fts}" MATCH %s', [_sqlite_match(need)])
        return int(cursor.fetchone()[0])


def exact(qs: QuerySet[Any], query: str, fields: Sequence[str] | None = None) -> QuerySet[Any]:
    """The exact condition of `search` alone, without the index: for a caller that reads a bounded
    range of rows anyway (a window of the newest entries along an ordering index), where checking
    each row is cheaper than collecting the index's matches."""
    terms = query_terms(query)
    return _exact(qs, terms, fields) if terms else qs


def search_probing(
    qs: QuerySet[Any], query: str, fields: Sequence[str] | None = None, *, also: Sequence[str] = ()
) -> QuerySet[Any]:
    """`search`, for a query that matches a large share of the rows, read in an index's order and
    cut by LIMIT (a log's newest page): on SQLite each row read is probed in the FTS5 index (a
    correlated EXISTS on its rowid) instead of the index's whole match set being collected, looked up
    and sorted first, so the read stops after a page's worth of rows (≈ 2 ms rather than ≈ 300 ms
    for a word in 100,000 of 1,000,000 rows). Slower than `search` for a rare query (it walks the
    rows until enough match). On PostgreSQL the same as `search`: its planner weighs the GIN index
    against the ordering index from the statistics of the tsvector column."""
    if connections[qs.db].vendor != "sqlite":
        return search(qs, query, fields, also=also)
    terms, need = _index_terms(query, also)
    if not terms:
        return qs
    table = qs.model._meta.db_table
    if need:
        fts = fts_table(table)
        qs = qs.filter(
            RawSQL(
                f'EXISTS (SELECT 1 FROM "{fts}" WHERE "{fts}".rowid = "{table}"."id" AND "{fts}" MATCH %s)',
                [_sqlite_match(need)],
                output_field=models.BooleanField(),
            )
        )
    return _exact(qs, terms, fields)


class AddFullTextIndex(Operation):
    """Index `<model>.search_tokens`: an FTS5 table with triggers on SQLite, a GIN index on PostgreSQL.

    Other databases get nothing (the search still works, by the exact condition alone)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.model_name], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _sql(self, table: str, vendor: str, forwards: bool) -> list[str]:
        fts = fts_table(table)
        if vendor == "sqlite":
            if not forwards:
                return [
                    f'DROP TRIGGER IF EXISTS "{fts}_ai"',
                    f'DROP TRIGGER IF EXISTS "{fts}_ad"',
                    f'DROP TRIGGER IF EXISTS "{fts}_au"',
                    f'DROP TABLE IF EXISTS "{fts}"',
                ]
            return [
                f'CREATE VIRTUAL TABLE "{fts}" USING fts5({FIELD}, content="{table}", content_rowid="id", '
                "tokenize='unicode61 remove_diacritics 0')",
                f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
                f'INSERT INTO "{fts}"(rowid, {FIELD}) VALUES (new.id, new.{FIELD}); END',
                f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
                f'INSERT INTO "{fts}"("{fts}", rowid, {FIELD}) VALUES (\'delete\', old.id, old.{FIELD}); END',
                f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF {FIELD} ON "{table}" BEGIN '
                f'INSERT INTO "{fts}"("{fts}", rowid, {FIELD}) VALUES (\'delete\', old.id, old.{FIELD}); '
                f'INSERT INTO "{fts}"(rowid, {FIELD}) VALUES (new.id, new.{FIELD}); END',
                f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')',
            ]
        if vendor == "postgresql":
            index = f"{table}_fts_gin"[:63]
            if not forwards:
                return [
                    f'DROP INDEX IF EXISTS "{index}"',
                    f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{TSV}"',
                ]
            # a stored generated column rather than an expression index: ANALYZE keeps statistics of
            # its lexemes, so the planner knows that a rare token is rare and uses the index (with
            # the expression index it walked the ordering index and rebuilt every row's vector)
            return [
                f'ALTER TABLE "{table}" ADD COLUMN "{TSV}" tsvector '
                f"GENERATED ALWAYS AS (array_to_tsvector(string_to_array(\"{FIELD}\", ' '))) STORED",
                f'CREATE INDEX "{index}" ON "{table}" USING gin ("{TSV}")',
            ]
        return []

    def _run(self, app_label: str, schema_editor: Any, state: Any, forwards: bool) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        for sql in self._sql(model._meta.db_table, schema_editor.connection.vendor, forwards):
            schema_editor.execute(sql)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._run(app_label, schema_editor, to_state, forwards=True)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._run(app_label, schema_editor, from_state, forwards=False)

    def describe(self) -> str:
        return f"Full-text index on {self.model_name}.{FIELD}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name}_fulltext"


def searchable_models() -> list[type[Searchable]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Searchable) and not m._meta.abstract]


def repair_indexes(using: str = "default", **_: Any) -> list[str]:
    """Re-create the SQLite FTS tables whose triggers are gone; returns the tables repaired.

    Django's SQLite schema editor rebuilds a table (create, copy, drop, rename) for many later
    migrations of a model, and dropping the old table drops its triggers: the index would silently
    stop following the rows. Connected to `post_migrate`, this puts them back and rebuilds the index.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    repaired = []
    with connection.cursor() as cursor:
        existing = {
            row[0]
            for row in cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        }
        for model in searchable_models():
            table = model._meta.db_table
            if table not in existing:
                continue  # not migrated yet (or not in this database)
            fts = fts_table(table)
            if {fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"} <= existing:
                continue
            op = AddFullTextIndex(str(model._meta.model_name))
            for sql in op._sql(table, "sqlite", forwards=False) + op._sql(table, "sqlite", forwards=True):
                cursor.execute(sql)
            repaired.append(table)
    return repaired
