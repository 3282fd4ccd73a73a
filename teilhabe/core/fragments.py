"""Cached HTML fragments: a piece of a page (a card) rendered once and reused until its versions change.

The pattern for lists: a page asks for the fragments of its items by id; each fragment's key names the versions
of everything it shows (see ``cache_versions``), so a change to an item makes its fragment stale at once and
the next request renders it afresh. One cache round trip reads all fragments of a page; only the missing ones
are rendered, in one go, and stored in one more.
"""

from collections.abc import Callable, Hashable
from typing import NamedTuple

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from teilhabe.core.release import RELEASE

FRAGMENT_SECONDS = 3600  # an upper bound; the versions in the key make a fragment stale much sooner


def fragment_key(name: str, language: str, parts) -> str:
    return f"fragment:{RELEASE}:{name}:{language}:" + ":".join(str(part) for part in parts)


class Fragment(NamedTuple):
    pk: Hashable
    html: SafeString
    fell_back: bool = False  # it shows a staff text in German because the reader's language is missing

    def __str__(self):
        return self.html


def cached_fragments(
    keys: dict[Hashable, str], render_missing: Callable[[list], dict[Hashable, tuple[str, bool]]], *, request=None
) -> dict[Hashable, Fragment]:
    """The fragments of the items in ``keys`` (item -> cache key), from the cache or from ``render_missing``.

    ``render_missing(items)`` returns (html, fell_back) per item it can render; an item it leaves out (gone in
    the meantime) is left out of the answer too. With ``request``, a fragment that fell back to German (from the
    cache too) makes the page's note say so (``{% fallback_note %}``).
    """
    found = cache.get_many(list(keys.values())) if keys else {}
    fragments, missing = {}, []
    for item, key in keys.items():
        if key in found:
            html, fell_back = found[key]
            fragments[item] = Fragment(item, mark_safe(html), fell_back)  # noqa: S308 - rendered by a template
        else:
            missing.append(item)
    if missing:
        rendered = render_missing(missing)
        stored = {keys[item]: (str(html), fell_back) for item, (html, fell_back) in rendered.items()}
        cache.set_many(stored, FRAGMENT_SECONDS)
        for item, (html, fell_back) in rendered.items():
            fragments[item] = Fragment(item, mark_safe(html), fell_back)  # noqa: S308 - rendered by a template
    if request is not None and any(fragment.fell_back for fragment in fragments.values()):
        request._translation_fell_back = True
    return fragments
