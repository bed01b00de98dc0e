"""The home card counts the cameras in the user's scope by status."""

from __future__ import annotations

from watchroom.sites.home_cards import cameras_card


def test_it_counts_only_cameras_in_scope(outsider, director, camera_a, camera_b, login):
    assert cameras_card(outsider)["total"] == 1
    response = login(director).get("/")
    assert b'data-card="sites_cameras"' in response.content


def test_it_is_hidden_without_sites_view(sysadmin, login):
    assert b'data-card="sites_cameras"' not in login(sysadmin).get("/").content
