"""DuckDB extensions, loaded from the wheels installed with the project, never downloaded.

DuckDB normally fetches an extension from extensions.duckdb.org at first use; a warehouse refresh must not depend on
the network, and this machine has none. The extensions are Python distributions pinned in pyproject.toml to the same
release as duckdb (`duckdb-extension-<name>`), each holding `extensions/v<release>/<name>.duckdb_extension`. An
extension built for another DuckDB release does not load, so the release is read from duckdb itself.
"""

import importlib.metadata
from pathlib import Path

import duckdb

# name as DuckDB knows it -> the distribution that ships it
DISTRIBUTIONS = {
    "ducklake": "duckdb-extension-ducklake",
    "postgres_scanner": "duckdb-extension-postgres-scanner",
    "encodings": "duckdb-extension-encodings",
}


class ExtensionMissing(RuntimeError):
    pass


def extension_path(name: str) -> Path:
    """The installed file of extension `name` for the running DuckDB release."""
    distribution = DISTRIBUTIONS[name]
    wanted = f"extensions/v{duckdb.__version__}/{name}.duckdb_extension"
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        raise ExtensionMissing(f"{distribution} is not installed (make setup installs it from uv.lock)") from None
    for file in files:
        if str(file).endswith(wanted):
            return Path(file.locate()).resolve()
    raise ExtensionMissing(
        f"{distribution} holds no {wanted}: it was built for another DuckDB release than {duckdb.__version__} "
        "(pyproject.toml pins them together)"
    )


def load(conn: duckdb.DuckDBPyConnection, *names: str) -> None:
    """LOAD each extension into `conn` from its installed file. ducklake's PostgreSQL catalog needs postgres_scanner,
    so it is loaded first when both are asked for."""
    for name in sorted(names, key=lambda n: n != "postgres_scanner"):
        conn.execute(f"LOAD '{extension_path(name)}'")


if __name__ == "__main__":  # `python -m planwatch.extensions`: the LOAD statements for a duckdb shell of this release
    for extension in DISTRIBUTIONS:
        print(f"LOAD '{extension_path(extension)}';")
