"""`make drills`: the failure drills a production installation must survive, run against
this machine's PostgreSQL and Redis (scripts/postgres, scripts/redis), never part of
`make test`.

It makes a database of its own (`onestop_drills`), loads the demo province into it (the
drills need a province to drive), serves it as production does (granian, two workers, the
supervised background worker) and keeps a mixed load going from four threads: portal
pages, catalogue searches and durable submissions, each submission retried with its own
Idempotency-Key until it is answered. Meanwhile, one after another:

- baseline: nothing happens (`--load-minutes`, 10 by default);
- redis stopped: the cache and the rate limiter lose Redis for 20 s;
- postgres stopped: the cluster stops for 15 s and starts again;
- postgres paused: every PostgreSQL process is frozen (SIGSTOP) for 20 s, longer than a
  served connection waits for an answer;
- worker killed: the background worker gets SIGKILL;
- webhook receiver failing: a partner's receiver (subscribed from the start, told of every
  case the load submits) answers 500 to 20 % of deliveries for 2 minutes;
- partner at 5x quota: one app calls the partner API at five times its rate limit for a
  minute while another app's calls are timed;
- backup and restore: `onestop backup` while the load runs, `onestop restore` into a
  fresh database, rows and audit roots checked.

It prints a table per drill: requests tried, 5xx other than 503, 503 answers (the ones
expected while the database is away), requests that got no answer within 30 s,
submissions acknowledged, lost (acknowledged, not in the database) and duplicated (more
cases than keys, over all drills), 429 answers, the slowest answer, and the recovery time (from
the fault's end to the first success; for the worker, to its next heartbeat). Then every
acknowledged case's webhook is checked at the receiver: lost (never acknowledged by the
receiver) and duplicated (acknowledged twice). docs/reliability.md records a run.

    .venv/bin/python bench/drills.py [--load-minutes N]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ANSWERS, BIN, ROOT, SEARCHES, TENANT, Session, free_port, shell, stop, submittable_item

ONESTOP = str(BIN / "onestop")
DATABASE = "onestop_drills"


@dataclass
class Tally:
    tried: int = 0
    server_errors: int = 0  # 5xx other than 503
    unavailable: int = 0  # 503
    throttled: int = 0  # 429
    no_answer: int = 0
    slowest: float = 0.0
    acknowledged: set[str] = field(default_factory=set)  # case numbers answered
    keys: set[str] = field(default_factory=set)  # Idempotency-Keys tried
    successes: list[float] = field(default_factory=list)  # when each success came back


class Load:
    """Four threads of mixed traffic until stopped; counts go to the current drill."""

    def __init__(self, url: str, session: Session, item: str, uploads: dict[str, int]) -> None:
        self.url, self.session, self.item, self.uploads = url, session, item, uploads
        self.tally = Tally()
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self._work, args=(n,), daemon=True) for n in range(4)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=60)

    def drill(self) -> Tally:
        """Start counting a new drill; the previous one's counts."""
        with self.lock:
            done, self.tally = self.tally, Tally()
        return done

    def _request(
        self, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        started = time.monotonic()
        try:
            status, answer = self.session.request(path, body, headers)
        except OSError:
            status, answer = 0, b""
        took = time.monotonic() - started
        with self.lock:
            tally = self.tally
            tally.tried += 1
            tally.slowest = max(tally.slowest, took)
            if status == 0:
                tally.no_answer += 1
            elif status == 503:
                tally.unavailable += 1
            elif status == 429:
                tally.throttled += 1
            elif status >= 500:
                tally.server_errors += 1
            else:
                tally.successes.append(time.monotonic())
        return status, answer

    def _work(self, n: int) -> None:
        rng = random.Random(n)
        while self.running:
            choice = rng.random()
            if choice < 0.4:
                self._request(f"/{TENANT}/services/")
            elif choice < 0.8:
                query = urllib.parse.urlencode({"q": rng.choice(SEARCHES)})
                self._request(f"/api/v1/tenants/{TENANT}/services?{query}")
            else:
                self._submit()

    def _submit(self) -> None:
        key = uuid.uuid4().hex
        with self.lock:
            self.tally.keys.add(key)
        body = json.dumps({"item": self.item, "uploads": self.uploads, "answers": ANSWERS}).encode()
        for _attempt in range(120):  # a client retries with the same key until answered
            status, answer = self._request(
                f"/api/v1/tenants/{TENANT}/applications",
                body,
                {"Content-Type": "application/json", "Idempotency-Key": key},
            )
            if status in (200, 201):
                number = json.loads(answer)["number"]
                with self.lock:
                    self.tally.acknowledged.add(number)
                return
            if not self.running:
                return
            time.sleep(0.5)


class Receiver(ThreadingHTTPServer):
    """A partner's webhook receiver on 127.0.0.1: answers 204, or 500 to a share of the
    deliveries while ``failing`` is set; remembers what it acknowledged."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.failing = 0.0
        self.rng = random.Random(20)
        self.lock = threading.Lock()
        self.refused = 0
        self.acknowledged: dict[str, int] = {}  # event id -> 2xx answers given
        self.cases: set[str] = set()  # case numbers of acknowledged deliveries

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        receiver = self.server
        with receiver.lock:
            refuse = receiver.rng.random() < receiver.failing
            if refuse:
                receiver.refused += 1
            else:
                event = self.headers.get("Onestop-Event-Id", "")
                receiver.acknowledged[event] = receiver.acknowledged.get(event, 0) + 1
                receiver.cases.add(str(json.loads(body)["data"]["case"]))
        self.send_response(500 if refuse else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        return


def make_partner_apps(env: dict[str, str], item: str, hook: str) -> dict[str, tuple[str, str]]:
    """Three apps of three partners in the drill's tenant, made as the tests make them: a
    service module for the drill's item subscribed to ``hook``, a greedy app limited to 60
    requests a minute, and a neighbour app; each one's client id and secret."""
    made = shell(
        f"""
        import json
        from onestop.partners import actions
        from onestop.partners.tests.helpers import SYSTEM, make_partner_app, operator
        apps = {{}}
        for n, name, rate in ((0, "hook", 600), (1, "greedy", 60), (2, "neighbour", 600)):
            made = make_partner_app(n, tenant="{TENANT}", service_module=True, rate_per_minute=rate)
            apps[name] = (made.app.client_id, made.secret)
            if name == "hook":
                grant = made.app.grants.get(tenant__code="{TENANT}")
                actions.do_install_module(actor=SYSTEM, operator=operator(), grant=grant, item_codes=["{item}"])
                actions.do_subscribe(actor=SYSTEM, grant=grant, url="{hook}", events=["case.state_changed"])
        print(json.dumps(apps))
        """,
        env,
    )
    apps: dict[str, tuple[str, str]] = json.loads(made.splitlines()[-1])
    return apps


def app_token(url: str, client_id: str, secret: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}/oauth/{TENANT}/token",
        data=urllib.parse.urlencode({"grant_type": "client_credentials", "scope": "cases:process"}).encode(),
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
        return str(json.loads(answer.read())["access_token"])


def call_at(
    load: Load, token: str, per_second: float, seconds: float, took: list[float], answers: Counter[int]
) -> None:
    """Call the partner API with ``token`` at a steady rate, counted in the current drill;
    each answer's time into ``took``, its status into ``answers``."""
    path = f"/api/v1/tenants/{TENANT}/module/cases?limit=20"
    start = time.monotonic()
    sent = 0
    while (now := time.monotonic()) < start + seconds:
        due = start + sent / per_second
        if due > now:
            time.sleep(due - now)
        began = time.monotonic()
        status, _ = load._request(path, None, {"Authorization": f"Bearer {token}"})
        took.append(time.monotonic() - began)
        answers[status] += 1
        sent += 1


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


def recovered_after(load: Load, since: float) -> float | None:
    """Seconds from ``since`` to the first request sent after it that succeeded (the
    drill's counts, read before the drill ends)."""
    with load.lock:
        after = [t for t in load.tally.successes if t > since]
    return min(after) - since if after else None


def postgres_pids() -> list[int]:
    """The cluster's processes: the postmaster (its data directory) and its children."""
    found = subprocess.run(["pgrep", "-f", "15/onestop"], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split() if int(p) != os.getpid()]


def worker_beat_age(url: str) -> float | None:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as answer:  # noqa: S310 - loopback
            return json.loads(answer.read())["worker"]["last_beat_seconds_ago"]
    except (OSError, KeyError, ValueError):
        return None


def worker_pid(log: Path) -> int:
    lines = [line for line in log.read_text().splitlines() if "background worker started (pid" in line]
    return int(lines[-1].split("pid ")[1].rstrip(")"))


def lost_cases(env: dict[str, str], numbers: set[str]) -> int:
    """How many acknowledged case numbers the database does not hold."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as listed:
        json.dump(sorted(numbers), listed)
    found = json.loads(
        shell(
            f"""
        import json
        from onestop.cases.models import Case
        numbers = json.load(open({listed.name!r}))
        present = set()
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            present |= set(Case.objects.platform_wide().filter(number__in=chunk).values_list("number", flat=True))
        print(json.dumps(sorted(present)))
        """,
            env,
        ).splitlines()[-1]
    )
    Path(listed.name).unlink()
    return len(numbers - set(found))


def still_waiting(env: dict[str, str], numbers: set[str]) -> int:
    """How many of the case numbers have a webhook still on its way: an outbox event not
    relayed yet, or a delivery pending (late, not lost)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as listed:
        json.dump(sorted(numbers), listed)
    found = shell(
        f"""
        import json
        from onestop.core.models import OutboxEvent
        from onestop.partners.models import WebhookDelivery
        numbers = set(json.load(open({listed.name!r})))
        waiting = {{e["case"] for e in OutboxEvent.objects.filter(relayed_at__isnull=True).values_list("payload", flat=True)}}
        waiting |= {{p["data"]["case"] for p in WebhookDelivery.objects.platform_wide().filter(state="pending").values_list("payload", flat=True)}}
        print(len(numbers & waiting))
        """,
        env,
    )
    Path(listed.name).unlink()
    return int(found.splitlines()[-1])


def now_on_server(env: dict[str, str]) -> str:
    return shell("from django.utils import timezone; print(timezone.now().isoformat())", env).splitlines()[-1]


def count_drill_cases(env: dict[str, str], since: str, until: str) -> int:
    return int(
        shell(
            f"""
        from django.utils.dateparse import parse_datetime
        from onestop.cases.models import Case
        made = Case.objects.platform_wide().filter(
            created_at__gte=parse_datetime("{since}"), created_at__lte=parse_datetime("{until}")
        )
        print(made.count())
        """,
            env,
        ).splitlines()[-1]
    )


def row(name: str, tally: Tally, lost: int, recovery: float | None) -> dict[str, object]:
    return {
        "drill": name,
        "tried": tally.tried,
        "5xx (not 503)": tally.server_errors,
        "503": tally.unavailable,
        "no answer": tally.no_answer,
        "acknowledged": len(tally.acknowledged),
        "lost": lost,
        "429": tally.throttled,
        "slowest s": round(tally.slowest, 1),
        "recovery s": "-" if recovery is None else round(recovery, 1),
        "worker back s": "-",
    }


def print_table(rows: list[dict[str, object]]) -> str:
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(r[h]) for h in headers) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load-minutes", type=float, default=10.0, help="the baseline's mixed load")
    options = parser.parse_args()
    pg_url = subprocess.run(
        [str(ROOT / "scripts" / "postgres")], capture_output=True, text=True, check=True
    ).stdout.strip()
    redis_url = subprocess.run(
        [str(ROOT / "scripts" / "redis")], capture_output=True, text=True, check=True
    ).stdout.strip()
    base = pg_url.rsplit("/", 1)[0]
    admin = ["psql", f"{base}/postgres", "-q", "-c"]
    for name in (DATABASE, f"{DATABASE}_restored"):
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
        subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
    var = ROOT / "var" / "drills"
    shutil.rmtree(var, ignore_errors=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_"))},
        "DATABASE_URL": f"{base}/{DATABASE}",
        "REDIS_URL": redis_url,
        "ONESTOP_VAR_DIR": str(var),
        "ONESTOP_DEMO": "1",  # the demo province, to drive
        "ONESTOP_BACKUP_PASSPHRASE": "drills passphrase, not a real one",
    }
    print("Setting up: migrations and the demo province on PostgreSQL ...", flush=True)
    subprocess.run([ONESTOP, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run([ONESTOP, "demo", "-v", "0"], env=env, check=True, stdout=subprocess.DEVNULL)
    http_port = free_port()
    url = f"http://127.0.0.1:{http_port}"
    log = var / "server.log"
    server = subprocess.Popen(
        [ONESTOP, "serve", "--port", str(http_port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    session = Session(url)
    session.log_in()
    item, uploads = submittable_item(session, env)
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    apps = make_partner_apps(env, item, receiver.url)
    tokens = {name: app_token(url, *credentials) for name, credentials in apps.items()}
    started_at = now_on_server(env)
    load = Load(url, session, item, uploads)
    load.start()
    rows: list[dict[str, object]] = []
    all_keys: set[str] = set()
    all_acknowledged: set[str] = set()

    def finish(name: str, recovery: float | None, worker_back: float | None = None) -> None:
        tally = load.drill()
        all_keys.update(tally.keys)
        all_acknowledged.update(tally.acknowledged)
        rows.append(row(name, tally, lost_cases(env, tally.acknowledged), recovery))
        rows[-1]["worker back s"] = "-" if worker_back is None else round(worker_back, 1)
        print(print_table([rows[-1]]).splitlines()[-1], flush=True)

    print(print_table([row("-", Tally(), 0, None)]).splitlines()[0], flush=True)
    time.sleep(options.load_minutes * 60)
    finish(f"baseline, {options.load_minutes:g} min", None)

    subprocess.run([str(ROOT / "scripts" / "redis"), "stop"], check=True)
    time.sleep(20)
    subprocess.run([str(ROOT / "scripts" / "redis")], check=True, stdout=subprocess.DEVNULL)
    back = time.monotonic()
    time.sleep(10)
    finish("redis stopped 20 s", recovered_after(load, back))

    subprocess.run([str(ROOT / "scripts" / "postgres"), "stop"], check=True)
    time.sleep(15)
    subprocess.run([str(ROOT / "scripts" / "postgres")], check=True, stdout=subprocess.DEVNULL)
    back = time.monotonic()
    worker_back = None
    for _ in range(600):
        age = worker_beat_age(url)
        if age is not None and age < (time.monotonic() - back):
            worker_back = time.monotonic() - back
            break
        time.sleep(0.5)
    time.sleep(10)
    finish("postgres stopped 15 s", recovered_after(load, back), worker_back)

    frozen = postgres_pids()
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    time.sleep(20)
    for pid in frozen:
        os.kill(pid, signal.SIGCONT)
    back = time.monotonic()
    time.sleep(10)
    finish("postgres paused 20 s", recovered_after(load, back))

    killed = worker_pid(log)
    os.kill(killed, signal.SIGKILL)
    back = time.monotonic()
    worker_back = None
    for _ in range(600):
        if worker_pid(log) != killed and (worker_beat_age(url) or 1e9) < (time.monotonic() - back):
            worker_back = time.monotonic() - back
            break
        time.sleep(0.5)
    time.sleep(5)
    finish("worker killed", None, worker_back)

    # Within two minutes a delivery fails at most three times (retries after 20, 40 and
    # 80 s), so every retry is due soon after the receiver is well again.
    receiver.failing = 0.2
    time.sleep(120)
    receiver.failing = 0.0
    time.sleep(10)
    finish("webhook receiver failing 20 %, 2 min", None)

    alone: list[float] = []
    beside: list[float] = []
    neighbour: Counter[int] = Counter()
    greedy: Counter[int] = Counter()
    call_at(load, tokens["neighbour"], 2, 30, alone, neighbour)
    # 300 calls in a minute against a limit of 60 a clock minute (the minute spans two).
    hammering = threading.Thread(target=call_at, args=(load, tokens["greedy"], 5, 60, [], greedy))
    hammering.start()
    call_at(load, tokens["neighbour"], 2, 60, beside, neighbour)
    hammering.join()
    finish("partner at 5x quota, 1 min", None)
    quota_note = (
        f"Partner at 5x quota: of its {greedy.total()} calls {greedy[200]} answered (at most 120: 60 in "
        f"each of the two clock minutes the drill spans), {greedy[429]} refused with 429; the neighbour "
        f"app's {neighbour.total()} calls: {neighbour[200]} answered, p95 {p95(alone) * 1000:.0f} ms "
        f"alone and {p95(beside) * 1000:.0f} ms beside it."
    )

    archive = var / "drills.backup.tar"
    backed = subprocess.run([ONESTOP, "backup", str(archive)], env=env, capture_output=True, text=True)
    load.stop()
    finished_at = now_on_server(env)
    tally = load.drill()
    all_keys.update(tally.keys)
    all_acknowledged.update(tally.acknowledged)
    # Every acknowledged case was a webhook to the receiver: wait until each has arrived.
    draining = time.monotonic()
    while time.monotonic() - draining < 600:
        with receiver.lock:
            if all_acknowledged <= receiver.cases:
                break
        time.sleep(1)
    drained = time.monotonic() - draining
    stop(server)
    receiver.shutdown()
    undelivered = all_acknowledged - receiver.cases
    late = still_waiting(env, undelivered) if undelivered else 0
    fresh = {**env, "DATABASE_URL": f"{base}/{DATABASE}_restored", "ONESTOP_VAR_DIR": str(var / "restored")}
    restored = subprocess.run(
        [ONESTOP, "restore", str(archive), "--keys-dir", str(var / "rk"), "--audit-dir", str(var / "ra")],
        env=fresh,
        capture_output=True,
        text=True,
    )
    ok = backed.returncode == 0 and restored.returncode == 0
    rows.append(row("backup and restore " + ("verified" if ok else "FAILED"), tally, 0, None))
    if not ok:
        print(backed.stderr[-1000:], restored.stderr[-1000:])

    made = count_drill_cases(env, started_at, finished_at)
    lost = lost_cases(env, all_acknowledged)
    duplicated = max(0, made - len(all_keys))  # one case per key at most
    print()
    print(print_table(rows))
    print(
        f"\nAll drills: {len(all_keys)} submissions tried, {len(all_acknowledged)} acknowledged, "
        f"{made} cases made, {lost} lost, {duplicated} duplicated."
    )
    twice = sum(1 for answers in receiver.acknowledged.values() if answers > 1)
    print(
        f"Webhooks: {len(receiver.acknowledged)} events acknowledged by the receiver, which refused "
        f"{receiver.refused} deliveries; {twice} events delivered twice; "
        + (
            f"the last arrived {drained:.0f} s after the load stopped."
            if not undelivered
            else f"{len(undelivered)} not delivered {drained:.0f} s after the load stopped: {late} of them "
            f"still on their way (in the outbox or pending), {len(undelivered) - late} lost."
        )
    )
    print(quota_note)


if __name__ == "__main__":
    main()
