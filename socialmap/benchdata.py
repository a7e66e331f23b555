"""Large synthetic social maps for benchmarks: `generate_facilities(n, seed)` writes n live facilities
with organisations, locations inside the Emmen wijken, taxonomy terms and opening hours, with
bulk_create (no revisions, no per-object signals), so 100,000 facilities take a minute or two on
PostgreSQL rather than hours through the importer.

    from socialmap.benchdata import generate_facilities
    result = generate_facilities(100_000, seed=1)   # GeneratedData(facilities=..., ...)

Deterministic for a given seed (ids are UUIDv5 of the seed and a counter), so a second call with the
same n and seed adds nothing (`ignore_conflicts`). The search index is not updated: run
`manage.py update_index` afterwards when the benchmark needs Wagtail's full-text index. The rows are
marked with the organisation-name prefix BENCH_PREFIX, so `delete_generated()` removes exactly them.
"""

import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .mapdata import refresh_map_positions

BENCH_PREFIX = "Bench"
NAMESPACE = uuid.UUID("7a1b9e52-58a4-4d0c-8a5e-1c1f7f0b2d33")
WORDS = [
    ("Inloop", "meedoen-ontmoeten"), ("Mantelzorgpunt", "mantelzorg-vrijwilligers"), ("Wijkverpleging", "zorg-gezondheid"),
    ("Schuldhulp", "geld-schulden"), ("Taalhuis", "meedoen-ontmoeten"), ("Toegangsteam", "informatie-advies"),
    ("Buurtbus", "vervoer"), ("Jongerenwerk", "opvoeden-opgroeien"), ("Dagbesteding", "zorg-gezondheid"),
    ("Klussendienst", "hulp-thuis"), ("Voedselbank", "geld-schulden"), ("Woonbegeleiding", "wonen"),
    ("Re-integratie", "werk-inkomen"), ("Steunpunt huiselijk geweld", "veiligheid"), ("Ouderenadviseur", "informatie-advies"),
]
PLACES = ["De Schakel", "Het Trefpunt", "De Marke", "Het Anker", "De Brug", "Zonnehof", "De Kastanje", "Het Baken"]
SENTENCES = [
    "U kunt hier zonder afspraak binnenlopen.",
    "Een medewerker denkt met u mee en zoekt samen met u naar een oplossing.",
    "Wij helpen bij vragen over geld, zorg, wonen en meedoen in de buurt.",
    "Vrijwilligers bieden een luisterend oor en praktische hulp.",
    "De koffie staat klaar; iedereen is welkom.",
    "Heeft u meer hulp nodig, dan verwijzen wij u door naar het toegangsteam.",
    "Wij komen ook bij u thuis als u niet zelf kunt komen.",
    "Voor mantelzorgers is er extra ondersteuning en een plek om even op adem te komen.",
]


@dataclass
class GeneratedData:
    organisations: int
    locations: int
    facilities: int


def _id(seed, kind, i):
    return uuid.uuid5(NAMESPACE, f"{seed}:{kind}:{i}")


