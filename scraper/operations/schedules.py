"""The schedules file of ``akhbar schedule``: TOML, validated with the line of every mistake.

    [defaults]                      # optional: applies to every job
    database = "sqlite:///data/akhbar.db"
    stop_timeout = "10m"            # on SIGTERM, how long running crawls may take to finish

    [[job]]
    name = "gulf"                   # optional; default: the sites joined by "+"
    sites = ["aljazeera", "alarabiya"]   # or: site = "aljazeera"
    every = "15m"                   # or: cron = "*/15 * * * *" (minute hour day month weekday)
    since = "2d"                    # crawl options: since (a duration back, or a date), max_articles,
    max_articles = 300              #   resume, replay, database, timeout (seconds of a run; 0: none)

A duration is a number and a unit: ``90s``, ``15m``, ``2h``, ``1d``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

JOB_KEYS = frozenset({"name", "site", "sites", "every", "cron", "since", "max_articles", "resume", "replay",
                      "database", "timeout", "timezone"})
DEFAULT_KEYS = frozenset({"database", "stop_timeout", "timezone", "since", "max_articles", "resume", "timeout"})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ScheduleError(Exception):
    """The schedules file cannot be used; ``problems`` are ``(line, message)`` pairs."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}:{line}: {message}" for line, message in problems))


