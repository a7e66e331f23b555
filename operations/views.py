from django.conf import settings
from django.shortcuts import render


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a themed page in plain Dutch, status 429."""
    hours = getattr(settings, "AXES_COOLOFF_TIME", None) or 0
    minutes = max(1, round(float(hours) * 60)) if isinstance(hours, (int, float)) else 15
    return render(request, "operations/lockout.html", {"cooloff_minutes": minutes}, status=429)
