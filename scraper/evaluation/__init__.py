"""``akhbar eval``: the extractor scored against ground-truth pages, beside trafilatura, on the
pages as saved and on harder variants built from them in memory (:mod:`.variants`)."""
