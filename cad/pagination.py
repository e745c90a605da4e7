from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def _whole_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


class Pagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` 1 to 500. A page or a size that cannot be meant is a 400
    that says so, not a silent default; one sent empty is not sent, as with every query value."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if not asked:
            return self.page_size
        size = _whole_number(asked)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [
                f"Give a whole number from 1 to {self.max_page_size}."]})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            number = request.query_params.get(self.page_query_param, "")
            if _whole_number(number) is None or int(number) < 1:
                raise ValidationError({self.page_query_param: ["Give a page number from 1."]}) from None
            last = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise ValidationError(
                {self.page_query_param: [f"There is no page {number}; the last is {last}."]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
