"""
A small labelled collection for judging search: stories in Kazakh, Russian and
English, and queries with the stories a reader would want for each.

Judgements are monolingual: a Kazakh query is judged against the Kazakh stories
(and against Russian ones only where both languages use the same word, as with
"Алматы", "инфляция" or "бюджет"). Used by tests/test_search.py and by
bench/search_quality.py, which prints precision@10 and recall per backend.
"""

from datetime import timedelta

from django.utils import timezone

from articles.models import Author, Category, Source, Status, Story, Tag

# key: (language, category, headline, dek, body, tags)
STORIES = {
    "k_turk_school": (
        "kk",
        "society",
        "Түркістан облысында 600 орындық жаңа мектеп ашылды",
        "Сайрам ауданындағы мектеп үш ауысымда оқитын балаларды қабылдайды.",
        "Түркістан облысының Сайрам ауданында 600 орындық мектеп пайдалануға "
        "берілді. Облыс әкімдігінің мәліметінше, биыл өңірде тағы он мектеп салынады.",
        ["білім", "Түркістан облысы"],
    ),
    "k_turk_cotton": (
        "kk",
        "economy",
        "Түркістан облысының диқандары мақта жинауды аяқтады",
        "Биыл мақта өнімі өткен жылмен салыстырғанда 8 пайызға артты.",
        "Мақтаарал және Жетісай аудандарында мақта жинау науқаны аяқталды. "
        "Облыстың ауыл шаруашылығы басқармасы егістік көлемі кеңейгенін айтты.",
        ["ауыл шаруашылығы"],
    ),
    "k_turk_city": (
        "kk",
        "society",
        "Түркістан қаласына келген туристер саны екі есе өсті",
        "Қожа Ахмет Ясауи кесенесіне келушілер көбейді.",
        "Түркістан қаласының туризм басқармасы туристер ағыны артқанын хабарлады. "
        "Қонақүйлер маусым бойы толық болды.",
        ["туризм"],
    ),
    "k_karaganda_olymp": (
        "kk",
        "society",
        "Қарағанды облысының оқушылары математикадан олимпиадада жүлде алды",
        "Халықаралық жарыста үш алтын және бір күміс медаль жеңіп алынды.",
        "Қарағанды облысының мамандандырылған мектеп-лицейінің оқушылары "
        "математика олимпиадасында жоғары нәтиже көрсетті.",
        ["білім"],
    ),
    "k_almaty_metro": (
        "kk",
        "society",
        "Алматы метросының екі жаңа бекеті ашылады",
        "Метро желісі Қалқаман шағынауданына дейін ұзартылады.",
        "Алматы метросының жаңа бекеттері келесі жылы жолаушы қабылдайды. "
        "Құрылыс жұмыстары кесте бойынша жүріп жатыр.",
        ["көлік", "Алматы"],
    ),
    "k_almaty_air": (
        "kk",
        "society",
        "Алматыда ауа сапасы тағы нашарлады",
        "Экологтар жылу маусымы басталғанда түтін көбейетінін ескертеді.",
        "Алматы қаласында ауадағы ұсақ бөлшектер мөлшері нормадан асты. "
        "Қала тұрғындарына далада аз жүру ұсынылды.",
        ["экология"],
    ),
    "k_budget": (
        "kk",
        "politics",
        "Шымкент мәслихаты қала бюджетін бекітті",
        "Келесі жылғы бюджеттің жартысы әлеуметтік салаға жұмсалады.",
        "Шымкент қалалық мәслихатының сессиясында 2027 жылға арналған бюджет "
        "қабылданды. Депутаттар жол құрылысына қосымша қаражат бөлді.",
        ["бюджет"],
    ),
    "k_wheat": (
        "kk",
        "economy",
        "Солтүстік Қазақстанда бидай өнімі рекордтық деңгейге жетті",
        "Диқандар гектарына орта есеппен 18 центнерден астық жинады.",
        "Солтүстік Қазақстан облысында бидай жинау аяқталды. Астықтың сапасы "
        "жоғары, экспортқа сұраныс бар.",
        ["ауыл шаруашылығы", "астық"],
    ),
    "k_inflation": (
        "kk",
        "economy",
        "Ұлттық банк базалық мөлшерлемені өзгеріссіз қалдырды",
        "Мөлшерлеме 16,5 пайыз деңгейінде сақталды.",
        "Ұлттық банктің мәліметінше, жылдық инфляция баяулап келеді. "
        "Келесі шешім екі айдан кейін жарияланады.",
        ["экономика"],
    ),
    "k_football": (
        "kk",
        "sport",
        "Қазақстан құрамасы футболдан іріктеу ойынында жеңіске жетті",
        "Астанада өткен кездесу 2:1 есебімен аяқталды.",
        "Ұлттық құрама футболдан Еуропа чемпионатының іріктеу кезеңінде маңызды "
        "үш ұпай жинады. Жанкүйерлер стадионды толтырды.",
        ["спорт"],
    ),
    "k_oil": (
        "kk",
        "economy",
        "Теңіз кен орнында мұнай өндіру көлемі артты",
        "Кеңейту жобасы толық қуатына шықты.",
        "Теңізшевройл компаниясы мұнай өндіру жоспары орындалғанын хабарлады. "
        "Экспорт Каспий құбыр консорциумы арқылы жүреді.",
        ["мұнай"],
    ),
    "k_hospital": (
        "kk",
        "society",
        "Ақтөбеде жаңа перинаталдық орталық салынады",
        "Орталық 2028 жылы пайдалануға беріледі.",
        "Ақтөбе облысының денсаулық сақтау басқармасы құрылыс басталғанын айтты. "
        "Облыс орталығында тағы екі емхана ашылады.",
        ["денсаулық"],
    ),
    "k_election": (
        "kk",
        "politics",
        "Мәслихат депутаттарын сайлау наурызда өтеді",
        "Орталық сайлау комиссиясы күнтізбелік жоспарды бекітті.",
        "Сайлауға үміткерлерді тіркеу екі аптадан кейін басталады. Сайлаушылар "
        "тізімі жаңартылады.",
        ["сайлау"],
    ),
    "r_turk_flood": (
        "ru",
        "society",
        "В Туркестанской области эвакуировали жителей из-за паводка",
        "Уровень воды в Сырдарье поднялся за сутки на метр.",
        "Спасатели вывезли из подтопленных сёл более двухсот человек. "
        "В области работает оперативный штаб.",
        ["паводок"],
    ),
    "r_election": (
        "ru",
        "politics",
        "В Казахстане назначены выборы в маслихаты",
        "Голосование пройдёт в марте.",
        "Центральная избирательная комиссия утвердила календарь выборов. "
        "Кандидаты начнут регистрацию через две недели.",
        ["выборы"],
    ),
    "r_election2": (
        "ru",
        "politics",
        "Явка на выборах депутатов составила 62 процента",
        "ЦИК подвёл предварительные итоги голосования.",
        "Наибольшая явка зафиксирована в сельских округах. Окончательные "
        "результаты выборов объявят в течение недели.",
        [],
    ),
    "r_almaty_jazz": (
        "ru",
        "culture",
        "В Алматы прошёл фестиваль уличного джаза",
        "На площадках выступили музыканты из шести стран.",
        "Фестиваль собрал более десяти тысяч зрителей. Концерты шли на "
        "улице Панфилова до позднего вечера.",
        ["культура"],
    ),
    "r_almaty_metro": (
        "ru",
        "society",
        "Метро Алматы продлят до микрорайона Калкаман",
        "Две новые станции откроют в следующем году.",
        "Строительство тоннеля идёт по графику, сообщили в городском управлении "
        "пассажирского транспорта.",
        ["транспорт"],
    ),
    "r_rate": (
        "ru",
        "economy",
        "Нацбанк сохранил базовую ставку на уровне 16,5%",
        "Регулятор отмечает замедление цен.",
        "Годовая инфляция замедлилась второй месяц подряд. Следующее решение по "
        "ставке объявят в январе.",
        ["экономика"],
    ),
    "r_wheat": (
        "ru",
        "economy",
        "Урожай пшеницы на севере Казахстана превысил прогноз",
        "Аграрии собрали в среднем по 18 центнеров с гектара.",
        "Уборка зерновых в Северо-Казахстанской области завершена. Качество "
        "пшеницы высокое, растёт спрос на экспорт.",
        ["сельское хозяйство"],
    ),
    "r_oil": (
        "ru",
        "economy",
        "Добыча нефти на Тенгизе выросла на 12 процентов",
        "Проект расширения вышел на полную мощность.",
        "Экспорт идёт по трубопроводу Каспийского консорциума. Компания "
        "подтвердила годовой план.",
        ["нефть"],
    ),
    "r_yolka": (
        "ru",
        "culture",
        "Главную ёлку страны установили в Астане",
        "Высота ели — 30 метров.",
        "Праздничную ёлку на площади украсят к двадцатому декабря. "
        "Рядом откроется каток.",
        ["праздники"],
    ),
    "r_fuel": (
        "ru",
        "economy",
        "Цены на бензин выросли на пять процентов",
        "Подорожание связывают с ремонтом завода.",
        "Запасы нефтепродуктов на складах снизились, сообщили в министерстве "
        "энергетики.",
        ["цены"],
    ),
    "r_school": (
        "ru",
        "society",
        "В Шымкенте построят три новые школы",
        "Каждая рассчитана на 1200 учеников.",
        "Строительство начнётся весной, подрядчиков выберут на конкурсе.",
        ["образование"],
    ),
    "r_budget": (
        "ru",
        "politics",
        "Депутаты утвердили бюджет Шымкента на 2027 год",
        "Половина расходов пойдёт на социальную сферу.",
        "Маслихат также выделил дополнительные средства на строительство дорог.",
        ["бюджет"],
    ),
    "r_football": (
        "ru",
        "sport",
        "Сборная Казахстана по футболу обыграла соперника в отборе Евро",
        "Матч в Астане завершился со счётом 2:1.",
        "Команда набрала три важных очка. Трибуны стадиона были заполнены.",
        ["спорт"],
    ),
    "e_turk_school": (
        "en",
        "society",
        "Schools in Turkistan region switch to local heating",
        "Boiler houses replace coal stoves in forty rural schools.",
        "The regional education office says classes will no longer stop in "
        "the coldest weeks of winter.",
        ["education"],
    ),
    "e_election": (
        "en",
        "politics",
        "Kazakhstan sets date for local council elections",
        "Voting will take place in March.",
        "The Central Election Commission approved the calendar. Candidates can "
        "register from next week.",
        ["elections"],
    ),
    "e_rate": (
        "en",
        "economy",
        "National Bank holds base rate as inflation slows",
        "The rate stays at 16.5 percent.",
        "Annual inflation slowed for a second month. The next decision is due "
        "in January.",
        ["economy"],
    ),
    "e_wheat": (
        "en",
        "economy",
        "Record wheat harvest in North Kazakhstan",
        "Farmers gathered 18 centners per hectare on average.",
        "The harvest is over and the grain is of high quality, with strong "
        "export demand.",
        ["agriculture"],
    ),
    "e_oil": (
        "en",
        "economy",
        "Tengiz oil output rises after expansion",
        "The project has reached full capacity.",
        "Exports go through the Caspian Pipeline Consortium.",
        ["oil"],
    ),
    "e_metro": (
        "en",
        "society",
        "Almaty metro extension to open next year",
        "Two new stations will serve the Kalkaman district.",
        "Tunnelling is on schedule, the city transport office said.",
        ["transport"],
    ),
    "e_wind": (
        "en",
        "economy",
        "Wind farm near Aktobe starts supplying power",
        "The farm has forty turbines.",
        "It will cover the needs of about a hundred thousand homes.",
        ["energy"],
    ),
    "e_football": (
        "en",
        "sport",
        "Kazakhstan football team wins Euro qualifier",
        "The match in Astana ended 2-1.",
        "The national team earned three important points before a full stadium.",
        ["sport"],
    ),
}

