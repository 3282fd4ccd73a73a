"""Offline language detection for user texts (lingua ships its models inside the package)."""

from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

# The languages the platform offers, by ISO 639-1 code. Leichte Sprache is German for detection.
DETECTABLE = {
    "de": Language.GERMAN,
    "en": Language.ENGLISH,
    "tr": Language.TURKISH,
    "ar": Language.ARABIC,
    "pl": Language.POLISH,
    "ru": Language.RUSSIAN,
    "fa": Language.PERSIAN,
    "uk": Language.UKRAINIAN,
}
_CODES = {language: code for code, language in DETECTABLE.items()}
MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _detector():
    # Built once per process on first use; read-only afterwards, so safe to share between threads.
    return LanguageDetectorBuilder.from_languages(*DETECTABLE.values()).build()


def detect_language(text: str) -> str:
    """The ISO code of the text's language, or "" when the text is too short or too mixed to tell."""
    text = (text or "").strip()
    if len(text) < 3:
        return ""
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return ""
    return _CODES.get(values[0].language, "")
