"""Pagination that stays fast on deep pages of large lists.

Only ids are paged (an index-only scan), rows are loaded for one page afterwards ("deferred join"), and a
page in the second half of the list is read from the other end, so the last page costs what the first does.
"""

from django.core.cache import cache
from django.core.paginator import InvalidPage, Page, Paginator
from django.utils.translation import gettext as _

from teilhabe.core.errors import NotFound

IDS_SECONDS = 300  # an upper bound: the key names the versions that change a page's ids


class IdPaginator(Paginator):
    def __init__(self, object_list, per_page, *, load_rows, count=None, ids_key=None):
        super().__init__(object_list, per_page)
        self.load_rows = load_rows
        self.ids_key = ids_key  # when given, a page's ids are kept in the cache under it (its versions included)
        if count is not None:
            self.__dict__["count"] = count  # a count the caller already knows (cached_property slot)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        key = f"{self.ids_key}:{number}" if self.ids_key else None
        ids = cache.get(key) if key else None
        if ids is None:
            ids_query = self.object_list.values_list("pk", flat=True)
            if bottom > self.count // 2:
                ids = list(ids_query.reverse()[self.count - top : self.count - bottom])[::-1]
            else:
                ids = list(ids_query[bottom:top])
            if key:
                cache.set(key, ids, IDS_SECONDS)
        rows = {row.pk: row for row in self.load_rows(ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def paginate_ids(queryset, *, page_number, per_page: int, load_rows, count=None, ids_key=None) -> Page:
    paginator = IdPaginator(queryset, per_page, load_rows=load_rows, count=count, ids_key=ids_key)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as exc:
        raise NotFound(_("This page of the list does not exist.")) from exc
