"""Uploading a table in the app (AppTest): every corpus file gives its outcome and a message naming the problem;
the bundled dataset stays one click away; a download uploads back unchanged."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.dataset.export import to_csv
from dashboard.dataset.loading import load_events
from dashboard.paths import SEEDS_DIR
from tests.dataset.test_ingest import CASES, corpus  # noqa: F401 - the corpus fixture
from tests.ui.test_app import APP, table_ids

BUNDLED = len(load_events())


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.get("file_uploader")[0].set_value([(name, data, "application/octet-stream") for name, data in files])
    return at.run()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    return at.run()


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown message: the app quotes data in code spans, the browser shows it plain."""
    return re.sub(r"(`+) (.*?) \1", r"\2", markdown)


def problems_text(at: AppTest) -> str:
    tables = [frame.value for frame in at.dataframe if "problem" in frame.value.columns]
    rows = [f"row {r['row']}, column '{r['column']}': {r['problem']}" for r in tables[0].to_dict("records")] \
        if tables else []
    return " ".join([*(shown(e.value) for e in at.error), *(shown(w.value) for w in at.warning), *rows])


@pytest.mark.parametrize(("name", "code", "fragment", "kept"), CASES)
def test_corpus_through_the_app(app, corpus, name, code, fragment, kept):  # noqa: F811
    upload(app, (name, (corpus / name).read_bytes()))
    assert not app.exception, app.exception
    if code == 2:  # unreadable: said so, and the bundled data stays on screen
        assert fragment in " ".join(shown(e.value) for e in app.error)
        assert len(table_ids(app)) == BUNDLED
    elif code == 1:
        assert fragment in problems_text(app)
        assert len(table_ids(app)) == kept
    else:
        assert any("rows are valid" in s.value for s in app.success)
        assert len(table_ids(app)) == kept


def test_the_bundled_dataset_is_one_click_away(app, corpus):  # noqa: F811
    upload(app, ("names_only.csv", (corpus / "names_only.csv").read_bytes()))
    assert len(table_ids(app)) == 4
    next(b for b in app.button if b.label == "Use the bundled dataset").click().run()
    assert len(table_ids(app)) == BUNDLED and not app.get("file_uploader")[0].value


def test_filters_start_afresh_for_an_uploaded_dataset(app, corpus):  # noqa: F811
    app.multiselect(key="countries").set_value(["TWN"]).run()
    upload(app, ("names_only.csv", (corpus / "names_only.csv").read_bytes()))
    assert app.multiselect(key="countries").value == [] and len(table_ids(app)) == 4


def test_seed_articles_can_be_uploaded_with_the_table(app, corpus):  # noqa: F811
    data = (corpus / "downloaded.csv").read_bytes().replace(b"000_0441dc0ab698eb74.txt", b"my_article.txt")
    upload(app, ("mine.csv", data))
    assert "not found in the seed files given" in problems_text(app)
    article = (SEEDS_DIR / "000_0441dc0ab698eb74.txt").read_bytes()  # the same article under the new name
    upload(app, ("mine.csv", data), ("my_article.txt", article))
    assert any("rows are valid" in s.value for s in app.success) and len(table_ids(app)) == BUNDLED


def test_download_then_upload_round_trip(app):
    upload(app, ("events.csv", to_csv(load_events())))
    assert len(table_ids(app)) == BUNDLED and any("all 12 rows are valid" in s.value for s in app.success)