def generate_facilities(n, seed=1, batch_size=2000, progress=None):
    """Create n facilities (plus about n/5 organisations and n/2 locations). Returns GeneratedData."""
    from .models import Area, Facility, FacilityPhone, Location, Organisation, ServiceAtLocation, TaxonomyTerm

    rng = random.Random(seed)
    wijken = list(Area.objects.filter(kind__in=["wijk", "dorp"]).exclude(latitude__isnull=True))
    if not wijken:
        raise RuntimeError("No wijken with a centre: run the migrations (socialmap 0002 loads the areas) first.")
    terms = {}
    for term in TaxonomyTerm.objects.all():
        terms.setdefault(term.taxonomy, []).append(term)
    by_code = {t.code: t for t in terms.get("levensdomein", [])}
    now = timezone.now()
    today = timezone.localdate()
    n_orgs, n_locs = max(1, n // 5), max(1, n // 2)

    with transaction.atomic():
        Organisation.objects.bulk_create(
            [
                Organisation(
                    id=_id(seed, "org", i), name=f"{BENCH_PREFIX} {rng.choice(PLACES)} {i}", description=rng.choice(SENTENCES),
                    email=f"info{i}@bench.example.nl", live=True, first_published_at=now, last_published_at=now,
                )
                for i in range(n_orgs)
            ],
            batch_size=batch_size, ignore_conflicts=True,
        )
        locations = []
        for i in range(n_locs):
            wijk = rng.choice(wijken)
            locations.append(
                Location(
                    id=_id(seed, "loc", i), name=f"{rng.choice(PLACES)} {wijk.name}", address_1=f"Dorpsstraat {i % 200 + 1}",
                    postal_code=f"78{rng.randint(10, 89)} {rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
                    city=wijk.name, latitude=wijk.latitude + rng.uniform(-0.006, 0.006),
                    longitude=wijk.longitude + rng.uniform(-0.009, 0.009), area=wijk, live=True,
                    first_published_at=now, last_published_at=now,
                )
            )
        Location.objects.bulk_create(locations, batch_size=batch_size, ignore_conflicts=True)

        through = Facility.terms.through
        done = 0
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            facilities, links, sals, phones = [], [], [], []
            for i in range(start, stop):
                word, domain = rng.choice(WORDS)
                fid = _id(seed, "fac", i)
                facilities.append(
                    Facility(
                        id=fid, organisation_id=_id(seed, "org", rng.randrange(n_orgs)),
                        name=f"{word} {rng.choice(PLACES)} {i}", slug=f"bench-{seed}-{i}",
                        description=" ".join(rng.sample(SENTENCES, 3)), status=Facility.ACTIVE, live=True,
                        first_published_at=now, last_published_at=now,
                        last_verified=today - timezone.timedelta(days=rng.randint(0, 500)),
                        review_interval_days=365,
                    )
                )
                chosen = {by_code[domain].pk: by_code[domain]} if domain in by_code else {}
                for taxonomy in ("doelgroep", "toegang", "kosten"):
                    if terms.get(taxonomy):
                        term = rng.choice(terms[taxonomy])
                        chosen[term.pk] = term
                links += [through(facility_id=fid, taxonomyterm_id=pk) for pk in chosen]
                sals.append(
                    ServiceAtLocation(
                        id=_id(seed, "sal", i), facility_id=fid, location_id=_id(seed, "loc", rng.randrange(n_locs)), sort_order=0,
                        opening_hours=[{"type": "hours", "id": str(_id(seed, "hours", i)),
                                        "value": {"days": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00:00", "closes_at": "17:00:00", "note": ""}}],
                    )
                )
                phones.append(FacilityPhone(id=_id(seed, "phone", i), facility_id=fid, number=f"0591-{rng.randint(100000, 999999)}", sort_order=0))
            Facility.objects.bulk_create(facilities, batch_size=batch_size, ignore_conflicts=True)
            through.objects.bulk_create(links, batch_size=batch_size * 4, ignore_conflicts=True)
            ServiceAtLocation.objects.bulk_create(sals, batch_size=batch_size, ignore_conflicts=True)
            FacilityPhone.objects.bulk_create(phones, batch_size=batch_size, ignore_conflicts=True)
            refresh_map_positions([f.id for f in facilities])  # bulk_create sends no signals
            done = stop
            if progress:
                progress(stop - start)
    return GeneratedData(organisations=n_orgs, locations=n_locs, facilities=done)


def delete_generated():
    """Remove every generated row (found through the organisation-name prefix)."""
    from .models import Facility, Location, Organisation, ServiceAtLocation

    orgs = Organisation.objects.filter(name__startswith=f"{BENCH_PREFIX} ")
    facilities = Facility.objects.filter(organisation__in=orgs)
    location_ids = list(ServiceAtLocation.objects.filter(facility__in=facilities).values_list("location_id", flat=True))
    with transaction.atomic():
        ServiceAtLocation.objects.filter(facility__in=facilities).delete()
        facilities.delete()
        orgs.delete()
        Location.objects.filter(pk__in=location_ids, service_at_locations__isnull=True).delete()


# Generate many facilities fast for benchmarks (bench/socialmap.py): bulk inserts, realistic spread over
# the demo municipality's wijken, 2-5 taxonomy terms each, one location each, weekday opening hours.
#
#     from socialmap.benchdata import generate
#     generate(10_000)            # adds 10,000 live facilities (organisations and locations included)


import datetime  # noqa: E402


GENERATE_WORDS = ["hulp", "zorg", "advies", "inloop", "ontmoeting", "steunpunt", "coaching", "vervoer", "wonen", "taal",
         "mantelzorg", "sport", "budget", "jeugd", "ouderen", "vrijwilligers", "dagbesteding", "buurt"]
STREETS = ["Hoofdstraat", "Kerkstraat", "Marktplein", "Stationsstraat", "Houtweg", "Noorderstraat", "Boslaan", "Dorpsstraat"]
HOURS = [("hours", {"days": ["MO", "TU", "WE", "TH", "FR"], "opens_at": datetime.time(9, 0), "closes_at": datetime.time(17, 0), "note": ""})]


def _random_point_in(area, rnd):
    """A point near the wijk's centre (within about 1.5 km), so points cluster the way real facilities do."""
    return area.latitude + rnd.uniform(-0.013, 0.013), area.longitude + rnd.uniform(-0.02, 0.02)


def generate(count, seed=42, batch_size=2000, prefix="bench", progress=None):
    """Add `count` live, active facilities with organisations, locations and terms; returns the number added."""
    from socialmap.models import Area, Facility, Location, Organisation, ServiceAtLocation, TaxonomyTerm

    rnd = random.Random(f"{seed}-{Facility.objects.count()}")
    wijken = list(Area.objects.filter(kind__in=["wijk", "dorp"], latitude__isnull=False))
    if not wijken:
        raise RuntimeError("no wijken with a centre: run the migrations (they load the demo areas) first")
    terms = {t: list(TaxonomyTerm.objects.filter(taxonomy=t)) for t in ("levensdomein", "doelgroep", "toegang", "kosten")}
    offset = Facility.objects.filter(slug__startswith=f"{prefix}-").count()
    terms_through = Facility.terms.through
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        with transaction.atomic():
            organisations = Organisation.objects.bulk_create(
                [Organisation(name=f"Organisatie {offset + made + i}", live=True) for i in range(0, size, 10)]
            )
            locations, facilities = [], []
            for i in range(size):
                n = offset + made + i
                wijk = rnd.choice(wijken)
                lat, lng = _random_point_in(wijk, rnd)
                locations.append(Location(
                    name=f"Locatie {n}", address_1=f"{rnd.choice(STREETS)} {rnd.randint(1, 200)}",
                    postal_code=f"78{rnd.randint(10, 99)} {rnd.choice('ABCDEFGH')}{rnd.choice('KLMNPRST')}",
                    city="Emmen", latitude=lat, longitude=lng, area=wijk, wheelchair_accessible=rnd.random() < 0.7, live=True,
                ))
                a, b = rnd.sample(GENERATE_WORDS, 2)
                facilities.append(Facility(
                    organisation=organisations[i // 10], name=f"{a.capitalize()} en {b} {n}", slug=f"{prefix}-{n}",
                    description=f"{a.capitalize()} en {b} voor inwoners. " + " ".join(rnd.sample(GENERATE_WORDS, 6)) + ".",
                    status=Facility.ACTIVE, live=True, last_verified=datetime.date(2026, 1, 1) + datetime.timedelta(days=rnd.randint(0, 300)),
                ))
            Location.objects.bulk_create(locations)
            Facility.objects.bulk_create(facilities)
            ServiceAtLocation.objects.bulk_create(
                [ServiceAtLocation(facility=f, location=loc, sort_order=0, opening_hours=HOURS) for f, loc in zip(facilities, locations)]
            )
            links = []
            for facility in facilities:
                chosen = rnd.sample(terms["levensdomein"], rnd.randint(1, 2)) + rnd.sample(terms["doelgroep"], rnd.randint(1, 2))
                chosen += [rnd.choice(terms["toegang"]), rnd.choice(terms["kosten"])]
                links.extend(terms_through(facility_id=facility.pk, taxonomyterm_id=t.pk) for t in chosen)
            terms_through.objects.bulk_create(links)
            refresh_map_positions([f.pk for f in facilities])  # bulk_create sends no signals
        made += size
        if progress:
            progress(made, count)
    return made
