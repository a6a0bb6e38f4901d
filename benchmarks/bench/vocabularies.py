"""Vocabularies of several languages and scripts that the synthetic claims are written in:
pseudo-words drawn per language from a seed, with the shape of each language's words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def split_words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EN_FUNCTION = split_words(
    "the of and to a in is that for it was on are with as he be by at this have from or "
    "not had but they his has were we an all their been will would there more one which who "
    "she her its than can so no only also about into over after up out our if what when "
    "new two them some could these other people just then may any most now like per year "
    "since under every said says"
)


EN_CONTENT = split_words(
    "government president million percent tax taxes vaccine vaccines election votes voters "
    "billion state states country economy jobs unemployment inflation prices health care "
    "minister law police crime immigrants immigration border schools students teachers "
    "children women workers wages minimum budget debt spending deficit oil gas energy climate "
    "emissions covid pandemic deaths cases hospital doctors study report data record highest "
    "lowest increase decrease doubled banned approved congress senate parliament court judge "
    "campaign party candidate governor mayor city cities water food farmers trade china russia "
    "ukraine war military army soldiers refugees program fund funding pension pensions "
    "retirement insurance medicare abortion guns murders rate rates housing rent homeless "
    "wind solar nuclear coal electricity fuel cars roads bridge internet social media "
    "facebook twitter video photo fake claims shows proves never always first largest "
    "smallest fastest poverty income wealth rich poor corporations companies business "
    "contract contracts corruption fraud stolen ballots mail polls survey vote signed bill "
    "decree ministry officials agency federal national local public private free universal "
    "mask masks lockdown cure treatment drug drugs cancer heart virus bacteria"
)


PT_FUNCTION = split_words(
    "o a os as de do da dos das em no na nos nas um uma e que para com por se não mais foi "
    "ao à é são era pelo pela sobre entre como mas também já ele ela eles seu sua quando "
    "onde ano anos governo disse diz"
)


PT_CONTENT = split_words(
    "presidente milhões bilhões reais vacina vacinas eleição urnas votos eleitores estado "
    "país economia empregos desemprego inflação preços saúde ministro lei polícia crime "
    "escolas alunos professores crianças mulheres salário mínimo orçamento dívida gastos "
    "petróleo energia clima desmatamento amazônia pandemia mortes casos hospital médicos "
    "pesquisa recorde aumento queda dobrou proibiu aprovou congresso senado deputados "
    "supremo tribunal juiz campanha partido candidato governador prefeito cidade água "
    "comida agricultores bolsa família auxílio aposentadoria previdência armas homicídios "
    "corrupção fraude vídeo foto falso verdade"
)


ES_FUNCTION = split_words(
    "el la los las de del en un una y que para con por se no más fue al es son era sobre "
    "entre como pero también ya él ella su sus cuando donde año años gobierno dijo dice lo"
)


ES_CONTENT = split_words(
    "presidente millones pesos vacuna vacunas elecciones votos votantes estado país economía "
    "empleo desempleo inflación precios salud ministro ley policía delito escuelas alumnos "
    "maestros niños mujeres salario mínimo presupuesto deuda gasto petróleo energía clima "
    "pandemia muertes casos hospital médicos encuesta récord aumento caída duplicó prohibió "
    "aprobó congreso senado diputados corte juez campaña partido candidato gobernador "
    "alcalde ciudad agua comida agricultores pensiones jubilación armas homicidios "
    "corrupción fraude video foto falso verdad"
)


RU_FUNCTION = split_words(
    "и в не на что с по как это он она они его её их к за из от для так же все был была "  # noqa: RUF001
    "были будет уже только или но а при о об до после году года лет сказал заявил"  # noqa: RUF001
)


RU_CONTENT = split_words(
    "президент правительство миллионов миллиардов рублей вакцина выборы голоса страна "
    "экономика работа безработица инфляция цены здоровье министр закон полиция школы "
    "дети женщины зарплата пенсия бюджет долг нефть газ энергия пандемия смерти больница "
    "врачи опрос рекорд рост снижение запретил одобрил дума суд партия губернатор город "
    "вода армия война санкции коррупция видео фото фейк правда"
)


AR_FUNCTION = split_words(
    "في من على إلى أن عن مع هذا هذه التي الذي كان كانت لا ما هو هي قد بعد قبل كل بين "
    "حتى عام أو ثم لم لن إن قال"
)


AR_CONTENT = split_words(
    "الرئيس الحكومة مليون مليار دولار لقاح الانتخابات الأصوات البلاد الاقتصاد البطالة "
    "التضخم الأسعار الصحة الوزير القانون الشرطة المدارس الأطفال النساء الرواتب الميزانية "
    "الديون النفط الغاز الطاقة الوباء الوفيات المستشفى الأطباء رقم قياسي ارتفاع انخفاض "
    "البرلمان المحكمة الحزب المدينة المياه الجيش الحرب الفساد فيديو صورة مزيف حقيقة"
)


RU_CONSONANTS = "бвгджзклмнпрстфхцчшщ"


RU_VOWELS = "аеиоуыэюя"


RU_SUFFIXES = ("", "", "ость", "ение", "ский", "ов", "ать", "ный")


AR_CONSONANTS = "بتثجحخدذرزسشصضطظعغفقكلمنه"


AR_LONG_VOWELS = "اوي"


@dataclass(frozen=True)
class LanguageSpec:
    tag: str
    share: float
    function_words: tuple[str, ...]
    content_words: tuple[str, ...]
    pseudo_words: int


LANGUAGES = (
    LanguageSpec("en", 0.50, EN_FUNCTION, EN_CONTENT, 3000),
    LanguageSpec("pt", 0.20, PT_FUNCTION, PT_CONTENT, 1500),
    LanguageSpec("es", 0.15, ES_FUNCTION, ES_CONTENT, 1500),
    LanguageSpec("ru", 0.08, RU_FUNCTION, RU_CONTENT, 1000),
    LanguageSpec("ar", 0.07, AR_FUNCTION, AR_CONTENT, 1000),
)


LATIN_SYLLABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        (
            *split_words("b c d f g h k l m n p r s t v w"),
            "br",
            "cr",
            "dr",
            "fl",
            "gr",
            "pl",
            "pr",
            "sh",
            "st",
            "str",
            "th",
            "tr",
            "ch",
            "",
        ),
        ("a", "e", "i", "o", "u", "ea", "ou", "ai", "io", "ee"),
        ("", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck", "m"),
    ),
    "pt": (
        (*split_words("b c d f g j l m n p r s t v"), "br", "cr", "pr", "tr", "ch", "lh", ""),
        ("a", "e", "i", "o", "u", "ã", "á", "é", "ê", "ó", "í", "ão"),
        ("", "", "", "r", "s", "l", "m", "ção", "dade", "mente", "ista"),
    ),
    "es": (
        (*split_words("b c d f g j l m n p r s t v"), "br", "cr", "pr", "tr", "ch", "ll", ""),
        ("a", "e", "i", "o", "u", "á", "é", "í", "ó", "ú", "ie", "ue"),
        ("", "", "", "r", "s", "l", "n", "ción", "dad", "mente", "ista"),
    ),
}


TOPICS = split_words(
    "economy health elections covid-19 vaccines immigration crime climate energy education "
    "taxes jobs corruption foreign-policy security housing environment agriculture pensions "
    "transport technology media religion human-rights budget justice war science sports "
    "culture social-welfare"
)


FIRST_NAMES = split_words(
    "Maria João Ana José Carlos Paulo Lucas Fernanda Juliana Marcos John Mary James Linda "
    "Robert Patricia Michael Jennifer David Susan Ahmed Fatima Omar Layla Olga Ivan Sergei "
    "Natalia Dmitri Elena Lucía Pedro Javier Carmen Diego Sofía Miguel Isabel Luis Gabriela"
)


LAST_NAMES = split_words(
    "Silva Santos Oliveira Souza Pereira Costa Rodrigues Almeida Lima Carvalho Smith Johnson "
    "Williams Brown Jones Miller Davis Wilson Taylor Clark Hassan Ali Haddad Khalil Ivanov "
    "Petrov Smirnova Volkov García Martínez López González Hernández Pérez Sánchez Ramírez "
    "Torres Flores"
)


ORG_SUFFIXES = ("Party", "Institute", "Foundation", "Ministry", "Union", "Association", "Council")


PUBLISHERS = (
    ("Daily Ledger", "dailyledger.example"),
    ("The Morning Post", "morningpost.example"),
    ("Folha do Povo", "folhadopovo.example"),
    ("Diário Nacional", "diarionacional.example"),
    ("El Heraldo", "elheraldo.example"),
    ("La Voz Pública", "lavozpublica.example"),
    ("Novaya Vest", "novayavest.example"),
    ("Al Khabar Today", "alkhabar.example"),
    ("Capitol Wire", "capitolwire.example"),
    ("Metro Courier", "metrocourier.example"),
    ("Radio Cidade", "radiocidade.example"),
    ("Social Feed Archive", "socialarchive.example"),
)


SECTIONS = ("politics", "economy", "world", "health", "opinion", "local", "video", "social")


REVIEWERS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("TruthDesk", "truthdesk.example"),
        ("Fact Patrol", "factpatrol.example"),
        ("CheckUp News", "checkup.example"),
        ("Verity Lab", "veritylab.example"),
    ),
    "pt": (
        ("Agência Checa", "agenciacheca.example"),
        ("Comprova Já", "comprovaja.example"),
        ("Fato ou Fake Desk", "fatooufake.example"),
    ),
    "es": (
        ("Chequeado Desk", "chequeadodesk.example"),
        ("Verificado MX", "verificadomx.example"),
        ("Maldito Dato", "malditodato.example"),
    ),
    "ru": (("Provereno Desk", "provereno.example"), ("Fakty Lab", "faktylab.example")),
    "ar": (("Misbar Desk", "misbardesk.example"), ("Fatabyyano Lab", "fatabyyano.example")),
}


LABELS: dict[str, tuple[tuple[str, int], ...]] = {
    "en": (
        ("False", 30),
        ("Mostly False", 12),
        ("Pants on Fire", 6),
        ("Misleading", 12),
        ("Half True", 8),
        ("Mostly True", 8),
        ("True", 8),
        ("Missing context", 6),
        ("False. The figure was never published by the ministry.", 3),
        ("Unproven", 3),
        ("Satire", 1),
    ),
    "pt": (
        ("Falso", 35),
        ("Sem contexto", 15),
        ("Verdadeiro", 10),
        ("Distorcido", 12),
        ("Exagerado", 8),
        ("Impreciso", 8),
        ("Insustentável", 4),
    ),
    "es": (
        ("Falso", 35),
        ("Engañoso", 20),
        ("Verdadero", 10),
        ("Cuestionable", 10),
        ("Verdadero, pero", 8),
        ("Inchequeable", 4),
    ),
    "ru": (("Неправда", 40), ("Ложь", 20), ("Полуправда", 20), ("Правда", 10)),
    "ar": (("زائف", 40), ("مضلل", 30), ("صحيح", 10), ("خطأ", 20)),
}


@dataclass
class Vocabulary:
    """One language's words, most frequent first, with Zipf cumulative weights."""

    tag: str
    words: list[str]
    cum_weights: list[float]
    function_words: frozenset[str]
    content: list[str]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def neighbour(self, word: str, rng: random.Random) -> str:
        """A 'synonym-ish' replacement: a content word of about the same frequency."""
        try:
            position = self.content.index(word.lower())
        except ValueError:
            position = rng.randrange(len(self.content))
        shift = rng.choice((-3, -2, -1, 1, 2, 3))
        return self.content[(position + shift) % len(self.content)]