# query -> the stories a reader wants (judged by hand, see the module docstring)
QUERIES = {
    "Түркістан облысы": {"k_turk_school", "k_turk_cotton"},
    "туркистан": {"k_turk_school", "k_turk_cotton", "k_turk_city"},
    "облысының": {
        "k_turk_school",
        "k_turk_cotton",
        "k_karaganda_olymp",
        "k_wheat",
        "k_hospital",
    },
    "Алматы метро": {"k_almaty_metro", "r_almaty_metro"},
    "АЛМАТЫ": {
        "k_almaty_metro",
        "k_almaty_air",
        "r_almaty_jazz",
        "r_almaty_metro",
    },
    "выборы": {"r_election", "r_election2"},
    "базовая ставка": {"r_rate"},
    "инфляция": {"k_inflation", "r_rate"},
    "мұнай өндіру": {"k_oil"},
    "нефть": {"r_oil"},
    "елку": {"r_yolka"},
    "бидай": {"k_wheat"},
    "урожай пшеницы": {"r_wheat"},
    "wheat harvest": {"e_wheat"},
    "elections": {"e_election"},
    "футбол": {"k_football", "r_football"},
    "бюджет": {"k_budget", "r_budget"},
    "mektep мектептер": {"k_turk_school"},
    # Harder ones: Russian spelling of a Kazakh name, a fleeting vowel (паводок /
    # паводка), a compound (Нацбанк), prefixes that reach too far (нефть /
    # нефтепродуктов, мектеп / мектеп-лицей).
    "Туркестан": {"r_turk_flood"},
    "сайлауға": {"k_election"},
    "школа": {"r_school"},
    "мектеп": {"k_turk_school"},
    "паводок": {"r_turk_flood"},
    "банк": {"k_inflation", "r_rate"},
}
# Queries that folding and word forms must answer completely on every backend.
MUST_FIND = [
    "Түркістан облысы",
    "туркистан",
    "облысының",
    "АЛМАТЫ",
    "выборы",
    "елку",
    "сайлауға",
    "школа",
    "бюджет",
    "футбол",
]

