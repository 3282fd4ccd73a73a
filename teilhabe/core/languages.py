"""Offline language detection for user texts (lingua ships its models inside the package)."""

from functools import lru_cache

# The languages the platform offers, by ISO 639-1 code, with lingua's names. Leichte Sprache is German for
# detection. lingua (with its models) is imported on first use, not when a worker starts.
DETECTABLE = {
    "de": "GERMAN",
    "en": "ENGLISH",
    "tr": "TURKISH",
    "ar": "ARABIC",
    "pl": "POLISH",
    "ru": "RUSSIAN",
    "fa": "PERSIAN",
    "uk": "UKRAINIAN",
}
MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _detector():
    # Built once per process on first use; read-only afterwards, so safe to share between threads.
    from lingua import Language, LanguageDetectorBuilder

    languages = {code: getattr(Language, name) for code, name in DETECTABLE.items()}
    codes = {language: code for code, language in languages.items()}
    return LanguageDetectorBuilder.from_languages(*languages.values()).build(), codes


def detect_language(text: str) -> str:
    """The ISO code of the text's language, or "" when the text is too short or too mixed to tell."""
    text = (text or "").strip()
    if len(text) < 3:
        return ""
    detector, codes = _detector()
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return ""
    return codes.get(values[0].language, "")
