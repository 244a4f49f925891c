"""The translation catalogues (gongzhi/locale): Simplified and Traditional Chinese are complete,
keep every placeholder, and the compiled .mo files match their .po files; English falls back to the
source strings. After changing a source string: makemessages, translate, compilemessages."""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
CHINESE = ["zh_Hans", "zh_Hant"]
ALL = [*CHINESE, "en"]

# %(name)s / %(n)d and bare %s / %d ("%%" is a literal percent sign, not a placeholder).
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.mark.parametrize("lang", ALL)
def test_catalogue_exists_and_is_not_empty(lang):
    po = catalogue(lang)
    assert len(po) > 100, f"{lang}: run makemessages"
    assert not po.obsolete_entries(), f"{lang}: obsolete entries; run makemessages --no-obsolete"


@pytest.mark.parametrize("lang", CHINESE)
def test_chinese_catalogues_are_complete(lang):
    po = catalogue(lang)
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    untranslated = [e.msgid for e in po if not all(t.strip() for t in translations(e))]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", CHINESE)
def test_chinese_translations_keep_every_placeholder(lang):
    wrong = []
    for entry in catalogue(lang):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        # Chinese has one plural form; it must carry the placeholders of the plural msgid.
        wanted = placeholders(sources[-1]) | placeholders(sources[0])
        for text in translations(entry):
            if placeholders(text) != wanted:
                wrong.append((entry.msgid, text))
    assert not wrong, f"{lang}: placeholders differ: {wrong[:5]}"


def test_english_catalogue_falls_back_to_the_source():
    po = catalogue("en")
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not [e.msgid for e in po if "fuzzy" in e.flags]


@pytest.mark.parametrize("lang", ALL)
def test_mo_file_is_compiled_from_the_current_po(lang, tmp_path):
    """Modification times are not reliable after a checkout: compare contents instead."""
    mo_path = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{lang}: run compilemessages"
    expected_path = tmp_path / "expected.mo"
    catalogue(lang).save_as_mofile(str(expected_path))

    def messages(mo: polib.MOFile) -> dict:
        return {(e.msgctxt, e.msgid, e.msgid_plural): tuple(translations(e)) for e in mo}

    expected = messages(polib.mofile(str(expected_path)))
    actual = messages(polib.mofile(str(mo_path)))
    assert actual.keys() == expected.keys(), (
        f"{lang}: django.mo is out of date (run compilemessages): "
        f"missing {sorted(expected.keys() - actual.keys())[:5]}, extra {sorted(actual.keys() - expected.keys())[:5]}"
    )
    changed = [key for key in expected if expected[key] != actual[key]]
    assert not changed, f"{lang}: django.mo is out of date (run compilemessages): {changed[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", [["登录"], ["手机号"]]),
        ("zh-hant", [["登入", "登錄"], ["手機號"]]),
        ("en", [["Sign in"], ["mobile number"]]),
    ],
)
def test_sign_in_page_is_translated(client, language, words):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/accounts/login/").content.decode()
    assert f'lang="{language}"' in page
    for alternatives in words:
        assert any(word in page for word in alternatives), (language, alternatives)
    if language != "en":
        assert "Sign in" not in page and "Password" not in page


def test_every_source_string_is_in_the_catalogues(tmp_path):
    """A string marked for translation in the code or a template but never extracted would show
    in English to every user: extract the strings of a copy of the source (makemessages, GNU
    gettext) and check that nothing new appears untranslated in the Chinese catalogues."""
    import shutil
    import subprocess
    import sys

    source = LOCALE.parent
    copy = tmp_path / "gongzhi"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "tests", "migrations"))
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "gongzhi.settings", "PYTHONPATH": str(source.parent)}
    subprocess.run(  # noqa: S603 - a fixed command on a copy of our own source
        [sys.executable, "-m", "django", "makemessages", "--no-obsolete", *[f"-l{lang}" for lang in CHINESE]],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    for lang in CHINESE:
        extracted = polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in extracted if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        assert not missing, f"{lang}: strings not translated (run `make messages` and translate): {missing[:10]}"