CATEGORIES = {
    "society": ("Қоғам", "Общество", "Society"),
    "economy": ("Экономика", "Экономика", "Economy"),
    "politics": ("Саясат", "Политика", "Politics"),
    "sport": ("Спорт", "Спорт", "Sport"),
    "culture": ("Мәдениет", "Культура", "Culture"),
}


def load_collection() -> dict[str, Story]:
    """Create the labelled stories as published ones; return them by key."""
    categories = {
        key: Category.objects.create(name=kk, name_ru=ru, name_en=en, slug=f"rel-{key}")
        for key, (kk, ru, en) in CATEGORIES.items()
    }
    source = Source.objects.create(name="TuraNews", slug="rel-turanews")
    author = Author.objects.create(name="Айгүл Серікқызы", slug="rel-author")
    tags: dict[str, Tag] = {}
    now = timezone.now()
    stories = {}
    for n, (key, (language, category, headline, dek, body, tag_names)) in enumerate(
        STORIES.items()
    ):
        story = Story.objects.create(
            headline=headline,
            dek=dek,
            body=f"<p>{body}</p>",
            language=language,
            category=categories[category],
            source=source,
            status=Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 1),
        )
        story.authors.add(author)
        for name in tag_names:
            if name not in tags:
                tags[name] = Tag.objects.create(name=name)
            story.tags.add(tags[name])
        stories[key] = story
    return stories


def evaluate(search, stories: dict[str, Story], k: int = 10) -> list[dict]:
    """Run every query through search(text) -> story ids, best first."""
    key_of = {story.pk: key for key, story in stories.items()}
    rows = []
    for query, relevant in QUERIES.items():
        found = [key_of.get(pk) for pk in search(query)]
        top = found[:k]
        hits = relevant & set(top)
        rows.append(
            {
                "query": query,
                "relevant": len(relevant),
                "retrieved": len(found),
                "precision": len(hits) / len(top) if top else 0.0,
                "recall": len(relevant & set(found)) / len(relevant),
            }
        )
    return rows