def _pseudo_word(rng: random.Random, tag: str) -> str:
    if tag == "ru":
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        word = "".join(rng.choice(RU_CONSONANTS) + rng.choice(RU_VOWELS) for _ in range(syllables))
        return word + rng.choice(RU_SUFFIXES)
    if tag == "ar":
        letters = [rng.choice(AR_CONSONANTS) for _ in range(rng.choice((3, 3, 4, 4, 5)))]
        letters.insert(rng.randrange(1, len(letters)), rng.choice(AR_LONG_VOWELS))
        return ("ال" if rng.random() < 0.4 else "") + "".join(letters)
    onsets, vowels, codas = LATIN_SYLLABLES[tag]
    syllables = rng.choice((1, 1, 2, 2, 2, 3))
    word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
    return word + rng.choice(codas)


def build_vocabularies(seed: int) -> dict[str, Vocabulary]:
    rng = random.Random(seed ^ 0x5EED)
    vocabularies: dict[str, Vocabulary] = {}
    for spec in LANGUAGES:
        seen = set(spec.function_words) | set(spec.content_words)
        pseudo: list[str] = []
        while len(pseudo) < spec.pseudo_words:
            word = _pseudo_word(rng, spec.tag)
            if len(word) >= 3 and word not in seen:
                seen.add(word)
                pseudo.append(word)
        content = list(spec.content_words) + pseudo
        words = list(spec.function_words) + content
        # Zipf (s = 1): the function words on top carry about half of the running text.
        total = 0.0
        cum_weights: list[float] = []
        for rank in range(1, len(words) + 1):
            total += 1.0 / rank
            cum_weights.append(total)
        vocabularies[spec.tag] = Vocabulary(
            spec.tag, words, cum_weights, frozenset(spec.function_words), content
        )
    return vocabularies
