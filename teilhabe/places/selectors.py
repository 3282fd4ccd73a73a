from teilhabe.places.models import District, Neighbourhood


def district_list(*, city):
    return District.objects.filter(city=city).order_by("number")


def neighbourhood_list(*, city):
    return Neighbourhood.objects.filter(district__city=city).select_related("district")
