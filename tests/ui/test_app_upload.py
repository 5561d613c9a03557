"""Uploading a table in the app (AppTest): every corpus file gives its outcome and a message naming the problem;
the bundled dataset stays one click away; a download uploads back unchanged; a table in another format is
mapped, previewed and loaded; the template can be downloaded."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.dataset.export import to_csv
from dashboard.dataset.loading import load_events
from dashboard.paths import SEEDS_DIR
from tests.dataset.test_ingest import CASES, corpus  # noqa: F401 - the corpus fixture
from tests.ui.test_app import APP, table_ids

BUNDLED = len(load_events())


def uploader(at: AppTest):
    """The sidebar's dataset uploader (the drafting panel has one of its own)."""
    return next(u for u in at.get("file_uploader") if u.key and u.key.startswith("upload-"))


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader(at).set_value([(name, data, "application/octet-stream") for name, data in files])
    return at.run()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    return at.run()


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown message: the app quotes data in code spans, the browser shows it plain."""
    return re.sub(r"(`+) (.*?) \1", r"\2", markdown)


def problems_text(at: AppTest) -> str:
    """The messages and the problem list ("row 3, column 'lat': …", plain text, one problem a line)."""
    return " ".join([*(shown(e.value) for e in at.error), *(shown(w.value) for w in at.warning),
                     *(t.value for t in at.text)])


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
    assert len(table_ids(app)) == BUNDLED and not uploader(app).value


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


def test_an_archive_without_a_table_is_refused_by_name(app):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("seeds/a.txt", "An article.")
    upload(app, ("mine.zip", archive.getvalue()))
    assert "must hold one table" in " ".join(shown(e.value) for e in app.error)
    assert len(table_ids(app)) == BUNDLED


def test_download_then_upload_round_trip(app):
    upload(app, ("events.csv", to_csv(load_events())))
    assert len(table_ids(app)) == BUNDLED and any("all 12 rows are valid" in s.value for s in app.success)


# ---------------------------------------------------------------- a table in another format, mapped

CORPUS = Path(__file__).parents[1] / "corpus"


def mapping_choices(at: AppTest) -> dict[str, str | None]:
    return {box.label: box.value for box in at.selectbox if box.key and box.key.startswith("mapping-")}


def load_mapped(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Load mapped table").click().run()


def test_a_plain_table_is_mapped_previewed_and_loaded(app):
    upload(app, ("plain.csv", (CORPUS / "plain_table.csv").read_bytes()))
    assert not app.exception, app.exception
    assert "is not in the dataset's format" in shown(app.info[0].value)
    choices = mapping_choices(app)
    assert {k: v for k, v in choices.items() if v is not None} == {
        "Title": "title", "Date (one for start and end)": "date", "Latitude": "lat", "Longitude": "lon"}
    assert len(choices) == 21 and table_ids(app) == []  # nothing loaded yet
    preview = next(frame.value for frame in app.dataframe if "date_basis" in frame.value.columns)
    assert len(preview) == 10 and set(preview["date_basis"]) == {"table"}
    load_mapped(app)
    assert not app.exception, app.exception
    assert any("all 20 rows are valid" in s.value for s in app.success)
    assert len(table_ids(app)) == 20 and app.metric[0].value == "20"
    assert table_ids(app)[0] == "meeting-1-in-paris-1"


def test_a_changed_choice_is_previewed_and_a_mapping_without_a_title_is_refused(app):
    upload(app, ("plain.csv", (CORPUS / "plain_table.csv").read_bytes()))
    title = next(box for box in app.selectbox if box.label == "Title")
    title.select_index(0)  # "—": no column
    next(b for b in app.button if b.label == "Preview").click().run()
    assert "plain.csv: no column gives the title (map title)" in problems_text(app)
    load_mapped(app)
    assert table_ids(app) == [] and not any("rows are valid" in s.value for s in app.success)
    next(box for box in app.selectbox if box.label == "Title").set_value("date")
    load_mapped(app)
    assert len(table_ids(app)) == 20


def test_garbage_in_mapped_columns_is_listed_with_the_table_s_rows_and_columns(app):
    upload(app, ("garbage.csv", (CORPUS / "mapped_garbage.csv").read_bytes()))
    load_mapped(app)
    assert not app.exception, app.exception
    text = problems_text(app)
    assert "row 2, column 'Lat': 'north' is not a number" in text
    assert "row 1, column 'When': '30/08/2022' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)" in text
    assert "row 5, column 'Lon': '24,75' uses a comma as decimal separator (write a dot: 45.5)" in text
    assert table_ids(app) == ["summit-in-vilnius-3"]


def test_long_problems_are_listed_in_full(app):
    title = "A " + "very " * 40 + "long title"
    data = f"title,date,place\n{title},2022,Nowhere-on-Earth-{'x' * 40}\n".encode()
    upload(app, ("long.csv", data))
    load_mapped(app)
    (listing,) = [t.value for t in app.text]
    assert listing.startswith("row 1, column 'place': 'Nowhere-on-Earth-") \
        and listing.endswith("is not in the offline gazetteer: give latitude, longitude and location_precision")


def test_the_bundled_dataset_comes_back_from_a_mapped_table(app):
    upload(app, ("plain.csv", (CORPUS / "plain_table.csv").read_bytes()))
    load_mapped(app)
    next(b for b in app.button if b.label == "Use the bundled dataset").click().run()
    assert len(table_ids(app)) == BUNDLED and not mapping_choices(app)


def test_the_template_can_be_downloaded(app):
    (button,) = [b for b in app.get("download_button") if b.label == "Download template"]
    # Made when pressed, not on every rerun (test_columns loads what it gives back without a problem).
    assert not button.proto.url and button.proto.deferred_file_id


@pytest.mark.parametrize(("layout", "name"), [("acled", "2023-ACLED-export.csv"), ("acled_xlsx", "acled.xlsx"),
                                              ("ucdp", "ged241.csv"), ("gdelt_zip", "20240101.export.CSV.zip")])
def test_published_datasets_upload_as_they_are(app, tmp_path, layout, name):
    """ACLED, UCDP GED and GDELT files show at once, no mapping form: each valid row is in the table with its
    dataset as provenance, and the bad rows the samples hold are listed."""
    from tests.dataset.formats import samples

    path = getattr(samples, f"write_{layout}")(tmp_path / name)
    upload(app, (name, path.read_bytes()))
    assert not app.exception, app.exception
    assert not any("not in the dataset's format" in i.value for i in app.info)  # no mapping asked for
    ids = table_ids(app)
    prefix = layout.split("_")[0]
    assert ids and all(i.startswith(f"{prefix}-") for i in ids)
