"""The taxonomy of DESIGN.md: codes are stable (URLs, HSDS files), labels are Dutch as residents read them."""

LEVENSDOMEINEN = [
    ("informatie-advies", "Informatie en advies"),
    ("zorg-gezondheid", "Zorg en gezondheid"),
    ("hulp-thuis", "Hulp en ondersteuning thuis"),
    ("mantelzorg-vrijwilligers", "Mantelzorg en vrijwilligerswerk"),
    ("opvoeden-opgroeien", "Opvoeden en opgroeien"),
    ("werk-inkomen", "Werk en inkomen"),
    ("geld-schulden", "Geld en schulden"),
    ("wonen", "Wonen"),
    ("veiligheid", "Veiligheid"),
    ("meedoen-ontmoeten", "Meedoen en ontmoeten"),
    ("vervoer", "Vervoer"),
]
DOELGROEPEN = [
    ("iedereen", "Iedereen"),
    ("kinderen", "Kinderen (0-12 jaar)"),
    ("jongeren", "Jongeren (12-27 jaar)"),
    ("ouders", "Ouders"),
    ("ouderen", "Ouderen"),
    ("mantelzorgers", "Mantelzorgers"),
    ("vrijwilligers", "Vrijwilligers"),
    ("beperking", "Mensen met een beperking"),
    ("chronisch-ziek", "Chronisch zieken"),
    ("psychische-klachten", "Mensen met psychische klachten"),
    ("nieuwkomers", "Nieuwkomers"),
    ("geldzorgen", "Mensen met geldzorgen"),
    ("werkzoekenden", "Werkzoekenden"),
]
TOEGANG = [
    ("vrij-toegankelijk", "Zonder verwijzing"),
    ("verwijzing", "Via huisarts of toegangsteam"),
    ("beschikking", "Na een besluit van de gemeente"),
]
KOSTEN = [("gratis", "Gratis"), ("eigen-bijdrage", "Eigen bijdrage"), ("betaald", "Betaald")]

TAXONOMY_TERMS = {
    "levensdomein": LEVENSDOMEINEN,
    "doelgroep": DOELGROEPEN,
    "toegang": TOEGANG,
    "kosten": KOSTEN,
}
