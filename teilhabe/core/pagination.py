"""Pagination that stays fast on deep pages of large lists.

Only ids are paged (an index-only scan), rows are loaded for one page afterwards ("deferred join"), and a
page in the second half of the list is read from the other end, so the last page costs what the first does.
"""

from django.core.paginator import InvalidPage, Page, Paginator
from django.utils.translation import gettext as _

from teilhabe.core.errors import NotFound


class IdPaginator(Paginator):
    def __init__(self, object_list, per_page, *, load_rows, count=None):
        super().__init__(object_list, per_page)
        self.load_rows = load_rows
        if count is not None:
            self.__dict__["count"] = count  # a count the caller already knows (cached_property slot)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids_query = self.object_list.values_list("pk", flat=True)
        if bottom > self.count // 2:
            ids = list(ids_query.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(ids_query[bottom:top])
        rows = {row.pk: row for row in self.load_rows(ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def paginate_ids(queryset, *, page_number, per_page: int, load_rows, count=None) -> Page:
    paginator = IdPaginator(queryset, per_page, load_rows=load_rows, count=count)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as exc:
        raise NotFound(_("This page of the list does not exist.")) from exc
