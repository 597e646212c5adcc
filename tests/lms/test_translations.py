"""The Korean catalogue is complete: people read Korean first, and a string left
untranslated or only guessed by msgmerge (fuzzy) shows English or a wrong text."""

from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/ko/LC_MESSAGES/django.po"


def entries(text: str) -> list[str]:
    """The catalogue's live entries (obsolete ``#~`` lines and the header left out)."""
    blocks = [b for b in text.split("\n\n") if "msgid" in b]
    live = [b for b in blocks if not b.lstrip().startswith("#~")]
    return [b for b in live if 'msgid ""\nmsgstr ""\n"Project' not in b]


def untranslated(block: str) -> bool:
    lines = block.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
    for i in starts:
        text = lines[i].split(" ", 1)[1] + "".join(
            line for line in lines[i + 1 :] if line.startswith('"')
        )
        if text.replace('"', "") == "":
            return True
    return False


def test_every_korean_entry_is_translated_and_none_is_fuzzy():
    blocks = entries(CATALOGUE.read_text(encoding="utf-8"))

    assert len(blocks) > 900
    assert [b for b in blocks if "#, fuzzy" in b or ", fuzzy" in b] == []
    assert [b for b in blocks if untranslated(b)] == []
