from scraper.text import clean_multiline, clean_text, fingerprint_text


def test_clean_text_removes_tatweel_invisible_marks_and_extra_spaces() -> None:
    raw = "\u200fالـــرئيس\u200b  بوتين\u00a0\u202bيقول\u202c\n"
    assert clean_text(raw) == "الرئيس بوتين يقول"


def test_clean_text_keeps_diacritics_and_eastern_digits() -> None:
    raw = "قُتِلَ ١٢ شخصاً"
    assert clean_text(raw) == raw


def test_clean_text_composes_to_nfc() -> None:
    decomposed = "\u0627\u0653"  # alef + madda above, decomposed
    assert clean_text(decomposed) == "\u0622"


def test_clean_multiline_keeps_one_blank_line_between_paragraphs() -> None:
    assert clean_multiline("أول  \n\n\n\n  ثان\r\nثالث") == "أول\n\nثان\nثالث"


def test_fingerprint_folds_spelling_variants_only_for_matching() -> None:
    assert fingerprint_text("أكّد الرئيسُ ١٢ مرّة") == fingerprint_text("اكد الرئيس 12 مره")
    assert fingerprint_text("مستشفى") == fingerprint_text("مستشفي")
