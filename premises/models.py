from django.db import models


class Beat(models.Model):
    """A patrol beat or zone: an area a unit covers, drawn as a GeoJSON polygon."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=128)
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon geometry, coordinates as [lon, lat]"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Street(models.Model):
    """A named street, kept in its normalized form (e.g. "MAIN ST", "3RD AVE")."""

    name = models.CharField(max_length=128, unique=True)
    city = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StreetSegment(models.Model):
    """One block of a street with its address range, from one corner to the next."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="segments")
    from_number = models.PositiveIntegerField()
    to_number = models.PositiveIntegerField()
    start_lat = models.FloatField()
    start_lon = models.FloatField()
    end_lat = models.FloatField()
    end_lon = models.FloatField()

    class Meta:
        ordering = ["street", "from_number"]
        indexes = [models.Index(fields=["street", "from_number", "to_number"])]

    def __str__(self) -> str:
        return f"{self.from_number}-{self.to_number} {self.street.name}"


class Address(models.Model):
    """An address point: where a house number on a street is."""

    number = models.PositiveIntegerField()
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="addresses")
    unit = models.CharField(max_length=16, blank=True)
    city = models.CharField(max_length=64, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    label = models.CharField(max_length=200, db_index=True, help_text="Normalized, e.g. 123 MAIN ST")

    class Meta:
        ordering = ["street__name", "number", "unit"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(fields=["street", "number", "unit"], name="address_unique_point"),
        ]

    def __str__(self) -> str:
        return self.label


class Intersection(models.Model):
    """Where two streets meet, named both ways round for lookup."""

    street_a = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+")
    street_b = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+")
    lat = models.FloatField()
    lon = models.FloatField()
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["street_a__name", "street_b__name"]
        constraints = [
            models.UniqueConstraint(fields=["street_a", "street_b"], name="intersection_unique_pair"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.street_a.name} / {self.street_b.name}"
