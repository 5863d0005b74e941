"""gunicorn settings of the production web process (``bin/web``)."""

import os

bind = [os.environ.get("WEB_BIND", "0.0.0.0:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Access log on stdout, error log on stderr; both through the filter that redacts
# invitation tokens and reset/confirmation keys from URLs (turazo/core/redaction.py).
accesslog = "-"
errorlog = "-"
logger_class = "turazo.core.redaction.GunicornLogger"
# No runtime control socket: nothing uses it, and it would be a file in $HOME.
control_socket_disable = True
