"""A PostgreSQL server of one's own in a folder, on 127.0.0.1, for trying the shared store on one machine
(`make shared-up` / `make shared-down`) and for the tests. Not for production: there the catalog is a managed
PostgreSQL (docs/scale-out.md).

The server binaries come from the machine (Debian's postgresql-15: /usr/lib/postgresql/<n>/bin). initdb refuses to
run as root, so as root the server is created and run as the `postgres` user (runuser), owning the folder.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

SERVER_USER = "postgres"
READER_ROLE = "planwatch_reader"


def bin_dir() -> Path:
    """The folder of pg_ctl and initdb: on PATH, else Debian's versioned folder (the newest)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise FileNotFoundError("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
    return Path(versions[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user() -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*_as_server_user(), *args], check=True, capture_output=True, text=True)


def start(folder: Path, port: int | None = None, database: str = "planwatch") -> str:
    """Create (first time) and start a server in `folder`, and create `database` in it (the analysts' read-only role
    is `grant_reader`'s). Returns the libpq connection string of the owner. Idempotent: a running server is left
    running."""
    folder.mkdir(parents=True, exist_ok=True)
    data, sockets = folder / "data", folder / "socket"
    port_file = folder / "port"
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    binaries = bin_dir()
    if not data.exists():
        _run(str(binaries / "initdb"), "-D", str(data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8", "--no-sync")
    port = port or (int(port_file.read_text()) if port_file.exists() else free_port())
    port_file.write_text(str(port))
    status = subprocess.run(
        [*_as_server_user(), str(binaries / "pg_ctl"), "-D", str(data), "status"], capture_output=True
    )
    if status.returncode != 0:
        if not sockets.exists():
            _run("mkdir", str(sockets))
        _run(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(folder / "server.log"),
            "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -k {sockets} -c fsync=off",
            "start",
        )
    owner = f"host=127.0.0.1 port={port} user={SERVER_USER}"
    _psql(
        owner + " dbname=postgres",
        f"SELECT 'CREATE DATABASE {database}' WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = '{database}')\\gexec",
    )
    return f"{owner} dbname={database}"


def grant_reader(dsn: str) -> str:
    """A least-privilege role for analysts: it may read the catalog's tables, and write nothing. Returns its
    connection string (trust authentication here; a password or certificate in production)."""
    _psql(
        dsn,
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER_ROLE}') THEN "
        f"CREATE ROLE {READER_ROLE} LOGIN; END IF; END $$;"
        f"GRANT CONNECT ON DATABASE {_field(dsn, 'dbname')} TO {READER_ROLE};"
        f"GRANT USAGE ON SCHEMA public TO {READER_ROLE};"
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER_ROLE};"
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {READER_ROLE};",
    )
    return " ".join(part for part in dsn.split() if not part.startswith("user=")) + f" user={READER_ROLE}"


def stop(folder: Path) -> None:
    data = folder / "data"
    if data.exists():
        subprocess.run(
            [*_as_server_user(), str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )


def _psql(dsn: str, sql: str) -> None:
    subprocess.run(["psql", dsn, "-v", "ON_ERROR_STOP=1", "-q"], input=sql, check=True, capture_output=True, text=True)


def _field(dsn: str, name: str) -> str:
    return next(part.split("=", 1)[1] for part in dsn.split() if part.startswith(name + "="))


def main(argv: list[str] | None = None) -> int:
    """`python -m planwatch.local_postgres up|down <folder>`: what `make shared-up` / `make shared-down` run."""
    import sys

    action, folder = (argv or sys.argv[1:])[:2]
    folder_path = Path(folder).resolve()
    if action == "down":
        stop(folder_path)
        print(f"stopped the PostgreSQL server in {folder_path}")
        return 0
    dsn = start(folder_path)
    reader = grant_reader(dsn)
    lake_data = folder_path.parent / "lake"
    print(
        f"PostgreSQL is running in {folder_path} (127.0.0.1).\n"
        f"Refresh into the shared store:\n"
        f"  PLANWATCH_TARGET=shared PLANWATCH_LAKE_CATALOG='{dsn}' PLANWATCH_LAKE_DATA={lake_data}/ "
        f".venv/bin/planwatch refresh\n"
        f"Analysts read it with the read-only role:\n"
        f"  ATTACH 'ducklake:postgres:{reader}' AS lake (DATA_PATH '{lake_data}/', READ_ONLY)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
