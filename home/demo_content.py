"""Demo content for gemeente Emmen: information pages in plain Dutch (B1). Written for this project."""


def p(text):
    return {"type": "paragraph", "value": text}


def h(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def faq(title, items):
    return {
        "type": "accordion",
        "value": {"title": title, "items": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in items]},
    }


def contact(name, phone="", email="", address="", opening_hours=""):
    return {
        "type": "contact",
        "value": {"name": name, "phone": phone, "email": email, "address": address, "opening_hours": opening_hours},
    }


SOCIAAL_LOKET = contact(
    "Sociaal Loket gemeente Emmen",
    phone="14 0591",
    email="sociaalloket@emmen.nl",
    address="Stadskantoor, Noorderplein 1\n7811 AX Emmen",
    opening_hours="Maandag tot en met vrijdag van 8.30 tot 17.00 uur",
)

HOME = {
    "title": "Hulp dichtbij in Emmen",
    "introduction": "Zoek hulp, steun en activiteiten bij u in de buurt. Voor u zelf, voor iemand in uw familie of voor uw buren.",
    "search_label": "Waar zoekt u hulp bij?",
}

TOP_TASKS = [
    ("Hulp bij u in de buurt", "Zoek een voorziening op de sociale kaart.", "sociale-kaart"),
    ("Ik zorg voor iemand", "Steun voor mantelzorgers.", "mantelzorg"),
    ("Ik heb geldzorgen", "Hulp bij schulden en rondkomen.", "geldzorgen-en-schulden"),
    ("Geld voor uw initiatief", "Vraag een budget aan voor uw idee.", "initiatieven"),
]

