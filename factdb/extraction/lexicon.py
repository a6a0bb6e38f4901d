"""The English word lists the rules use: news reporting verbs, roles, dates, signal words.

Lists, not a model: each entry is a reporting convention of English news writing, so a missing
word is a one-line addition and every decision can be traced to a word here.
"""

from __future__ import annotations

import re


def word_set(listing: str) -> frozenset[str]:
    """A word set written as a block of text, one word per blank-separated item."""
    return frozenset(listing.split())


# Verbs that introduce what someone said or wants, in the forms news copy uses. Multi-word
# entries come first so that "called for" wins over a shorter match.
SPEECH_VERBS: tuple[str, ...] = (
    "called for",
    "calls for",
    "call for",
    "pointed out",
    "said",
    "says",
    "say",
    "blamed",
    "blames",
    "added",
    "adds",
    "told",
    "tells",
    "stated",
    "states",
    "claimed",
    "claims",
    "argued",
    "argues",
    "noted",
    "notes",
    "warned",
    "warns",
    "insisted",
    "insists",
    "explained",
    "explains",
    "announced",
    "announces",
    "proposed",
    "proposes",
    "urged",
    "urges",
    "pledged",
    "pledges",
    "promised",
    "promises",
    "vowed",
    "vows",
    "denied",
    "denies",
    "estimated",
    "estimates",
    "reported",
    "reports",
    "wrote",
    "writes",
    "tweeted",
    "posted",
    "asserted",
    "asserts",
    "declared",
    "declares",
    "confirmed",
    "confirms",
    "acknowledged",
    "acknowledges",
    "suggested",
    "suggests",
    "predicted",
    "predicts",
    "maintained",
    "maintains",
    "stressed",
    "stresses",
    "emphasised",
    "emphasized",
    "revealed",
    "reveals",
    "admitted",
    "admits",
    "alleged",
    "alleges",
    "demanded",
    "demands",
    "accused",
    "accuses",
    "believes",
    "countered",
    "replied",
    "responded",
    "recalled",
    "continued",
    "concluded",
    "saying",
)

ACCORDING_TO = "according to"

# Words that name a role or an office: "the spokeswoman added" refers back to whoever was
# introduced with that role.
PERSON_ROLES = word_set(
    """
    spokeswoman spokesman spokesperson minister president prime secretary chancellor mayor
    governor senator ambassador director chief chairman chairwoman chair head leader ceo
    economist analyst professor researcher commissioner general commander envoy lawmaker mp
    representative adviser advisor deputy councillor councilor judge prosecutor scientist doctor
    expert official officer premier king queen pope diplomat negotiator manager founder
    executive treasurer inspector superintendent coach captain candidate owner author auditor
    epidemiologist
    """
)

# Collective speakers: quoted as a body, they stay an organisation when nobody is named.
GROUP_ROLES = word_set(
    """
    authorities officials police ministry government office agency department council
    committee commission army military party union court bureau administration
    institute university company firm group organisation organization regulator
    spokespeople sources nations countries critics experts residents analysts economists
    campaigners activists witnesses observers delegation
    """
)

ROLES = PERSON_ROLES | GROUP_ROLES

# Lower-case words that may stand in a speaker's description before a role: "local authorities",
# "health ministry", "senior officials".
ROLE_MODIFIERS = word_set(
    """
    local foreign health state senior top former deputy regional federal city county national
    defence defense interior finance economy justice education energy trade police election
    military security chief provincial municipal developing rich poor western eastern northern
    southern opposition lead
    """
)

# The adjectives of the world's countries (and a few regions and blocs), as they stand before a
# name or a role: "Ukrainian Olena Zelenska", "Kenyan officials". Capitalised in text, they are
# nationalities, never part of a person's or an organisation's name.
DEMONYMS = word_set(
    """
    afghan albanian algerian american andorran angolan antiguan argentine argentinian armenian
    australian austrian azerbaijani bahamian bahraini bangladeshi barbadian belarusian belgian
    belizean beninese bhutanese bolivian bosnian botswanan brazilian british bruneian bulgarian
    burkinabe burmese burundian cambodian cameroonian canadian chadian chilean chinese
    colombian comoran congolese croatian cuban cypriot czech danish djiboutian dominican
    dutch ecuadorian egyptian emirati equatoguinean eritrean estonian eswatini ethiopian fijian
    filipino finnish french gabonese gambian georgian german ghanaian greek grenadian guatemalan
    guinean guyanese haitian honduran hungarian icelandic indian indonesian iranian iraqi irish
    israeli italian ivorian jamaican japanese jordanian kazakh kazakhstani kenyan kiribati kosovar
    kuwaiti kyrgyz lao laotian latvian lebanese liberian libyan liechtensteiner lithuanian
    luxembourgish macedonian malagasy malawian malaysian maldivian malian maltese marshallese
    mauritanian mauritian mexican micronesian moldovan monegasque mongolian montenegrin moroccan
    mozambican namibian nauruan nepalese nepali norwegian omani pakistani palauan palestinian
    panamanian paraguayan peruvian polish portuguese qatari romanian russian rwandan salvadoran
    samoan saudi scottish senegalese serbian seychellois singaporean slovak slovenian somali
    spanish sudanese surinamese swedish swiss syrian taiwanese tajik tanzanian thai
    togolese tongan trinidadian tunisian turkish turkmen tuvaluan ugandan ukrainian uruguayan
    uzbek vanuatuan venezuelan vietnamese welsh yemeni zambian zimbabwean english european
    african asian arab nordic baltic balkan caribbean
    """
)

