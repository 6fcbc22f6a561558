import pytest

from articles.core.latin import (
    LETTERS,
    OverrideError,
    latin_lower,
    latin_upper,
    parse_overrides,
    to_latin,
    to_latin_html,
)

# Each letter of the Kazakh Cyrillic alphabet in a word (at its start where Kazakh
# allows), with the word's spelling in the 2021 Latin alphabet; each is checked in
# lower case, capitalised and in capitals.
KAZAKH_LETTERS = [
    ("а", "ата", "ata"),
    ("ә", "әке", "äke"),
    ("б", "бала", "bala"),
    ("в", "вагон", "vagon"),
    ("г", "гүл", "gül"),
    ("ғ", "ғылым", "ğylym"),
    ("д", "дала", "dala"),
    ("е", "ел", "el"),
    ("ж", "жаз", "jaz"),
    ("з", "заң", "zañ"),
    ("и", "ине", "ine"),
    ("й", "йод", "iod"),
    ("к", "көз", "köz"),
    ("қ", "қала", "qala"),
    ("л", "лақ", "laq"),
    ("м", "мектеп", "mektep"),
    ("н", "нан", "nan"),
    ("ң", "таң", "tañ"),
    ("о", "от", "ot"),
    ("ө", "өнер", "öner"),
    ("п", "пышақ", "pyşaq"),
    ("р", "рақмет", "raqmet"),
    ("с", "сабақ", "sabaq"),
    ("т", "тіл", "tıl"),
    ("у", "у", "u"),
    ("ұ", "ұл", "ūl"),
    ("ү", "үй", "üi"),
    ("ф", "факт", "fakt"),
    ("х", "хат", "hat"),
    ("һ", "һәм", "häm"),
    ("ш", "шаш", "şaş"),
    ("ы", "ыдыс", "ydys"),
    ("і", "іні", "ını"),
]
# The capital of each Latin letter, where str.upper() would be wrong for Kazakh.
CAPITALS = {"ı": "I", "i": "İ"}


def capital(latin: str) -> str:
    return CAPITALS.get(latin[0], latin[0].upper()) + latin[1:]


@pytest.mark.parametrize(("letter", "word", "latin"), KAZAKH_LETTERS)
def test_each_kazakh_letter_lower_capitalised_and_in_capitals(letter, word, latin):
    assert letter in word
    assert to_latin(word) == latin
    assert to_latin(word[0].upper() + word[1:]) == capital(latin)
    assert to_latin(word.upper()) == latin_upper(latin)


def test_the_table_covers_the_whole_kazakh_alphabet():
    alphabet = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
    assert set(LETTERS) == set(alphabet)
    assert {letter for letter, _, _ in KAZAKH_LETTERS} == set(alphabet) - set(
        "ёцчщъьэюя"
    )


