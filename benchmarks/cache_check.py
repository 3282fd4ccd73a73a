"""Does the page cache hold an entry for any of the bad-input URLs? Run by throughput.py in a process of its own.

It runs with the settings and environment of the gunicorn servers (the same Redis cache), so that cache keys
and versions are the ones the workers used. Reads {"bad": [...], "good": [...]} (paths with query) on stdin
and prints {"available": bool, "note": str, "cached": {url: [keys]}, "keys_checked": n} on stdout.

The keys come from ``teilhabe.core.page_cache.page_cache_keys_for(path_with_query)`` (every key an anonymous
GET of that URL could be stored under, all languages). Keys that a measured good URL could be stored under too
are left out: a bad parameter the view ignores may well share the key of the page it shows.
"""

import json
import sys


def main() -> int:
    import django

    django.setup()
    from django.core.cache import cache

    request = json.load(sys.stdin)
    try:
        from teilhabe.core.page_cache import page_cache_keys_for
    except ImportError:
        print(json.dumps({"available": False, "note": "teilhabe.core.page_cache.page_cache_keys_for does not exist"}))
        return 0
    raw_client = None
    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        raw_client = cache._cache.get_client()  # Redis: also look for the key as given, without Django's prefix
    good = {key for url in request["good"] for key in page_cache_keys_for(url)}
    cached, checked = {}, 0
    for url in request["bad"]:
        keys = [key for key in page_cache_keys_for(url) if key not in good]
        checked += len(keys)
        found = [key for key in keys if cache.has_key(key) or (raw_client is not None and raw_client.exists(key))]
        if found:
            cached[url] = found
    print(json.dumps({"available": True, "note": "", "cached": cached, "keys_checked": checked}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
