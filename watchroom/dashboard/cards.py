"""Home-page cards. Each module registers the cards it contributes; the home page shows the cards
whose permission the user holds, in order. A card is a template plus a function that returns its
context for the user (already scoped)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Card:
    key: str
    title: Any  # lazy translated string
    template: str
    permission: str | None
    order: int
    context: Callable[[Any], dict[str, Any]]


_cards: dict[str, Card] = {}


def register(
    key: str, *, title: Any, template: str, permission: str | None = None, order: int = 100
) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    def decorator(fn: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        _cards[key] = Card(key, title, template, permission, order, fn)
        return fn

    return decorator


def cards_for(user: Any) -> list[tuple[Card, dict[str, Any]]]:
    result = []
    for card in sorted(_cards.values(), key=lambda c: (c.order, c.key)):
        if card.permission is None or user.has_perm(card.permission):
            result.append((card, card.context(user)))
    return result
