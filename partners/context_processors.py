from .models import Netwerk


def netwerk(request) -> dict:
    return {"netwerk": Netwerk.load()}
