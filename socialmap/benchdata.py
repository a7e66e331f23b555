"""Generate many facilities fast for benchmarks (bench/socialmap.py): bulk inserts, realistic spread over
the demo municipality's wijken, 2-5 taxonomy terms each, one location each, weekday opening hours.

    from socialmap.benchdata import generate
    generate(10_000)            # adds 10,000 live facilities (organisations and locations included)
"""

import datetime
import random

from django.db import transaction

WORDS = ["hulp", "zorg", "advies", "inloop", "ontmoeting", "steunpunt", "coaching", "vervoer", "wonen", "taal",
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
                a, b = rnd.sample(WORDS, 2)
                facilities.append(Facility(
                    organisation=organisations[i // 10], name=f"{a.capitalize()} en {b} {n}", slug=f"{prefix}-{n}",
                    description=f"{a.capitalize()} en {b} voor inwoners. " + " ".join(rnd.sample(WORDS, 6)) + ".",
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
        made += size
        if progress:
            progress(made, count)
    return made
