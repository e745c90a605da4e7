from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            number = request.query_params.get(self.page_query_param, "")
            if not (number.isascii() and number.isdigit() and int(number) > 0) and number != "last":
                raise ValidationError({"page": ["Give a page number from 1."]}) from None
            raise
