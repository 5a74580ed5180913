import json

import pytest
from django.core.management import call_command

from listening.models import Mention
from tests.factories import BrandFactory, BusinessCalendarFactory, SLAPolicyFactory, ShiftFactory


def test_good_rows_are_imported_and_bad_rows_reported_by_line(tmp_path, db, capsys):
    BrandFactory(slug="lumio", time_zone="Europe/Paris")
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([
        '{"id": "call-1", "text": "Client furieux au téléphone : box HS", "posted_at": "2026-11-20T09:30:00", "platform": "other"}',
        "{not json",
        '{"id": "mail-2", "text": "", "posted_at": "2026-11-20T10:00:00+01:00"}',
        '{"id": "mail-3", "text": "Question sur le roaming", "posted_at": "hier"}',
        '{"text": "Merci pour le dépannage !", "posted_at": "2026-11-21T11:00:00Z", "author": "@lea_75", "followers": "120"}',
        '["a list"]',
    ]), encoding="utf-8")
    call_command("import_mentions", str(path), "--brand", "lumio")
    out, err = capsys.readouterr()
    assert "2 new" in out and "4 bad rows" in out
    assert "line 2: not valid JSON" in err and "line 3: no text" in err
    assert "line 4: posted_at 'hier' is not an ISO 8601 date" in err and "line 6: not a JSON object" in err
    naive = Mention.objects.get(external_id="call-1")
    assert naive.posted_at.isoformat() == "2026-11-20T08:30:00+00:00"  # read in the brand's time zone
    call_command("import_mentions", str(path), "--brand", "lumio")  # twice: nothing new
    assert Mention.objects.count() == 2


def test_csv_import(tmp_path, db, capsys):
    BrandFactory(slug="lumio")
    path = tmp_path / "crm.csv"
    path.write_text("id,text,posted_at,author,platform\n"
                    'c1,"Ligne coupée, merci de rappeler",2026-11-22T08:00:00+00:00,client-881,other\n'
                    "c2,Texte,2026-11-22T08:00:00+00:00,x,fax\n", encoding="utf-8")
    call_command("import_mentions", str(path), "--brand", "lumio")
    out, err = capsys.readouterr()
    assert "1 new" in out and "line 3: platform 'fax'" in err


def _import(path, capsys, brand="lumio"):
    call_command("import_mentions", str(path), "--brand", brand)
    return capsys.readouterr()


def _line(n, **fields):
    row = {"id": f"r{n}", "text": f"Ligne {n} : toujours en panne", "posted_at": "2026-11-20T09:30:00+01:00", **fields}
    return json.dumps(row)


def test_rows_that_used_to_abort_the_import_are_reported_and_the_good_rows_kept(tmp_path, db, capsys):
    """Each bad row is reported by line with a reason; every good row, before and after, is stored,
    even when the bad row sits in the same batch as good ones."""
    brand = BrandFactory(slug="lumio", time_zone="Europe/Paris")
    calendar = BusinessCalendarFactory(brand=brand)
    for day in range(5):
        ShiftFactory(calendar=calendar, weekday=day)
    SLAPolicyFactory(brand=brand, counted_in="business_hours")
    lines = [
        _line(1),
        _line(2, platform=5),
        _line(3, followers=3e9, author="big"),
        '{"id": "r4", "text": "x", "posted_at": "2026-11-20T09:30:00+01:00", "followers": Infinity, "author": "inf"}',
        _line(5, author="a" * 129),
        _line(6, id="nul\x00id"),
        _line(7, url="https://example.com/\x00"),
        _line(8, language="fr\x00"),
        _line(9, author="bad\x00author"),
        _line(10, posted_at="0001-01-01T00:00:00+00:00"),
        _line(11, posted_at="9999-12-31T23:00:00+00:00"),
        _line(12, followers=-4, author="neg"),
        _line(13),
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    out, err = _import(path, capsys)
    stored = set(Mention.objects.values_list("external_id", flat=True))
    assert stored == {"r1", "r13"}
    for number in range(2, 13):
        assert f"line {number}: " in err, number
    assert "11 bad rows" in out and "2 new" in out
    assert "line 2: platform" in err and "line 5: author" in err and "line 10: posted_at" in err


def test_csv_rows_with_extra_columns_are_reported(tmp_path, db, capsys):
    BrandFactory(slug="lumio")
    path = tmp_path / "crm.csv"
    path.write_text("id,text,posted_at\n"
                    "c1,Bonjour,2026-11-22T08:00:00+00:00\n"
                    "c2,Texte,2026-11-22T08:00:00+00:00,surplus,encore\n"
                    "c3,Au revoir,2026-11-22T08:00:00+00:00\n", encoding="utf-8")
    out, err = _import(path, capsys)
    assert set(Mention.objects.values_list("external_id", flat=True)) == {"c1", "c3"}
    assert "line 3: 2 more values than the header has columns" in err


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_invalid_utf8_is_reported_with_its_line(tmp_path, db, capsys, fmt):
    BrandFactory(slug="lumio")
    if fmt == "csv":
        raw = (b"id,text,posted_at\n"
               b"c1,Bonjour,2026-11-22T08:00:00+00:00\n"
               b"c2,Caf\xe9 froid,2026-11-22T08:00:00+00:00\n"
               b"c3,Merci,2026-11-22T08:00:00+00:00\n")
    else:
        raw = "\n".join([_line(1), _line(2, text="CAFE_MARK"), _line(3)]).encode().replace(b"CAFE_MARK", b"Caf\xe9")
    path = tmp_path / f"latin1.{fmt}"
    path.write_bytes(raw)
    out, err = _import(path, capsys)
    assert Mention.objects.count() == 2
    assert not Mention.objects.filter(text__contains="\ufffd").exists()
    assert f"line {3 if fmt == 'csv' else 2}: not valid UTF-8" in err


def test_a_batch_the_database_refuses_is_stored_row_by_row(tmp_path, db, capsys, monkeypatch):
    """A failure the row checks did not foresee loses one row, not the good rows of its batch."""
    from listening import ingestion

    real = ingestion._per_row_values

    def refuse_poison(item, *args, **kwargs):
        if "poison" in item.text:
            raise OverflowError("date value out of range")
        return real(item, *args, **kwargs)

    monkeypatch.setattr(ingestion, "_per_row_values", refuse_poison)
    BrandFactory(slug="lumio")
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([_line(1), _line(2, text="poison"), _line(3)]), encoding="utf-8")
    out, err = _import(path, capsys)
    assert set(Mention.objects.values_list("external_id", flat=True)) == {"r1", "r3"}
    assert "line 2: could not be stored (date value out of range)" in err