@dataclass(frozen=True)
class Job:
    name: str
    sites: tuple[str, ...]
    every: float | None = None  # seconds
    cron: str | None = None
    since: str | None = None  # "2d" (relative to each run) or a date
    max_articles: int = 0
    resume: bool = False
    replay: str | None = None
    database: str | None = None
    timeout: float = 0.0  # a run still going after this many seconds is stopped (SIGTERM); 0: never
    timezone: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Schedules:
    jobs: tuple[Job, ...]
    stop_timeout: float = 600.0
    database: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def duration(value: Any) -> float:
    """Seconds from ``90s``/``15m``/``2h``/``1d`` or a plain number of seconds; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError
    return float(match.group(1)) * _UNITS[match.group(2)]


class _Lines:
    """Where each ``[[job]]`` and each of its keys is in the file (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.jobs: list[int] = []
        self.keys: list[dict[str, int]] = []
        self.defaults: dict[str, int] = {}
        self.defaults_line = 0
        section: dict[str, int] | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if re.match(r"^\[\[\s*job\s*\]\]", line):
                self.jobs.append(number)
                section = {}
                self.keys.append(section)
            elif re.match(r"^\[\s*defaults\s*\]", line):
                self.defaults_line = number
                section = self.defaults
            elif line.startswith("["):
                section = None
            elif section is not None and (key := re.match(r"^([A-Za-z_][\w-]*)\s*=", line)):
                section.setdefault(key.group(1), number)

    def job(self, index: int, key: str | None = None) -> int:
        if index >= len(self.jobs):
            return 1
        return self.keys[index].get(key, self.jobs[index]) if key else self.jobs[index]


def load(path: Path) -> Schedules:
    """The file's jobs, or ScheduleError listing every problem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScheduleError(path, [(0, f"cannot read the schedules file ({error.strerror})")]) from None
    except UnicodeDecodeError:
        raise ScheduleError(path, [(0, "not UTF-8 text")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ScheduleError(path, [(int(found.group(1)) if found else 1, f"not valid TOML: {message}")]) from None
    return parse(data, _Lines(text), path)


def parse(data: dict[str, Any], lines: _Lines, path: Path) -> Schedules:
    from scraper.sites.registry import SITES

    problems: list[tuple[int, str]] = []
    for key in data:
        if key not in ("job", "defaults"):
            problems.append((1, f"unknown table or key {key!r}: a schedules file has [defaults] and [[job]] tables"))
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append((lines.defaults_line or 1, "defaults must be a table: [defaults]"))
        defaults = {}
    for key in defaults:
        if key not in DEFAULT_KEYS:
            problems.append((lines.defaults.get(key, lines.defaults_line), f"unknown key {key!r} in [defaults]; "
                             f"allowed: {', '.join(sorted(DEFAULT_KEYS))}"))
    stop_timeout = 600.0
    if "stop_timeout" in defaults:
        try:
            stop_timeout = duration(defaults["stop_timeout"])
        except ValueError:
            problems.append((lines.defaults.get("stop_timeout", 1), f"stop_timeout {defaults['stop_timeout']!r} is "
                             "not a duration such as 90s, 10m or 1h"))
    raw_jobs = data.get("job", [])
    if not isinstance(raw_jobs, list) or not raw_jobs:
        problems.append((1, "no job: add at least one [[job]] table with a site and an `every` or a `cron`"))
        raw_jobs = []
    jobs: list[Job] = []
    names: dict[str, int] = {}
    for index, raw in enumerate(raw_jobs):
        job_problems: list[tuple[int, str]] = []

        def bad(key: str | None, message: str, index: int = index, job_problems: list = job_problems) -> None:
            job_problems.append((lines.job(index, key), message))

        merged = {key: value for key, value in defaults.items() if key in JOB_KEYS} | raw
        for key in raw:
            if key not in JOB_KEYS:
                bad(key, f"unknown key {key!r} in [[job]]; allowed: {', '.join(sorted(JOB_KEYS))}")
        sites: list[str] = []
        if ("site" in raw) == ("sites" in raw):
            bad(None, "a job needs `site = \"NAME\"` or `sites = [\"NAME\", ...]` (one of them)")
        elif "site" in raw:
            sites = [raw["site"]] if isinstance(raw["site"], str) else []
            if not sites:
                bad("site", "site must be a site's name in quotes; `sites` takes a list")
        else:
            value = raw["sites"]
            if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
                bad("sites", "sites must be a list of site names, e.g. sites = [\"aljazeera\", \"alarabiya\"]")
            else:
                sites = list(value)
        for site in sites:
            if site not in SITES:
                bad("site" if "site" in raw else "sites", f"no site named {site!r}; `akhbar sites` lists them")
        every: float | None = None
        cron: str | None = None
        if ("every" in raw) == ("cron" in raw):
            bad(None, "a job needs `every = \"15m\"` or `cron = \"*/15 * * * *\"` (one of them)")
        elif "every" in raw:
            try:
                every = duration(raw["every"])
                if every <= 0:
                    raise ValueError
            except ValueError:
                bad("every", f"every {raw['every']!r} is not a duration such as 90s, 15m, 2h or 1d")
        else:
            cron = raw["cron"] if isinstance(raw["cron"], str) else ""
            problem = _cron_problem(cron, merged.get("timezone"))
            if problem:
                bad("cron", f"cron {raw['cron']!r}: {problem}")
        since = merged.get("since")
        if since is not None and _since_problem(since):
            bad("since", f"since {since!r} is not a duration back (2d, 6h) nor a date (YYYY-MM-DD)")
        max_articles = merged.get("max_articles", 0)
        if isinstance(max_articles, bool) or not isinstance(max_articles, int) or max_articles < 0:
            bad("max_articles", f"max_articles must be a whole number, 0 or more, not {max_articles!r}")
            max_articles = 0
        resume = merged.get("resume", False)
        if not isinstance(resume, bool):
            bad("resume", f"resume must be true or false, not {resume!r}")
        timeout = 0.0
        if "timeout" in merged:
            try:
                timeout = duration(merged["timeout"])
            except ValueError:
                bad("timeout", f"timeout {merged['timeout']!r} is not a duration such as 30m")
        for key in ("replay", "database", "name", "timezone"):
            if key in merged and not isinstance(merged[key], str):
                bad(key, f"{key} must be text in quotes")
        name = str(raw.get("name") or "+".join(sites))
        if name in names:
            bad("name" if "name" in raw else None, f"two jobs are named {name!r} (the other at line {names[name]}); "
                "give one a `name`")
        names.setdefault(name, lines.job(index))
        problems.extend(job_problems)
        if not job_problems:
            jobs.append(Job(name=name, sites=tuple(sites), every=every, cron=cron, since=since,
                            max_articles=max_articles, resume=resume, replay=merged.get("replay"),
                            database=merged.get("database"), timeout=timeout, timezone=merged.get("timezone"),
                            line=lines.job(index)))
    if problems:
        raise ScheduleError(path, sorted(problems, key=lambda problem: problem[0]))
    return Schedules(jobs=tuple(jobs), stop_timeout=stop_timeout, database=defaults.get("database"))


def _cron_problem(expression: str, timezone: Any) -> str | None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression, timezone=timezone if isinstance(timezone, str) else None)
    except (ValueError, LookupError) as error:
        return f"{error} (five fields: minute hour day month weekday)"
    return None


def _since_problem(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        duration(value)
        return False
    except ValueError:
        from scraper.dates import parse_iso

        return parse_iso(value) is None


def since_argument(value: str | None, now: Any) -> str | None:
    """The ``--since`` of one run: a duration back from ``now`` becomes that instant in ISO 8601."""
    if not value:
        return None
    try:
        return (now - timedelta(seconds=duration(value))).isoformat(timespec="seconds")
    except ValueError:
        return value
