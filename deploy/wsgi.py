"""WSGI entry point for gunicorn (serve, benchmarks, and the docker-compose deployment).

    CKAN_INI=/path/to/ckan.ini gunicorn deploy.wsgi:application

CKAN reads the database while it loads (``load_environment``), so a gunicorn worker that
starts while PostgreSQL is down (a worker restarted during an outage) cannot load the
application. gunicorn takes an exception there for a boot error and stops the whole server,
workers that were serving included, and it stays down when PostgreSQL comes back. Such a
worker leaves instead with an ordinary failure, after ``CKAN_DB_RETRY_SECONDS`` (default 2):
gunicorn starts another one, and the first one that finds PostgreSQL again serves
(docs/resilience.md).
"""
import logging
import os
import sys
import time
from logging.config import fileConfig

import sqlalchemy.exc

from ckan.cli import load_config
from ckan.config.middleware import make_app

_ini = os.environ.get("CKAN_INI", "/srv/app/ckan.ini")
fileConfig(_ini, disable_existing_loggers=False)
try:
    application = make_app(load_config(_ini))
except sqlalchemy.exc.OperationalError as error:  # PostgreSQL unreachable while this worker loads
    logging.getLogger("deploy.wsgi").error(
        "the database is unreachable while this worker starts (%s): it leaves, and gunicorn starts "
        "another", str(error).splitlines()[0])
    time.sleep(float(os.environ.get("CKAN_DB_RETRY_SECONDS", "2")))
    sys.exit(1)  # not gunicorn's boot error (3), which would stop the whole server
