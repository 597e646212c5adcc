from django.conf import settings


def lab(request) -> dict:
    """``lab_url``: where "Open lab" goes (the hub signs people in through us)."""
    if not settings.HUB_URL:
        return {"lab_url": ""}
    return {"lab_url": f"{settings.HUB_URL}/hub/user-redirect/lab"}
