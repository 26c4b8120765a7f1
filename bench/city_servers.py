"""The servers of bench/city.py: the app under gunicorn, nginx in front with the README's cache, and wrk.

nginx and wrk come from Debian's packages: installed here with apt-get when missing and run as root
(as tools/test-services does for PostgreSQL and Redis), otherwise the bench says what to install.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = ROOT / "bench" / "wrk"
#: The README's server (production set-up, "Reverse proxy") over loopback without TLS; the Host header
#: carries the port since the proxy does not listen on the default one.
NGINX_CONF = """
{user}
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    log_format timing '$request_time $status "$request"';
    access_log {dir}/access.log timing;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    proxy_cache_path {dir}/cache keys_zone=mapdata:10m max_size=1g inactive=1d use_temp_path=off;
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $server_name:$server_port;
            proxy_set_header X-Forwarded-Host "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            client_max_body_size 8m;
        }}
        location ~ ^/(api/v1/(projects|statutes)/\\d+/comments/|api/v1/layers/\\d+/features|tiles/) {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $server_name:$server_port;
            proxy_set_header X-Forwarded-Host "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_cache mapdata;
            proxy_cache_key $request_uri;
            proxy_cache_lock on;
            proxy_cache_use_stale updating error timeout;
            proxy_cache_revalidate on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
        location /static/ {{ alias {root}/static/; expires 7d; }}
        # The baseline: the same bytes as files, from the same server.
        location /copy/ {{ alias {dir}/copy/; default_type application/json; }}
    }}
}}
"""


def need(*programs: str) -> None:
    """Install the Debian packages of missing programs (as root), or stop with what to install."""
    packages = {"nginx": "nginx-light", "wrk": "wrk"}
    missing = [name for name in programs if not shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin")]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"missing: {' '.join(missing)} — install with: apt-get install {' '.join(packages[m] for m in missing)}")
    print(f"installing {' '.join(packages[m] for m in missing)} from Debian's packages …", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *(packages[m] for m in missing)], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
    subprocess.run(["service", "nginx", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a worker still booting
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


#: For a bench that times one request at a time: one worker, one thread, never recycled.
ONE_WORKER = ("--workers", "1", "--threads", "1", "--max-requests", "0")


@contextmanager
def gunicorn(app: str, env: dict, log: Path, probe: str = "/healthz", options: tuple[str, ...] = ()):
    """`app` ("module:name" from the project or bench/) under gunicorn with gunicorn.conf.py's production
    settings (workers and threads as there, unless `options` say otherwise) on a free loopback port;
    yields its base URL once `probe` answers."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *options,
               "--pythonpath", f"{ROOT},{ROOT / 'bench'}", app]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=output,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + probe, process, log)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def nginx(app_base: str, folder: Path):
    """nginx on a free loopback port in front of `app_base`, with the README's proxy cache; yields its URL.
    Files under folder/copy are served at /copy/ (the baseline)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "copy").mkdir(exist_ok=True)
    port = free_port()
    conf = folder / "nginx.conf"
    # Started as root, nginx's workers would run as nobody, who may not write the temporary folder: this
    # throw-away server on loopback keeps the user that started it.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, dir=folder, port=port, app_port=app_base.rsplit(":", 1)[1],
                                      root=ROOT))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    log = folder / "error.log"
    subprocess.run([binary, "-t", "-q", "-c", str(conf), "-p", str(folder), "-e", str(log)], check=True)
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder), "-e", str(log),
                                "-g", "daemon off;"], start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz", process, log)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def wrk(base: str, script: str, args: list[str], *, seconds: float, connections: int = 1,
        threads: int = 1) -> dict:
    """Run wrk with a Lua script of bench/wrk (which prints one JSON line at the end); its figures, with
    latencies in milliseconds."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(WRK_SCRIPTS / script), base, "--", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith("{"))
    found = json.loads(line)
    for key in ("p50", "p90", "p95", "p99", "max"):
        found[key] /= 1000
    return found
