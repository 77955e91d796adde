"""Stage 7: the language of the text by its script, not the page's (often wrong) ``lang``."""

from __future__ import annotations

import re

# runs, summed: one match per word costs a third of one per letter
_ARABIC_RUNS = re.compile(r"[\u0621-\u064a\u0660-\u0669]+")
_PERSIAN = re.compile(r"[پچژگک\u06cc]")
_URDU = re.compile(r"[ٹڈڑںےھ]")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
_FRENCH = re.compile(r"\b(?:le|la|les|des|du|et|est|une|dans|pour|que)\b", re.I)
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|is|that|for|with|was)\b", re.I)


def detect_language(text: str, declared: str | None = None) -> str | None:
    sample = text[:2000]  # enough letters to tell the script; the rest would only repeat it
    arabic = sum(map(len, _ARABIC_RUNS.findall(sample)))
    latin = len(_LATIN.findall(sample))
    if arabic == 0 and latin == 0:
        return None
    if arabic >= latin:
        urdu, persian = len(_URDU.findall(sample)), len(_PERSIAN.findall(sample))
        if urdu > arabic * 0.02:
            return "ur"
        if persian > arabic * 0.02:
            return "fa"
        return "ar"
    declared = (declared or "").split("-")[0].lower()
    if declared and declared != "ar" and declared.isalpha():
        return declared
    return "fr" if len(_FRENCH.findall(sample)) > len(_ENGLISH.findall(sample)) else "en"
