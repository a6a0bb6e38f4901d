"""Text in every script round-trips exactly through add, show, list and export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers.cli import CliRun

TEXTS = {
    "arabic": "قالت الوزارة إن معدل البطالة انخفض إلى ٤٫١٪ في مارس",
    "hebrew": "הממשלה הודיעה כי האבטלה ירדה ל-4.1% במרץ",
    "russian": "Министр заявил, что безработица снизилась до 4,1% в марте",
    "emoji": "Unemployment fell 📉 to 4.1% 🎉👩🏽‍💻 in March",
    "mixed": "Zakharova: «Ближний Восток» — الشرق الأوسط — מזרח תיכון ✔︎",
    "combining": "Cafe\u0301 prices rose; Ñandú e\u0301le\u0300ve",
    "rtl_marks": "\u200fقال\u200e Lavrov \u202bنص\u202c",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_text_round_trips(cli: CliRun, tmp_path: Path, text: str) -> None:
    article = tmp_path / "source.txt"
    article.write_text(f"Intro. {text} Outro.", encoding="utf-8")
    assert (
        cli("source", "add", "https://news.example/u", "--text-file", str(article)).exit_code == 0
    )
    added = cli(
        "add",
        text,
        "--source",
        "1",
        "--claimant",
        "Мария Захарова",
        "--quote",
        text,
        "--tag",
        "الشرق",
    )
    assert added.exit_code == 0, added.stderr
    claim_id = added.stdout.strip()
    note = f"Nota: {text}"
    assert (
        cli(
            "verify", claim_id, "--status", "false", "--note", note, "--rating-label", "Falso ❌"
        ).exit_code
        == 0
    )

    shown = json.loads(cli("show", claim_id, "--format", "json").stdout)
    assert shown["text"] == text
    assert shown["appearances"][0]["quote"] == text
    assert shown["appearances"][0]["start"] == len("Intro. ")
    assert shown["claimant"]["name"] == "Мария Захарова"
    assert shown["reviews"][0]["note"] == note
    assert shown["reviews"][0]["rating_label"] == "Falso ❌"
    assert shown["tags"] == ["الشرق"]
    assert text in cli("show", claim_id).stdout

    listed = json.loads(cli("list", "--format", "json").stdout)
    assert listed[0]["text"] == text

    report = tmp_path / "report.csv"
    assert cli("export", "--output", str(report)).exit_code == 0
    row = next(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    assert row["text"] == text
    assert row["quote"] == text
    assert row["note"] == note
    assert row["claimant"] == "Мария Захарова"
