"""An optional machine-translation backend: a LibreTranslate- or DeepL-compatible HTTP API.

Off unless MT_BACKEND and MT_URL are set. Any failure raises TranslationUnavailable; callers then show
the original, so a broken or slow service never breaks a page.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


class TranslationUnavailable(Exception):
    pass


def machine_translation_enabled() -> bool:
    return settings.MT_BACKEND in {"libretranslate", "deepl"} and bool(settings.MT_URL)


def _post_json(url: str, payload: dict, headers: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 - the URL is operator configuration, http(s) only
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
        method="POST",
    )
    if not url.startswith(("http://", "https://")):
        raise TranslationUnavailable("MT_URL must be an http(s) URL")
    try:
        with urllib.request.urlopen(request, timeout=settings.MT_TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as exc:
        logger.warning("machine translation failed: %s", exc)
        raise TranslationUnavailable(str(exc)) from exc


def _deepl_code(language: str, *, target: bool) -> str:
    language = language.split("-")[0].upper()
    if target and language == "EN":
        return "EN-GB"
    return language


def machine_translate(texts: list[str], *, source: str, target: str) -> list[str]:
    """Translate ``texts`` from ``source`` to ``target`` (ISO codes); same order and length."""
    if not machine_translation_enabled():
        raise TranslationUnavailable("machine translation is off")
    base = settings.MT_URL.rstrip("/")
    if settings.MT_BACKEND == "libretranslate":
        payload = {"q": texts, "source": source.split("-")[0], "target": target.split("-")[0], "format": "text"}
        if settings.MT_API_KEY:
            payload["api_key"] = settings.MT_API_KEY
        data = _post_json(f"{base}/translate", payload, {})
        result = data.get("translatedText") if isinstance(data, dict) else None
    else:
        payload = {"text": texts, "target_lang": _deepl_code(target, target=True)}
        if source:
            payload["source_lang"] = _deepl_code(source, target=False)
        data = _post_json(f"{base}/v2/translate", payload, {"Authorization": f"DeepL-Auth-Key {settings.MT_API_KEY}"})
        translations = data.get("translations") if isinstance(data, dict) else None
        result = [item.get("text") for item in translations] if isinstance(translations, list) else None
    if not isinstance(result, list) or len(result) != len(texts) or not all(isinstance(t, str) for t in result):
        raise TranslationUnavailable("unexpected answer from the translation service")
    return result
