from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from partners.models import Netwerk


@require_GET
@cache_control(max_age=86400, public=True)
def security_txt(request):
    """RFC 9116: where to report a vulnerability."""
    contact = settings.SECURITY_CONTACT or Netwerk.load().email or settings.DEFAULT_FROM_EMAIL
    if "@" in contact and not contact.startswith(("mailto:", "https:")):
        contact = "mailto:" + contact.split("<")[-1].rstrip(">").strip()
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: nl, en, fr",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
