import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Everything loaded at start-up lives as long as the process: moved out of the garbage
# collector's sight, a full collection during a request (a big report allocates a lot) scans
# only what requests made, instead of every module, model and template of the app.
gc.freeze()
