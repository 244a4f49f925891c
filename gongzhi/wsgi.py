import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
application = get_wsgi_application()

if not settings.DEBUG:  # production (gunicorn): each web process is warmed up before it serves
    from gongzhi.core.warmup import warm_up

    warm_up()
