"""gunicorn settings for production; every value can be overridden by environment.

Run: gunicorn -c gunicorn.conf.py wsgi:app   (or `make serve`)
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one; each with a few threads for requests that wait on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Long work (imports, exports) runs as background jobs, so requests stay short.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow unbounded — rarely: a worker takes
# seconds to start (GIS libraries), and at 2 000 requests both workers restarted every few seconds
# under load (p99 of /healthz 3.9 s). The jitter keeps two workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Behind a reverse proxy on the same host: trust its X-Forwarded-* headers
# (set PROXY_COUNT=1 for the app as well). Use the proxy's address if it runs elsewhere.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# No client addresses in the access log (data minimisation, GDPR Art. 5).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