# (slug, title, introduction, body, show_in_menus)
INFO_PAGES = [
    (
        "hulp-vragen",
        "Hulp vragen",
        "Heeft u hulp nodig? Begin bij mensen om u heen. Lukt dat niet, dan zijn er voorzieningen in de buurt. Soms is meer hulp nodig. Zo werkt het.",
        [
            h("Stap 1: mensen om u heen"),
            p("<p>Vraag eerst hulp aan familie, vrienden of buren. Vaak willen zij graag helpen. Vrijwilligers kunnen ook helpen, bijvoorbeeld met boodschappen of vervoer.</p>"),
            h("Stap 2: hulp in de buurt"),
            p("<p>In uw wijk of dorp is veel hulp die u zonder verwijzing kunt krijgen. Denk aan een inloop in het wijkcentrum, de voedselbank of hulp bij formulieren. U vindt alles op de sociale kaart.</p>"),
            h("Stap 3: hulp van de gemeente"),
            p("<p>Is meer hulp nodig? Dan praat het toegangsteam met u. Samen kijkt u wat nodig is. Soms krijgt u dan een maatwerkvoorziening, zoals begeleiding of een aanpassing in huis. Daarvoor krijgt u een besluit (beschikking) van de gemeente.</p>"),
            SOCIAAL_LOKET,
        ],
        True,
    ),
    (
        "toegangsteam",
        "Het toegangsteam",
        "Het toegangsteam helpt u als u meer hulp nodig heeft dan uw omgeving en de buurt kunnen geven.",
        [
            p("<p>In elk gebied van de gemeente werkt een toegangsteam. In het team werken mensen met kennis van zorg, jeugd, werk en geld. Zij komen bij u thuis of spreken met u af in het wijkcentrum.</p>"),
            h("Wat gebeurt er in het gesprek?"),
            p("<ul><li>U vertelt wat er aan de hand is.</li><li>Samen kijkt u wat u zelf kunt en wie u kan helpen.</li><li>U maakt samen een plan.</li><li>Is een voorziening nodig? Dan krijgt u binnen zes weken een besluit.</li></ul>"),
            faq(
                "Vragen over het toegangsteam",
                [
                    ("Mag ik iemand meenemen naar het gesprek?", "Ja. Neem gerust iemand mee die u vertrouwt. U kunt ook gratis hulp krijgen van een onafhankelijke cliëntondersteuner."),
                    ("Kost het gesprek geld?", "Nee, het gesprek is gratis. Voor sommige voorzieningen betaalt u wel een eigen bijdrage."),
                ],
            ),
            SOCIAAL_LOKET,
        ],
        False,
    ),
    (
        "mantelzorg",
        "Mantelzorg",
        "Zorgt u voor iemand die ziek is, een beperking heeft of oud is? Dan bent u mantelzorger. U staat er niet alleen voor.",
        [
            p("<p>Mantelzorg is zorg voor iemand uit uw familie of omgeving. Dat doet u niet als beroep, maar omdat u om die persoon geeft. Het is mooi werk, maar het kan ook zwaar zijn.</p>"),
            h("Hulp voor mantelzorgers"),
            p("<ul><li>Een gesprek met een mantelzorgconsulent.</li><li>Even vrij: iemand neemt de zorg een dag of een weekend over (respijtzorg).</li><li>Praten met andere mantelzorgers.</li><li>Een jaarlijkse waardering van de gemeente.</li></ul>"),
            faq(
                "Veelgestelde vragen",
                [
                    ("Ben ik een mantelzorger?", "Als u langere tijd zorgt voor iemand in uw omgeving, bent u mantelzorger. Het maakt niet uit hoeveel uur per week."),
                    ("Mijn kind zorgt mee. Is er ook hulp voor jonge mantelzorgers?", "Ja. Er zijn activiteiten en gesprekken speciaal voor kinderen en jongeren die thuis meehelpen."),
                ],
            ),
        ],
        True,
    ),
    (
        "geldzorgen-en-schulden",
        "Geldzorgen en schulden",
        "Heeft u moeite om rond te komen of heeft u schulden? Wacht niet te lang. Hoe eerder u hulp vraagt, hoe makkelijker het is op te lossen.",
        [
            h("Hulp bij geld"),
            p("<p>U kunt gratis hulp krijgen. Bijvoorbeeld bij het invullen van formulieren, het maken van een overzicht van uw geld of het regelen van uw schulden.</p>"),
            p("<ul><li>Formulierenhulp in de bibliotheek en het wijkcentrum.</li><li>Een budgetcoach die met u meekijkt.</li><li>Schuldhulpverlening van de gemeente.</li><li>De voedselbank als u even geen geld heeft voor eten.</li></ul>"),
            h("Regelingen"),
            p("<p>Heeft u een laag inkomen? Misschien kunt u gebruik maken van de collectieve zorgverzekering, bijzondere bijstand of andere minimaregelingen.</p>"),
            SOCIAAL_LOKET,
        ],
        True,
    ),
    (
        "opvoeden-en-opgroeien",
        "Opvoeden en opgroeien",
        "Heeft u vragen over uw kind? Of zoekt u iets voor uw kind om te doen? Hier vindt u hulp voor ouders, kinderen en jongeren.",
        [
            p("<p>Opvoeden gaat niet altijd vanzelf. Iedere ouder heeft weleens vragen. Het Centrum voor Jeugd en Gezin (CJG) helpt u graag. U kunt bellen, mailen of langskomen.</p>"),
            h("Voor jongeren"),
            p("<p>Jongerenwerkers zijn er voor jongeren van 12 tot 27 jaar. Je kunt bij hen terecht voor activiteiten, maar ook als je ergens mee zit.</p>"),
            contact("Centrum voor Jeugd en Gezin", phone="0591-123400", email="cjg@ggddrenthe.nl"),
        ],
        False,
    ),
    (
        "wonen-en-zorg",
        "Wonen met zorg",
        "Wilt u zo lang mogelijk thuis blijven wonen? Er is veel mogelijk: van een aanpassing in huis tot wonen met zorg in de buurt.",
        [
            p("<p>Soms is uw huis niet meer handig. Bijvoorbeeld omdat u slecht ter been bent. Een kleine aanpassing kan al veel helpen, zoals een beugel in de badkamer of een traplift.</p>"),
            h("Wat kunt u doen?"),
            p("<ul><li>Kijk eerst wat u zelf kunt regelen, bijvoorbeeld met hulpmiddelen uit de winkel.</li><li>Vraag de woningcorporatie naar de mogelijkheden.</li><li>Is meer nodig? Neem contact op met het Sociaal Loket.</li></ul>"),
            SOCIAAL_LOKET,
        ],
        False,
    ),
    (
        "vervoer",
        "Vervoer",
        "Kunt u niet zelf reizen met de auto of het openbaar vervoer? Er zijn andere manieren om op uw bestemming te komen.",
        [
            p("<p>Voor korte ritten in de regio is er de regiotaxi (collectief vraagafhankelijk vervoer). U belt een dag van tevoren en wordt thuis opgehaald. In veel dorpen rijden vrijwilligers mensen naar de dokter of het ziekenhuis.</p>"),
            faq(
                "Vragen over vervoer",
                [
                    ("Wat kost de regiotaxi?", "U betaalt een vast bedrag per kilometer. Met een Wmo-pas betaalt u minder."),
                    ("Hoe krijg ik een Wmo-pas?", "Neem contact op met het Sociaal Loket. Een medewerker kijkt samen met u of u een pas kunt krijgen."),
                ],
            ),
        ],
        False,
    ),
    (
        "huiselijk-geweld",
        "Huiselijk geweld",
        "Wordt u thuis bedreigd, geslagen of vernederd? Of maakt u zich zorgen om iemand anders? Praat erover. Hulp is gratis en u mag anoniem bellen.",
        [
            contact("Veilig Thuis Drenthe", phone="0800-2000", opening_hours="Dag en nacht bereikbaar, ook in het weekend"),
            p("<p>Is er direct gevaar? Bel dan altijd <strong>112</strong>.</p>"),
            p("<p>Veilig Thuis geeft advies en helpt u verder. U kunt ook bellen als u twijfelt of als u zich zorgen maakt over een buurvrouw, collega of kind.</p>"),
        ],
        False,
    ),
    (
        "werk-en-inkomen",
        "Werk en inkomen",
        "Zoekt u werk, of lukt het niet om genoeg te verdienen? De gemeente helpt u op weg naar werk en zorgt dat u een inkomen heeft.",
        [
            p("<p>Heeft u geen werk en geen ander inkomen? Dan kunt u misschien een bijstandsuitkering krijgen. U krijgt dan ook hulp bij het vinden van werk dat bij u past.</p>"),
            p("<p>Lukt gewoon werk (nog) niet? Er is ook beschut werk en arbeidsmatige dagbesteding.</p>"),
            SOCIAAL_LOKET,
        ],
        False,
    ),
    (
        "meedoen-en-ontmoeten",
        "Meedoen en ontmoeten",
        "In elk dorp en elke wijk kunt u andere mensen ontmoeten. Doe mee aan een activiteit, drink een kop koffie of word vrijwilliger.",
        [
            p("<p>Voelt u zich weleens alleen? Of wilt u graag iets doen voor een ander? In de wijkcentra en dorpshuizen is elke week wat te doen. Bijvoorbeeld samen eten, bewegen of een inloopochtend.</p>"),
            h("Vrijwilligerswerk"),
            p("<p>De vrijwilligerscentrale helpt u een vrijwilligersplek te vinden die bij u past.</p>"),
        ],
        False,
    ),
    (
        "initiatieven",
        "Geld voor uw initiatief",
        "Heeft u een goed idee voor uw buurt? Of doet u al vrijwilligerswerk en heeft u geld nodig? Vraag een budget aan bij de gemeente.",
        [
            p("<p>De gemeente heeft verschillende budgetten voor inwoners en vrijwilligersorganisaties. Bijvoorbeeld het werkbudget informele zorg en gezondheidsbevordering. De aanvraag is eenvoudig: u vertelt wat u gaat doen, voor wie, waar en wanneer, wat u wilt bereiken en wat het kost.</p>"),
            p("<p>U hoort snel of u het geld krijgt. Na afloop vertelt u kort hoe het is gegaan.</p>"),
        ],
        True,
    ),
]

