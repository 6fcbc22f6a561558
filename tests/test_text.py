import pytest

from articles.core.text import html_to_text, latin_slugify, sanitize_html


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Түркістан облысының делегациясы", "turkistan-oblysynyng-delegatsiyasy"),
        ("Әкім қаңтарда өңірге келді", "akim-qangtarda-ongirge-keldi"),
        ("Ғылым және һәм Ұлттық үміт", "ghylym-zhane-ham-ulttyq-umit"),
        ("Экономика Казахстана растёт", "ekonomika-kazakhstana-rastyot"),
        ("Щедрый урожай: объём вырос на 5%", "shchedryi-urozhai-obyom-vyros-na-5"),
        ("Astana hosts the 2026 forum", "astana-hosts-the-2026-forum"),
    ],
)
def test_slugs_are_readable_latin(headline, slug):
    assert latin_slugify(headline) == slug


def test_every_kazakh_letter_is_transliterated():
    for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ":
        slug = latin_slugify(f"a{letter}b")
        assert slug.isascii(), letter
        assert len(slug) > 2, letter


def test_long_headline_slug_is_cut_on_a_word():
    slug = latin_slugify("Қазақстан " * 40, max_length=50)
    assert len(slug) <= 50
    assert not slug.endswith("-")
    assert slug.split("-")[-1] == "qazaqstan"


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>ok</p><script>alert(1)</script>", "script"),
        ("<p>ok</p><style>body{display:none}</style>", "style"),
        ('<p onclick="steal()">ok</p>', "onclick"),
        ('<img src="x.jpg" onerror="steal()" alt="a">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<img src="data:image/png;base64,AAAA" alt="a">', "data:"),
        ('<a href="data:text/html,<script>1</script>">x</a>', "data:"),
        ("<svg><script>alert(1)</script></svg>", "svg"),
        ('<svg onload="alert(1)"><use href="#x"/></svg>', "onload"),
        ("<math><mtext><img src=x onerror=alert(1)></mtext></math>", "onerror"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<p style="position:fixed">x</p>', "style"),
        ('<object data="x.swf"></object>', "object"),
        ('<form action="/x"><input name="a"></form>', "form"),
        ('<oembed url="https://evil.example/video"></oembed>', "evil"),
    ],
)
def test_sanitising_removes_dangerous_markup(dirty, forbidden):
    assert forbidden.lower() not in sanitize_html(dirty).lower()


def test_sanitising_keeps_news_formatting():
    html = (
        "<h2>Тақырып</h2><p><strong>Қалың</strong> және <em>көлбеу</em> "
        '<a href="https://turanews.kz/a">сілтеме</a></p>'
        "<ul><li>бір</li></ul><ol><li>екі</li></ol><blockquote><p>дәйексөз</p></blockquote>"
        '<figure class="image"><img src="/media/a.jpg" alt="сурет"><figcaption>жазу</figcaption></figure>'
        '<figure class="table"><table><thead><tr><th>А</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></figure>'
        '<figure class="media"><oembed url="https://www.youtube.com/watch?v=abc"></oembed></figure>'
    )
    clean = sanitize_html(html)
    for kept in [
        "<h2>Тақырып</h2>", "<strong>Қалың</strong>", "<em>көлбеу</em>",
        'href="https://turanews.kz/a"', "<li>бір</li>", "<blockquote>",
        '<img src="/media/a.jpg" alt="сурет">', "<figcaption>жазу</figcaption>",
        "<th>А</th>", "<td>1</td>", 'url="https://www.youtube.com/watch?v=abc"',
        '<figure class="image">',
    ]:  # fmt: skip
        assert kept in clean, kept
    assert 'rel="noopener noreferrer"' in clean


def test_plain_text_of_html():
    assert html_to_text("<p>Бір &amp; екі</p>\n<p>үш</p>") == "Бір & екі үш"
