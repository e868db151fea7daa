"""`csfacts serve`: a Prefect server (the configured one, or a local one it starts), three
served deployments, the failure automation and the inbox watcher, stopped cleanly together.

Deployments (served by this process with `prefect.serve`; no work pool or worker needed):
- `ingest-documents`: triggered by csfacts.document.received for this data directory,
  with `path` and `sha256` templated from the event payload;
- `reconcile-corpus`: on a cron schedule (default nightly 02:00), processes inbox files
  that are new or changed and removes rows of deleted ones;
- `validate-warehouse`: triggered by csfacts.warehouse.updated.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_SCHEDULE = "0 2 * * *"
SERVER_START_TIMEOUT_S = 180


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(api_url: str, timeout_s: float, proc: subprocess.Popen | None = None) -> None:
    """Poll `<api_url>/health` until it answers 200; raise RuntimeError on timeout or exit."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {proc.returncode} during start-up")
        try:
            if httpx.get(api_url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Prefect server at {api_url} not healthy after {timeout_s:.0f} s")


@contextmanager
def local_prefect_server(home: Path, port: int | None = None, log_path: Path | None = None) -> Iterator[str]:
    """Run `prefect server start` on 127.0.0.1 (SQLite under `home`); yield its API URL; stop it.

    The server runs in its own process group, which is terminated (then killed after 20 s)
    on exit, so none of its children outlive this context.
    """
    port = port or free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(url, SERVER_START_TIMEOUT_S, proc)
        yield url
    finally:
        stop_process_group(proc)
        if log_path:
            log.close()  # type: ignore[union-attr]


def descendants(pid: int) -> set[int]:
    """All live descendants of pid, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def stop_process_group(proc: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM a process group, then SIGKILL it if it has not exited within grace_s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def build_deployments(data_dir: Path, schedule: str, task_runner: str, dask_address: str | None) -> list:
    """The three runner deployments of csfacts for `data_dir`."""
    from prefect.types.entrypoint import EntrypointType
    from prefect.events import DeploymentEventTrigger

    from flows.events import DOCUMENT_RECEIVED, WAREHOUSE_UPDATED, warehouse_resource_id
    from flows.service_flows import ingest_documents, reconcile_corpus, validate_warehouse

    rid = warehouse_resource_id(data_dir)
    common = {"data_dir": str(data_dir)}
    # module entrypoints: the served runs import the installed package, whatever the cwd
    module = {"entrypoint_type": EntrypointType.MODULE_PATH}
    runner_params = {"task_runner": task_runner, "dask_address": dask_address}
    ingest = ingest_documents.to_deployment(
        name="ingest-documents",
        parameters={**common, **runner_params},
        triggers=[
            DeploymentEventTrigger(
                name="csfacts document received",
                expect={DOCUMENT_RECEIVED},
                match={"prefect.resource.id": rid},
                parameters={
                    "path": "{{ event.payload.path }}",
                    "sha256": "{{ event.payload.sha256 }}",
                    **common,
                    **runner_params,
                },
            )
        ],
        description="Process one document that landed in the inbox.",
        **module,
    )
    reconcile = reconcile_corpus.to_deployment(
        name="reconcile-corpus",
        cron=schedule,
        parameters={**common, **runner_params},
        description="Bring the warehouse in line with the inbox: new, changed and deleted files.",
        **module,
    )
    validate = validate_warehouse.to_deployment(
        name="validate-warehouse",
        parameters=common,
        triggers=[
            DeploymentEventTrigger(
                name="csfacts warehouse updated",
                expect={WAREHOUSE_UPDATED},
                match={"prefect.resource.id": rid},
                parameters={**common, "after_run_id": "{{ event.payload.run_id }}"},
            )
        ],
        description="Validate the current warehouse and record the results.",
        **module,
    )
    return [ingest, reconcile, validate]


def ensure_failure_automation(data_dir: Path, reconcile_deployment_id, notify_block: str | None = None) -> str:
    """Create or update the automation reacting to csfacts.validation.failed; returns its id.

    Without a notification block it pauses the `reconcile-corpus` deployment, so a broken
    pipeline is not re-run over the whole corpus every night until someone has looked
    (resume it in the UI or with `prefect deployment resume`). With `notify_block` (the
    name of a notification block, e.g. a Slack webhook block), it sends the failure
    summary and report path there instead.
    """
    from prefect.automations import Automation
    from prefect.events.actions import PauseDeployment, SendNotification
    from prefect.events.schemas.automations import EventTrigger, Posture

    from flows.events import VALIDATION_FAILED, warehouse_resource_id

    rid = warehouse_resource_id(data_dir)
    if notify_block:
        from prefect.blocks.core import Block

        block = Block.load(notify_block)
        action = SendNotification(
            block_document_id=block._block_document_id,
            subject="csfacts: critical validation failure",
            body=(
                "Run {{ event.payload.run_id }} on {{ event.payload.data_dir }}: "
                "{{ event.payload.n_failed_critical }} critical failures. Report: {{ event.payload.report_path }}"
            ),
        )
    else:
        action = PauseDeployment(source="selected", deployment_id=reconcile_deployment_id)
    name = f"csfacts-validation-failed-{rid.rsplit('.', 1)[-1]}"
    trigger = EventTrigger(expect={VALIDATION_FAILED}, match={"prefect.resource.id": rid}, posture=Posture.Reactive, threshold=1)
    description = f"React to critical validation failures of the csfacts warehouse under {data_dir}."
    try:
        existing = Automation.read(name=name)
    except ValueError:
        existing = None
    if existing is None:
        created = Automation(name=name, description=description, trigger=trigger, actions=[action]).create()
        return str(created.id)
    existing.description = description
    existing.trigger = trigger
    existing.actions = [action]
    existing.enabled = True
    existing.update()
    return str(existing.id)


def run_service(
    data_dir: Path,
    schedule: str = DEFAULT_SCHEDULE,
    task_runner: str = "threads",
    dask_address: str | None = None,
    settle_s: float = 1.0,
    notify_block: str | None = None,
    say=print,
) -> int:
    """Serve until Ctrl-C or SIGTERM; start (and stop) a local Prefect server if none is configured.

    Must run in the main thread. Environment variables Prefect reads at import time are set
    before Prefect is imported.
    """
    from contextlib import ExitStack

    from csfacts.settings import INBOX_DIRNAME, REPORTS_DIRNAME

    def interrupt(signum, frame):  # SIGTERM before Prefect's runner takes over: unwind cleanly
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    root = Path(data_dir).resolve()
    inbox = root / INBOX_DIRNAME
    inbox.mkdir(parents=True, exist_ok=True)
    (root / REPORTS_DIRNAME).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "2")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        with ExitStack() as stack:
            if not os.environ.get("PREFECT_API_URL"):
                say(f"no PREFECT_API_URL: starting a local Prefect server (SQLite under {root / '.prefect'})")
                log_path = root / REPORTS_DIRNAME / "prefect-server.log"
                os.environ["PREFECT_API_URL"] = stack.enter_context(local_prefect_server(root / ".prefect", log_path=log_path))
            say(f"Prefect API: {os.environ['PREFECT_API_URL']}")
            _serve(root, inbox, schedule, task_runner, dask_address, settle_s, notify_block, say)
    except KeyboardInterrupt:
        pass  # Ctrl-C, or SIGTERM before the runner took over; the ExitStack has cleaned up
    say("stopped")
    return 0


def _serve(root: Path, inbox: Path, schedule: str, task_runner: str, dask_address: str | None,
           settle_s: float, notify_block: str | None, say) -> None:
    import asyncio

    from prefect.runner import Runner

    from flows.events import DOCUMENT_RECEIVED, document_received_payload, emit
    from flows.watcher import InboxWatcher
    from warehouse.store import read_table

    deployments = build_deployments(root, schedule, task_runner, dask_address)
    reconcile_id = deployments[1].apply()
    automation_id = ensure_failure_automation(root, reconcile_id, notify_block)
    say(f"automation {automation_id} reacts to csfacts.validation.failed")

    def landed(path: Path, sha256: str, size: int) -> None:
        say(f"landed: {path.name} ({size} bytes) -> {DOCUMENT_RECEIVED}")
        emit(DOCUMENT_RECEIVED, root, document_received_payload(path, sha256, size))

    watcher = InboxWatcher(inbox, landed, settle_s=settle_s)
    known = dict(read_table(root, "source_files").select("source_path", "doc_id").iter_rows())
    watcher.start()
    queued = watcher.catch_up(known)
    say(f"watching {inbox} ({queued} files to catch up); schedule of reconcile-corpus: {schedule!r}")
    say("serving ingest-documents, reconcile-corpus, validate-warehouse (Ctrl-C or SIGTERM to stop)")
    class ServiceRunner(Runner):
        """Prefect's runner, with SIGTERM handled like Ctrl-C: asyncio cancels the runner's
        tasks cleanly (the stock handler calls sys.exit from inside the event loop)."""

        def handle_sigterm(self, *args, **kwargs) -> None:
            raise KeyboardInterrupt

    runner = ServiceRunner(pause_on_shutdown=False)
    for deployment in deployments:
        runner.add_deployment(deployment)
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