PRIVACY = (
    "privacyverklaring",
    "Privacyverklaring",
    "Hoe wij omgaan met uw gegevens op deze website.",
    [
        p("<p>De gemeente Emmen is verantwoordelijk voor deze website. Wij gaan zorgvuldig om met uw persoonsgegevens en houden ons aan de Algemene verordening gegevensbescherming (AVG).</p>"),
        h("Welke gegevens verzamelen wij?"),
        p("<ul><li>Als u zoekt op de sociale kaart, bewaren wij alleen de zoekwoorden. Niet uw IP-adres of andere gegevens waarmee wij u kunnen herkennen.</li><li>Als u een budget aanvraagt, vragen wij alleen wat nodig is om uw aanvraag te beoordelen en te betalen: uw naam, e-mailadres, adres en rekeningnummer (IBAN).</li><li>Als u een contactformulier invult, gebruiken wij uw gegevens alleen om u te antwoorden.</li></ul>"),
        h("Hoe lang bewaren wij uw gegevens?"),
        p("<p>Bij elke regeling staat hoe lang wij de gegevens van een aanvraag bewaren. Daarna verwijderen of anonimiseren wij ze automatisch.</p>"),
        h("Uw rechten"),
        p("<p>U mag uw gegevens inzien, laten verbeteren of laten verwijderen. Als aanvrager kunt u uw gegevens zelf downloaden in uw account. Heeft u een vraag of klacht? Neem contact op met de functionaris gegevensbescherming via privacy@emmen.nl. U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.</p>"),
        h("Cookies"),
        p("<p>Deze website gebruikt alleen cookies die nodig zijn om de website te laten werken, zoals uw taalkeuze en uw inlog. Wij gebruiken geen cookies om u te volgen.</p>"),
    ],
    False,
)

