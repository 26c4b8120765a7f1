"""gunicorn entry for bench/city.py: the app as the environment configures it (DATABASE_URL, REDIS_URL,
SECRET_KEY, INSTANCE_PATH, PROXY_COUNT …), with the per-address login and write limits lifted because every
simulated resident comes from 127.0.0.1; the per-account limits stay as configured."""
from participation.app import create_app

app = create_app({"WRITE_LIMIT_PER_ADDRESS": "1000000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "1000000 per minute"})
