import time
from teilhabe.conftest import make_contribution
from django.urls import reverse

def test_timing(client, process, personas, settings):
    for i in range(40):
        make_contribution(process, personas["participant"], title=f"Beitrag {i}")
    url = reverse("contributions:list", kwargs={"slug": process.slug})
    for flag in (False, True):
        settings.TEILHABE_PAGE_CACHE = flag
        client.get(url); client.get(url)
        t = time.perf_counter()
        for _ in range(300):
            client.get(url)
        print(f"\ncache={flag}: {(time.perf_counter()-t)/300*1000:.2f} ms per list GET (test client, full middleware)")