ACCESSIBILITY = (
    "toegankelijkheidsverklaring",
    "Toegankelijkheidsverklaring",
    "Wij willen dat iedereen deze website kan gebruiken.",
    [
        p("<p>De gemeente Emmen wil dat iedereen deze website kan gebruiken, ook mensen met een beperking. Daarom houden wij ons aan de toegankelijkheidseisen van de Web Content Accessibility Guidelines (WCAG) 2.1 op niveau AA, zoals het Besluit digitale toegankelijkheid overheid vraagt.</p>"),
        h("Wat doen wij?"),
        p("<ul><li>Wij schrijven in eenvoudige taal (taalniveau B1).</li><li>De website werkt met alleen een toetsenbord en met een schermlezer.</li><li>Elke pagina werkt ook zonder JavaScript. De kaart is een extra: dezelfde informatie staat altijd ook in een lijst.</li><li>Bij elke wijziging testen wij de pagina's automatisch op toegankelijkheid.</li></ul>"),
        h("Werkt iets niet?"),
        p("<p>Kunt u iets niet vinden of niet gebruiken? Laat het ons weten via het contactformulier of bel 14 0591. Wij reageren binnen vijf werkdagen.</p>"),
        p("<p>Status: deze verklaring is opgesteld op basis van een eigen onderzoek. Een onderzoek door een onafhankelijke partij staat gepland.</p>"),
    ],
    False,
)

CONTACT_FORM = {
    "slug": "contact",
    "title": "Contact",
    "introduction": "<p>Heeft u een vraag over deze website of over hulp in uw buurt? Stuur ons een bericht. Wij antwoorden binnen vijf werkdagen.</p>",
    "thank_you_text": "<p>Bedankt voor uw bericht. Wij antwoorden binnen vijf werkdagen.</p>",
    "fields": [
        ("Uw naam", "singleline", True, ""),
        ("Uw e-mailadres", "email", True, "Wij gebruiken uw e-mailadres alleen om u te antwoorden."),
        ("Uw vraag", "multiline", True, ""),
    ],
}