# Words in a name that make it an organisation's.
ORGANISATION_WORDS = word_set(
    """
    ministry agency union council office department bank institute university organization
    organisation party committee commission court bureau administration authority authorities
    government police army forces corporation company group association federation fund
    foundation news press times post herald international service services board network
    """
)

PRONOUNS = frozenset({"he", "she"})
# "it" and "they" stand for an organisation or a group: "The WHO said …. It added …".
GROUP_PRONOUNS = frozenset({"it", "they"})

# Capitalised at the start of a sentence, but never part of a name.
FUNCTION_WORDS = word_set(
    """
    the a an in on at by for from to of with and or but however meanwhile it its this that these
    those their his her we i you our my your as after before while when whereas according yet so
    also over some many most more several there here if although though because since during
    under until despite earlier later last next such no not all both each every other another
    what which who whom whose where why how then thus mr mrs ms dr
    """
)

# Possessive determiners stand where "the" stands: "according to its lead negotiator".
POSSESSIVE_DETERMINERS = word_set("its their his her")

# Words between a speaker and the verb that do not change who is speaking.
SKIPPABLE_BEFORE_VERB = word_set(
    """
    also has have had earlier later previously again repeatedly publicly recently today
    yesterday once then further separately reportedly
    """
)

MONTHS = word_set(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
WEEKDAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")

ABBREVIATIONS = word_set(
    """
    mr mrs ms dr prof gen sen rep gov st jr sr inc ltd co corp vs etc no jan feb mar apr aug
    sept sep oct nov dec lt col sgt capt cmdr adm maj fig approx est dept univ
    """
)


def _alternation(words: tuple[str, ...] | frozenset[str]) -> str:
    # Longest first, so that "called for" is tried before "call".
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Case matters: "States" in "the United States" is a name, not the verb.
SPEECH_VERB_PATTERN = re.compile(rf"\b(?:{_alternation(SPEECH_VERBS)}|[Aa]ccording to)\b")

DATE_PATTERN = re.compile(
    r"\b(?:(?:on|in|since|until|by)\s+)?"
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?:1[89]|20)\d{2})?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)(?:\s+(?:1[89]|20)\d{2})?"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:1[89]|20)\d{2}s?"
    r"|(?:last|next|this)\s+(?:week|month|year|spring|summer|autumn|fall|winter))\b"
)

NUMBER_PATTERN = re.compile(
    r"\d|\b(?:hundreds?|thousands?|millions?|billions?|trillions?|dozens?|percent|per\s+cent|"
    r"half|third|quarter|twice|double|triple)\b",
    re.IGNORECASE,
)

COMPARISON_PATTERN = re.compile(
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|better|worse|faster|"
    r"slower|cheaper|older|younger|\w+er)\s+than\b|\bcompared\s+(?:with|to)\b|\b(?:highest|"
    r"lowest|largest|biggest|smallest|fastest|worst|best|most|least)\b|\b(?:up|down)\s+from\b|"
    r"\b(?:doubled|tripled|halved|rose|fell|increased|decreased|grew|dropped|declined|surged|"
    r"plunged|soared|outpaced)\b|\brecord\b",
    re.IGNORECASE,
)

CAUSE_PATTERN = re.compile(
    r"\b(?:because|due\s+to|as\s+a\s+result|result\s+of|caused|causes|causing|led\s+to|"
    r"lead\s+to|leads\s+to|thanks\s+to|blamed|blames|owing\s+to|therefore|triggered|"
    r"responsible\s+for|drove|driven\s+by|contributed\s+to|so\s+that)\b",
    re.IGNORECASE,
)

POSITION_PATTERN = re.compile(
    r"\b(?:calls?\s+for|called\s+for|urged?|urges|proposed?|proposes|demanded?|demands|"
    r"pledged?|pledges|vowed?|vows|promised?|promises|should|must|needs?\s+to|insist(?:s|ed)?|"
    r"reject(?:s|ed)?|oppose(?:s|d)?|support(?:s|ed)|backed|backs|aims?\s+to|aimed\s+to|"
    r"wants?\s+to|would|will|won't)\b",
    re.IGNORECASE,
)

IRREGULAR_PAST = word_set(
    """
    took made held began won lost met struck broke fought went came gave sent paid spent built
    hit left kept brought sold bought chose drew drove flew froze knew ran saw shot stood threw
    became fled rose fell grew cut set led sank swept stole began undertook overtook withdrew
    """
)

EVENT_PATTERN = re.compile(r"\b[a-z]{3,}ed\b|\b(?:" + _alternation(IRREGULAR_PAST) + r")\b")

SUBJECTIVE_PATTERN = re.compile(
    r"\b(?:I\s+think|I\s+feel|I\s+believe|in\s+my\s+(?:opinion|view)|I\s+hope|we\s+hope|"
    r"wonderful|beautiful|amazing|lovely|delighted|thrilled|happy\s+to|sad\s+to|"
    r"excited|proud|honou?red|grateful|thank|thanks\s+to\s+(?:all|everyone))\b",
    re.IGNORECASE,
)