def test_the_latin_output_uses_exactly_the_31_letters():
    letters = set("".join(to_latin(word) for _, word, _ in KAZAKH_LETTERS))
    assert letters <= set("aäbdefgğhıijklmnñoöpqrsştuūüvyz")
    assert len(set("aäbdefgğhıijklmnñoöpqrsştuūüvyz")) == 31


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # The two i's: І is dotless (I ı), И and Й are dotted (İ i).
        ("Іле", "Ile"),
        ("ІЛЕ", "ILE"),
        ("Ине", "İne"),
        ("ИНЕ", "İNE"),
        ("ЙОД", "İOD"),
        ("Түркістан", "Türkıstan"),
        ("ТҮРКІСТАН", "TÜRKISTAN"),
        ("ШЫМКЕНТ", "ŞYMKENT"),
        ("Шымкент", "Şymkent"),
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
        ("Х пен Һ", "H pen H"),
        # A 1902 Kazakh text in today's spelling, as commonly shown in the 2021 letters.
        (
            "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен "
            "қазысының үйіне келіп қоныпты.",
            "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken "
            "qazysynyñ üiıne kelıp qonypty.",
        ),
    ],
)
def test_kazakh_words(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # ё, ю, я are й + a vowel: İo, İu, İa.
        ("ёлка", "iolka"),
        ("Ёлка", "İolka"),
        ("юбилей", "iubilei"),
        ("Юбилей", "İubilei"),
        ("ЮБИЛЕЙ", "İUBİLEİ"),
        ("Ясауи", "İasaui"),
        ("ЯСАУИ", "İASAUİ"),
        ("Я", "İa"),
        ("ДАРЬЯ", "DARİA"),
        # ц -> ts, in the case of its word.
        ("цирк", "tsirk"),
        ("Цирк", "Tsirk"),
        ("ЦИРК", "TSİRK"),
        ("ЦЕХ", "TSEH"),
        ("ОТЕЦ", "OTETS"),
        ("Отец", "Otets"),
        # ч -> ç, ш -> ş, щ -> şş.
        ("чай", "çai"),
        ("ЧАЙ", "ÇAİ"),
        ("щётка", "şşiotka"),
        ("Щётка", "Şşiotka"),
        ("ЩЁТКА", "ŞŞİOTKA"),
        # ъ and ь are dropped, э is e.
        ("подъезд", "podezd"),
        ("компьютер", "kompiuter"),
        ("ПОДЪЕЗД", "PODEZD"),
        ("экономика", "ekonomika"),
        ("Экономика", "Ekonomika"),
        # "-ий": one i.
        ("Достоевский", "Dostoevski"),
        ("ДОСТОЕВСКИЙ", "DOSTOEVSKİ"),
        ("Чайковский", "Çaikovski"),
    ],
)
def test_letters_of_russian_loan_words(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_case_helpers_keep_the_dot_of_the_kazakh_i():
    assert latin_upper("tıl ine") == "TIL İNE"
    assert latin_lower("TIL İNE") == "tıl ine"
    assert "ine".upper() == "INE"  # why the helpers exist


def test_text_without_cyrillic_is_returned_as_is():
    text = "Astana hosts the forum, 5% up"
    assert to_latin(text) is text
    assert to_latin("") == ""


def test_digits_punctuation_and_other_scripts_are_kept():
    assert to_latin("«Алматы» — 2026 ж., 5%!") == "«Almaty» — 2026 j., 5%!"
    assert to_latin("Astana мен Алматы") == "Astana men Almaty"


class TestOverrides:
    def test_a_listed_word_is_spelled_as_the_editor_wrote_it(self):
        overrides = "Самсунг = Samsung\nТокио = Tokyo"
        assert to_latin("Самсунг пен Токио", overrides) == "Samsung pen Tokyo"

    def test_kazakh_endings_after_an_override_follow_the_rules(self):
        assert to_latin("Самсунгтың", "Самсунг = Samsung") == "Samsungtyñ"

    def test_case_of_the_text_is_kept(self):
        overrides = "абай = Abai"
        assert to_latin("АБАЙ", overrides) == "ABAİ"
        assert to_latin("Абай", overrides) == "Abai"

    def test_a_lower_case_override_is_capitalised_at_a_capital(self):
        assert to_latin("Қаз", "қаз = qaz") == "Qaz"

    def test_only_word_starts_are_matched(self):
        assert to_latin("Дарья", "рья = XX") == "Daria"

    def test_longest_override_wins(self):
        overrides = "Нұр = Nur\nНұр-Сұлтан = Nur-Sultan"
        assert to_latin("Нұр-Сұлтан", overrides) == "Nur-Sultan"

    def test_mapping_is_accepted(self):
        assert to_latin("Шымкент", {"Шымкент": "Chimkent"}) == "Chimkent"

    def test_comments_and_blank_lines_are_skipped(self):
        parsed = parse_overrides("# names\n\n  Абай = Abay  \n")
        assert parsed.pairs == (("Абай", "Abay"),)

    @pytest.mark.parametrize(
        ("text", "line"),
        [
            ("Абай Abay", 1),
            ("Абай = Abay\n= Abay", 2),
            ("Абай =", 1),
            ("x" * 101 + "=y", 1),
        ],
    )
    def test_unreadable_lines_are_refused_with_their_number(self, text, line):
        with pytest.raises(OverrideError) as caught:
            parse_overrides(text)
        assert caught.value.line == line

    def test_bad_stored_overrides_never_break_a_page(self):
        assert to_latin("Абай", "no equals sign") == "Abai"


class TestHtml:
    def test_only_text_nodes_change(self):
        html = (
            '<p title="Алматы">Алматы <a href="/kk/алматы/?q=қала" target="_blank">'
            "қала</a></p>"
        )
        assert to_latin_html(html) == (
            '<p title="Алматы">Almaty <a href="/kk/алматы/?q=қала" target="_blank">'
            "qala</a></p>"
        )

    def test_code_pre_and_embeds_are_kept(self):
        html = (
            "<p>Мысал: <code>сәлем</code> соң</p>"
            "<pre><code>код</code> ішінде</pre>"
            '<figure class="media"><oembed url="https://youtu.be/x"></oembed></figure>'
            "<p>Бітті</p>"
        )
        assert to_latin_html(html) == (
            "<p>Mysal: <code>сәлем</code> soñ</p>"
            "<pre><code>код</code> ішінде</pre>"
            '<figure class="media"><oembed url="https://youtu.be/x"></oembed></figure>'
            "<p>Bıttı</p>"
        )

    def test_attribute_values_with_angle_brackets_are_kept(self):
        html = '<img alt="а > б" src="/media/сурет.jpg"><p>Сурет</p>'
        assert (
            to_latin_html(html)
            == '<img alt="а > б" src="/media/сурет.jpg"><p>Suret</p>'
        )

    def test_lists_and_tables_keep_their_structure(self):
        html = "<ul><li>бір</li><li>екі</li></ul><table><tr><td>үш</td></tr></table>"
        assert to_latin_html(html) == (
            "<ul><li>bır</li><li>ekı</li></ul><table><tr><td>üş</td></tr></table>"
        )

    def test_entities_are_kept(self):
        assert to_latin_html("<p>&laquo;Абай&raquo; &amp; Шәкәрім</p>") == (
            "<p>&laquo;Abai&raquo; &amp; Şäkärım</p>"
        )

    def test_overrides_apply_to_text_nodes(self):
        html = '<p><a href="/samsung">Самсунг</a> жаңалығы</p>'
        assert to_latin_html(html, "Самсунг = Samsung") == (
            '<p><a href="/samsung">Samsung</a> jañalyğy</p>'
        )

    def test_markup_without_cyrillic_is_returned_as_is(self):
        html = "<p>Astana</p>"
        assert to_latin_html(html) is html
