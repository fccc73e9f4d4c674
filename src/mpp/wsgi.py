import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
application = get_wsgi_application()
get_resolver().resolve("/")  # the URLconf and its views now, not on the first request

# What start-up loaded (Django, the apps, their modules) lives as long as the worker: keep it out of
# every later garbage collection, which otherwise walks it again and again (CPython's gc.freeze).
gc.freeze()
