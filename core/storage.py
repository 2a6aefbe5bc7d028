from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """Documents never get a public URL: they are served by views that check the partner."""
    return storages["private"]
