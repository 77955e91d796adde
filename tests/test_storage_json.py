"""The engine's JSON serializer (orjson, with the json module as fallback) keeps values and Arabic text."""

import json

from scraper.storage.engine import make_engine
from scraper.storage.prepare import dump_json, load_json


def test_round_trip_keeps_arabic_as_utf8() -> None:
    value = {"title": "عاجل: خبر", "blocks": [{"kind": "p", "text": "نص \"مقتبس\"\n\t\u2028"}], "n": 3, "x": None}
    text = dump_json(value)
    assert "عاجل" in text and "\\u" not in text.replace("\\u2028", "")
    assert load_json(text) == value == json.loads(text)


def test_what_orjson_refuses_goes_through_json() -> None:
    value = {1: "a", "big": 2**70}
    assert load_json(dump_json(value)) == json.loads(json.dumps(value))


def test_old_json_module_text_still_reads() -> None:
    assert load_json(json.dumps({"a": float("nan")}))["a"] != 0
    assert load_json(json.dumps({"t": "خبر"}, ensure_ascii=True)) == {"t": "خبر"}


def test_engine_uses_them(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert engine.dialect._json_serializer is dump_json
    assert engine.dialect._json_deserializer is load_json
