from django.core.management import call_command

from listening.models import Mention
from tests.factories import BrandFactory


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
