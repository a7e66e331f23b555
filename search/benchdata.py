"""Generated facilities for benchmarks: plausible Dutch social-domain texts, spread over the demo areas.

    generate(100_000)   # bulk-creates organisations, locations, facilities, terms; then reindex yourself
"""

import random
import uuid

SERVICES = [
    ("Mantelzorgondersteuning", "advies en een luisterend oor voor mantelzorgers die zorgen voor een naaste"),
    ("Schoonmaakondersteuning", "hulp bij het schoonmaken van uw huis als u dat zelf niet meer kunt"),
    ("Wijkverpleging", "verpleging en persoonlijke verzorging bij u thuis"),
    ("Schuldhulpverlening", "hulp bij schulden, betalingsachterstanden en budgetbeheer"),
    ("Voedselbank", "een voedselpakket voor huishoudens met weinig geld"),
    ("Taalhuis", "oefengroepen en taalcoaches voor wie beter Nederlands wil leren"),
    ("Dagbesteding", "een zinvolle dag met activiteiten voor ouderen en mensen met dementie"),
    ("Buurtbemiddeling", "vrijwilligers helpen bij problemen met de buren"),
    ("Vervoersdienst", "vrijwilligers rijden u naar het ziekenhuis, de huisarts of de supermarkt"),
    ("Dorpshuis", "inloop met koffie, activiteiten en ontmoeting voor iedereen in het dorp"),
    ("Jongerenwerk", "activiteiten en een luisterend oor voor jongeren in de wijk"),
    ("Formulierenhulp", "vrijwilligers helpen bij het invullen van formulieren en brieven"),
    ("Personenalarmering", "een zender om de hals: druk op de knop en er komt hulp"),
    ("Maatjesproject", "een vrijwilliger om samen koffie te drinken of te wandelen als u zich alleen voelt"),
    ("Opvoedondersteuning", "cursussen en gesprekken voor ouders over opvoeden en pubers"),
]
ADJECTIVES = ["Samen", "Noord", "Zuid", "De Brug", "Het Anker", "Dichtbij", "Oost", "West", "De Schakel", "Het Baken"]
FILLER = ("U kunt zonder afspraak langskomen. Wij werken samen met de huisarts, het toegangsteam en andere "
          "organisaties in de buurt. Bel of mail ons gerust als u vragen heeft.")


def generate(count, seed=42, batch=2000, stdout=None):
    from socialmap.models import Area, Facility, Location, Organisation, ServiceAtLocation, TaxonomyTerm

    rng = random.Random(seed)
    areas = list(Area.objects.filter(kind__in=["wijk", "dorp"]).exclude(latitude=None))
    terms = {t: list(TaxonomyTerm.objects.filter(taxonomy=t)) for t in ("levensdomein", "doelgroep", "toegang", "kosten")}
    orgs = [Organisation(id=uuid.uuid4(), name=f"Stichting {a} {i}", live=True) for i, a in enumerate(ADJECTIVES * 20)]
    Organisation.objects.bulk_create(orgs)
    through = Facility.terms.through
    made = 0
    while made < count:
        n = min(batch, count - made)
        facilities, locations, sals, links = [], [], [], []
        for i in range(n):
            kind, text = rng.choice(SERVICES)
            area = rng.choice(areas)
            number = made + i
            f = Facility(
                id=uuid.uuid4(), organisation=rng.choice(orgs), name=f"{kind} {rng.choice(ADJECTIVES)} {area.name} {number}",
                slug=f"bench-{number}", description=f"{kind}: {text}. {FILLER}", live=True, status="active",
            )
            loc = Location(
                id=uuid.uuid4(), name=f"Locatie {number}", city=area.name, area=area, live=True,
                latitude=area.latitude + rng.uniform(-0.01, 0.01), longitude=area.longitude + rng.uniform(-0.01, 0.01),
            )
            facilities.append(f)
            locations.append(loc)
            sals.append(ServiceAtLocation(id=uuid.uuid4(), facility=f, location=loc, sort_order=0))
            for group, choices in terms.items():
                links.append(through(facility=f, taxonomyterm=rng.choice(choices)))
        Facility.objects.bulk_create(facilities)
        Location.objects.bulk_create(locations)
        ServiceAtLocation.objects.bulk_create(sals)
        through.objects.bulk_create(links, ignore_conflicts=True)
        made += n
        if stdout:
            stdout.write(f"\rgenerated {made}/{count}")
    if stdout:
        stdout.write("\n")
    return made
