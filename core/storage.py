import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


class PrivateStorage(FileSystemStorage):
    """Documents (proposals, credit notes) under PRIVATE_MEDIA_ROOT, with no public URL: they are only
    ever served by views that check the partner. The root is read on each use, not frozen when the
    models load, so a deployment (or a test) can move it."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        """No public URL (widgets that ask get an empty link): authorised views serve the bytes."""
        return ""


def private_storage() -> Storage:
    return PrivateStorage()
