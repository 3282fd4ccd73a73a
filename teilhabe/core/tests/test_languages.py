import pytest

from teilhabe.core.languages import detect_language


@pytest.mark.slow  # loads the language models
@pytest.mark.parametrize(
    "text,code",
    [
        ("Wir brauchen mehr Sprachkurse mit Kinderbetreuung im Stadtteil.", "de"),
        ("We need more language courses with childcare in our neighbourhood.", "en"),
        ("Mahallemizde çocuk bakımlı daha fazla dil kursuna ihtiyacımız var.", "tr"),
        ("نحتاج إلى المزيد من دورات اللغة مع رعاية الأطفال في حيّنا.", "ar"),
        ("Potrzebujemy więcej kursów językowych z opieką nad dziećmi.", "pl"),
        ("Нам нужно больше языковых курсов с присмотром за детьми.", "ru"),
        ("ما به کلاس‌های زبان بیشتری با مراقبت از کودکان نیاز داریم.", "fa"),
        ("Нам потрібно більше мовних курсів з доглядом за дітьми.", "uk"),
    ],
)
def test_detects_the_platforms_languages(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "  ", "ok"])
def test_too_little_text_is_not_guessed(text):
    assert detect_language(text) == ""
