"""Found by the load bench: the Dutch stemmer was shared by the threads of a gunicorn worker."""

import threading

from search import analysis


def test_stemming_from_many_threads_gives_the_same_stems():
    words = [f"{base}{n}" for n in range(400) for base in ("mantelzorgers", "wijkcentrums", "schuldhulpverlening")]
    expected = {w: analysis._stemmer().stemWord(w) for w in words}
    analysis.stem.cache_clear()
    errors = []

    def work():
        try:
            for w in words:
                if analysis.stem(w) != expected[w]:
                    errors.append(w)
        except Exception as exc:  # noqa: BLE001 - any crash is the failure we look for
            errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
