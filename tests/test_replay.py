"""``rules diff``: replaying check-ins under two rule sets (engine/ruletools/replay/, the CLI).

The acceptance check: with ``hiit.readiness_min_pct`` changed in a copy of the rules, the diff
against the demo database lists exactly the check-ins whose HIIT decision flips, computed here
independently by evaluating every stored request under both rule directories.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import make_url

from engine.app.demo import create_demo
from engine.cli.rules_diff_cmd import diff_command
from engine.contract.formatting import plural
from engine.contract.models import EvaluationRequest, Recommendation
from engine.evaluation.evaluators import get_evaluator
from engine.loading.paths import knowledge_base_dir, rules_dir
from engine.ruletools.replay import (
    DatabaseSource,
    FileSource,
    Replayer,
    RuleSource,
    diff_recommendations,
    replay,
)
from engine.storage.schema import RecommendationRow
from engine.storage.store import Store

READINESS = "  hiit.readiness_min_pct:\n    value: 80"


def _set_readiness(rules: Path, value: int) -> Path:
    settings = rules / "settings.yaml"
    text = settings.read_text()
    assert READINESS in text, "the test expects hiit.readiness_min_pct at 80 in the rules"
    settings.write_text(text.replace(READINESS, f"  hiit.readiness_min_pct:\n    value: {value}"))
    return rules


def _copy_rules(target: Path, readiness: int | None = None) -> Path:
    shutil.copytree(rules_dir(), target)
    return _set_readiness(target, readiness) if readiness is not None else target


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("replay") / "demo.db"
    url = f"sqlite:///{path}"
    store = Store.open(url, create=True)
    create_demo(store, get_evaluator(), dt.date.today())
    # Run the demo again: today's check-in is replaced, so a superseded row exists too.
    create_demo(store, get_evaluator(), dt.date.today())
    store.engine.dispose()
    return url


@pytest.fixture(scope="module")
def stricter_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_rules(tmp_path_factory.mktemp("rules90") / "rules", readiness=90)


@pytest.fixture(scope="module")
def stored(demo_db: str) -> list[tuple[int, str, str, str]]:
    """(recommendation id, athlete, date, request JSON) of every non-superseded row."""
    store = Store.open(demo_db)
    with store.transaction() as session:
        rows = session.execute(
            select(
                RecommendationRow.id,
                RecommendationRow.athlete_id,
                RecommendationRow.date,
                RecommendationRow.request,
                RecommendationRow.status,
            ).order_by(RecommendationRow.date, RecommendationRow.id)
        ).all()
    store.engine.dispose()
    assert any(row.status == "superseded" for row in rows)
    return [
        (row.id, row.athlete_id, row.date.isoformat(), json.dumps(row.request))
        for row in rows
        if row.status != "superseded"
    ]


def _both(request_json: str, head_rules: Path) -> tuple[Recommendation, Recommendation]:
    base, head = get_evaluator(), get_evaluator(head_rules)
    request = EvaluationRequest.model_validate_json(request_json, context={"kb": base.kb})
    return base.evaluate(request), head.evaluate(request)


@pytest.fixture(scope="module")
def expected_flips(stored, stricter_rules: Path) -> set[tuple[str, str]]:
    """Check-ins whose HIIT decision flips, from full evaluations under both rule dirs."""
    flips = set()
    for _, athlete, day, request in stored:
        before, after = _both(request, stricter_rules)
        if before.hiit.allowed != after.hiit.allowed:
            flips.add((athlete, day))
    assert flips, "the demo should have check-ins with recovery between 80 and 90"
    return flips


def _run(args: list[str]) -> Any:
    return CliRunner().invoke(diff_command, args, catch_exceptions=False)


def _group(report: dict[str, Any], category: str) -> dict[str, Any] | None:
    return next((g for g in report["groups"] if g["category"] == category), None)


def _checkins(group: dict[str, Any]) -> set[tuple[str, str]]:
    assert group["checkins_not_listed"] == 0
    return {(item["athlete"], item["date"]) for item in group["checkins"]}


# --- the acceptance check ------------------------------------------------------------------------


def test_hiit_group_lists_exactly_the_checkins_whose_hiit_decision_flips(
    demo_db, stricter_rules, expected_flips, stored
) -> None:
    args = ["--base", str(rules_dir()), "--head", str(stricter_rules), "--db", demo_db]
    result = _run([*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    report = json.loads(result.stdout)
    assert report["replayed"] == len(stored)  # superseded rows are not replayed
    assert report["ruleset_changes"]["settings"] == {
        "hiit.readiness_min_pct": {"base": 80, "head": 90}
    }
    hiit = _group(report, "hiit_allowed")
    assert hiit is not None
    assert hiit["count"] == len(expected_flips)
    assert _checkins(hiit) == expected_flips
    # The readiness gate is responsible, and the rules it chains into.
    assert {"RS101", "RS102", "RS202"} <= set(hiit["rules"])
    assert all(example["before"] != example["after"] for example in hiit["examples"])
    rs101 = next(item for item in report["rules"] if item["rule"] == "RS101")
    assert rs101["change"] == "uses a changed setting"
    assert rs101["categories"]["hiit_allowed"] == len(expected_flips)


def test_text_report_lists_the_flipped_checkins(demo_db, stricter_rules, expected_flips) -> None:
    result = _run(["--base", str(rules_dir()), "--head", str(stricter_rules), "--db", demo_db])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index(f"  HIIT allowed: {plural(len(expected_flips), 'check-in')}")
    listed = next(line for line in lines[start:] if line.startswith("    check-ins: "))
    names = set(listed.removeprefix("    check-ins: ").split(", "))
    assert names == {f"{athlete} {day}" for athlete, day in expected_flips}
    assert "settings changed: hiit.readiness_min_pct 80 -> 90" in lines
    assert "Rules responsible" in lines


def test_changed_set_is_every_checkin_whose_recommendation_differs(
    demo_db, stricter_rules, stored
) -> None:
    expected: dict[str, set[tuple[str, str]]] = {}
    for _, athlete, day, request in stored:
        before, after = _both(request, stricter_rules)
        for category, _, _ in diff_recommendations(before, after):
            expected.setdefault(category, set()).add((athlete, day))
    changed = set().union(*expected.values())
    for workers in (1, 2):
        report = replay(
            RuleSource("bundled rules"),
            RuleSource("stricter", stricter_rules),
            DatabaseSource(demo_db),
            workers=workers,
            listed=1000,
        )
        assert report.changed == len(changed)
        assert report.unchanged == len(stored) - len(changed)
        got = {
            category: {(item.athlete, item.date) for item in group.checkins}
            for category, group in report.groups.items()
        }
        assert got == expected


def test_postgresql_database_gives_the_same_report(demo_db, stricter_rules) -> None:
    raw = os.environ.get("RUNSTRONG_TEST_PG_URL")
    if not raw:
        pytest.skip("RUNSTRONG_TEST_PG_URL is not set (.ci/run sets it)")
    import psycopg

    server = make_url(raw).set(drivername="postgresql")
    name = f"runstrong_test_{uuid.uuid4().hex}"
    maintenance = server.render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        store = Store.open(url)
        create_demo(store, get_evaluator(), dt.date.today())
        create_demo(store, get_evaluator(), dt.date.today())
        store.engine.dispose()
        reports = [
            replay(
                RuleSource("bundled rules"),
                RuleSource("stricter", stricter_rules),
                DatabaseSource(db),
                workers=2,
                chunk_size=5,
            ).to_json()
            for db in (demo_db, url)
        ]
        for report in reports:
            del report["source"], report["seconds"]
        assert reports[0] == reports[1]
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- exit codes, sources, progress ---------------------------------------------------------------


def test_identical_rules_change_nothing(demo_db, tmp_path) -> None:
    same = _copy_rules(tmp_path / "rules")
    args = ["--base", str(rules_dir()), "--head", str(same), "--db", demo_db]
    result = _run([*args, "--fail-on-change", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["changed"] == 0
    assert report["trace_only"] == 0
    assert report["groups"] == []


def test_fail_on_change_exits_1_when_something_changed(demo_db, stricter_rules) -> None:
    args = ["--base", str(rules_dir()), "--head", str(stricter_rules), "--db", demo_db]
    assert _run(args).exit_code == 0
    result = _run([*args, "--fail-on-change"])
    assert result.exit_code == 1
    assert "HIIT allowed" in result.stdout


def test_requests_file(stored, stricter_rules, expected_flips, tmp_path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(request for *_, request in stored) + "\n\n")
    args = ["--base", str(rules_dir()), "--head", str(stricter_rules)]
    result = _run([*args, "--requests", str(requests), "--format", "json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["replayed"] == len(stored)
    hiit = _group(report, "hiit_allowed")
    assert hiit is not None
    assert _checkins(hiit) == expected_flips
    # Each check-in is also identified by its line.
    lines = {item["line"] for item in hiit["checkins"]}
    dates = [day for _, _, day, _ in stored]
    assert {dates[line - 1] for line in lines} == {day for _, day in expected_flips}


def test_unreadable_request_lines_exit_2_after_the_report(stored, tmp_path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_text(stored[0][3] + "\n{not json}\n" + '{"athlete": {}}\n')
    result = _run(["--base", str(rules_dir()), "--requests", str(requests), "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["replayed"] == 3
    assert report["not_evaluated"] == 2
    assert f"{requests}:2: not valid JSON" in result.stderr


@pytest.mark.parametrize("option", ["--base", "--head"])
def test_bad_rule_directory_exits_2_with_the_validation_errors(option, demo_db, tmp_path) -> None:
    broken = _copy_rules(tmp_path / "rules")
    (broken / "hiit.yaml").write_text("rules:\n  - id: RS201\n    name: [not, a, name\n")
    other = "--head" if option == "--base" else "--base"
    result = _run([option, str(broken), other, str(rules_dir()), "--db", demo_db])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "hiit.yaml" in result.stderr


def test_neither_directory_nor_git_ref_exits_2(demo_db) -> None:
    result = _run(["--base", "no-such-dir-or-ref", "--db", demo_db])
    assert result.exit_code == 2
    assert "neither a rule directory nor a git ref" in result.stderr


def test_db_and_requests_together_is_a_usage_error(demo_db, tmp_path) -> None:
    requests = tmp_path / "r.jsonl"
    requests.write_text("")
    result = _run(["--base", str(rules_dir()), "--db", demo_db, "--requests", str(requests)])
    assert result.exit_code == 2


def test_missing_sqlite_database_exits_2(tmp_path) -> None:
    result = _run(["--base", str(rules_dir()), "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2
    assert "no database here" in result.stderr


def test_progress_is_reported_in_order(demo_db, stored) -> None:
    calls: list[tuple[int, int | None]] = []
    replay(
        RuleSource("bundled rules"),
        RuleSource("bundled rules"),
        DatabaseSource(demo_db),
        workers=2,
        chunk_size=7,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, len(stored))
    assert calls[-1] == (len(stored), len(stored))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_progress_bar_only_on_a_terminal(demo_db, stricter_rules, monkeypatch) -> None:
    import engine.cli.rules_diff_cmd as command

    shown: list[int] = []

    class Bar:
        def __call__(self, done: int, total: int | None) -> None:
            shown.append(done)

        def close(self) -> None:
            pass

    monkeypatch.setattr(command, "_ProgressBar", Bar)
    args = ["--base", str(rules_dir()), "--head", str(stricter_rules), "--db", demo_db]
    assert _run(args).exit_code == 0
    assert shown == []  # CliRunner's stderr is not a terminal
    monkeypatch.setattr(command, "_stderr_is_terminal", lambda: True)
    assert _run(args).exit_code == 0
    assert shown and shown[0] == 0


# --- git refs ------------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the rules and knowledge base, committed as they are."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(rules_dir(), root / "rules")
    shutil.copytree(knowledge_base_dir(), root / "knowledge_base")
    _git(root, "init", "-q")
    _git(root, "add", "rules", "knowledge_base")
    _git(root, "commit", "-q", "-m", "rules")
    return root


def test_git_ref_base(repo, demo_db, expected_flips, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    args = ["--base", "HEAD", "--head", "rules", "--db", demo_db, "--format", "json"]
    unchanged = _run([*args, "--fail-on-change"])
    assert unchanged.exit_code == 0, unchanged.output
    report = json.loads(unchanged.stdout)
    assert report["changed"] == 0
    assert report["base"]["rules"].startswith("HEAD (")
    assert report["base"]["note"] == ""  # same knowledge base: the current one is shared

    # A new directory: get_evaluator caches evaluators by path for the life of the process.
    shutil.copytree(repo / "rules", repo / "rules-edited")
    _set_readiness(repo / "rules-edited", 90)
    changed = _run(
        ["--base", "HEAD", "--head", "rules-edited", "--db", demo_db, "--format", "json"]
    )
    assert changed.exit_code == 0, changed.output
    hiit = _group(json.loads(changed.stdout), "hiit_allowed")
    assert hiit is not None
    assert _checkins(hiit) == expected_flips


def test_git_ref_with_another_knowledge_base_uses_it(repo, demo_db, monkeypatch) -> None:
    equipment = repo / "knowledge_base" / "equipment.yaml"
    equipment.write_text(equipment.read_text() + "# edited at this ref\n")
    _git(repo, "commit", "-q", "-am", "knowledge base edited")
    monkeypatch.chdir(repo)
    result = _run(["--base", "HEAD", "--db", demo_db, "--format", "json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "differs from the current one" in report["base"]["note"]
    assert report["base"]["version"] != report["head"]["version"]
    assert report["changed"] == 0  # a comment changes no recommendation


def test_unknown_git_ref_exits_2(repo, demo_db, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    result = _run(["--base", "no-such-branch", "--db", demo_db])
    assert result.exit_code == 2
    assert "neither a rule directory nor a git ref" in result.stderr


# --- the shortcuts are exact ---------------------------------------------------------------------


def _edited_rules(target: Path, edit: str) -> Path:
    rules = _copy_rules(target)
    if edit == "readiness":
        _set_readiness(rules, 90)
    elif edit == "hiit_work":
        settings = rules / "settings.yaml"
        old = "  hiit.work_s:\n    value: 30"
        assert old in settings.read_text()
        settings.write_text(settings.read_text().replace(old, "  hiit.work_s:\n    value: 40"))
    elif edit == "ladder_window":
        settings = rules / "settings.yaml"
        old = "  ladder.recent_window_days:\n    value: 21"
        assert old in settings.read_text()
        settings.write_text(
            settings.read_text().replace(old, "  ladder.recent_window_days:\n    value: 14")
        )
    elif edit == "pain_rule":
        pain = rules / "pain.yaml"
        old = "during_movement: {in: [squat, hinge, lunge]}"
        assert old in pain.read_text()
        pain.write_text(pain.read_text().replace(old, "during_movement: {in: [squat, hinge]}"))
    elif edit == "added_rule":
        hiit = rules / "hiit.yaml"
        hiit.write_text(
            hiit.read_text().rstrip("\n")
            + """
  - id: RS299
    name: hiit-day-gets-mobility-too
    summary: A proposed HIIT session also proposes mobility.
    why: A test rule that chains on proposals.
    sources: [d2_add_rhythmic_cardio]
    priority: 70
    when:
      - fact: proposal
        where: {session: hiit}
    then:
      - propose: {session: mobility, preference: 90, intensity: low}
"""
        )
    return rules


@pytest.mark.parametrize(
    "edit", ["readiness", "hiit_work", "ladder_window", "pain_rule", "added_rule"]
)
def test_shortcuts_give_the_same_records_as_full_evaluation(edit, stored, tmp_path) -> None:
    from tests.benchmarks.bench_replay import synthetic_history

    head = get_evaluator(_edited_rules(tmp_path / "rules", edit))
    fast = Replayer(get_evaluator(), head)
    full = Replayer(get_evaluator(), head, shortcuts=False)
    requests = [request for *_, request in stored]
    requests += [request for _, _, request in synthetic_history(400, athletes=40)]
    for *_, request in stored[-7:]:  # a week of the demo with low-back pain in a lunge
        data = json.loads(request)
        data["checkin"]["pain"] = [
            {"area": "low_back", "severity": 4, "during": "deficit_reverse_lunge"}
        ]
        requests.append(json.dumps(data))
    changed = 0
    for number, request in enumerate(requests, start=1):
        record = fast.compare(number, request)
        assert record == full.compare(number, request)
        changed += record is not None
    assert changed > 0


def test_a_replay_compares_the_plan_the_recommendation_carries(stored) -> None:
    """A replay compares plans (no trace is built); each part it compares must be the very one
    the recommendation of the same evaluation carries."""
    from tests.benchmarks.bench_replay import synthetic_history

    evaluator = get_evaluator()
    requests = [request for *_, request in stored]
    requests += [request for _, _, request in synthetic_history(300, athletes=30)]
    for raw in requests:
        request = EvaluationRequest.model_validate_json(raw, context={"kb": evaluator.kb})
        bundle, firings = evaluator.fire(request)
        plan = evaluator.plan(request, bundle, firings)
        recommendation = evaluator.recommend(request, bundle, firings)
        parts = ("session", "hiit", "progressions", "warnings", "load_changes", "constraints")
        for part in (*parts, "alternatives"):
            assert getattr(plan, part) == getattr(recommendation, part), part
        assert diff_recommendations(plan, recommendation) == []


def test_file_source_limit_and_blank_lines(tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"a": 1}\n\n{"b": 2}\n{"c": 3}')
    source = FileSource(path)
    assert source.count() == 4
    assert [ref for chunk in source.chunks(2) for ref, _ in chunk] == [1, 3, 4]
    assert [ref for chunk in FileSource(path, limit=2).chunks(10) for ref, _ in chunk] == [1, 3]


def test_stored_requests_are_read_in_pages_through_the_store(demo_db, stored) -> None:
    store = Store.open(demo_db)
    try:
        assert store.count_stored_requests() == len(stored)
        pages, after = [], None
        while page := store.stored_requests(7, after=after):
            pages.append(page)
            after = (page[-1][1], page[-1][0])
    finally:
        store.engine.dispose()
    assert all(len(page) <= 7 for page in pages) and len(pages) > 1
    rows = [row for page in pages for row in page]
    assert [row[0] for row in rows] == [item[0] for item in stored]  # date, then id; no repeats
    assert [json.loads(row[2]) for row in rows] == [json.loads(item[3]) for item in stored]


def test_workers_get_the_compiled_rule_sets_and_parse_nothing(
    stored, stricter_rules, monkeypatch
) -> None:
    import pickle

    from engine.ruletools.replay import run

    base, head = get_evaluator(), get_evaluator(stricter_rules)
    given = (run._built(base), run._built(head))
    given = pickle.loads(pickle.dumps(given))  # what a spawned worker would receive

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a replay worker loaded rules or a knowledge base")

    # rule_sources imports these on use, so patching them where they live covers it too.
    monkeypatch.setattr("engine.rulebook.ruleset.load_ruleset", no_loading)
    monkeypatch.setattr("engine.knowledge.base.load_knowledge_base", no_loading)
    monkeypatch.setattr("engine.rulebook.compiler.compile_ruleset", no_loading)
    run._init_worker(*given)
    chunk = [(ref, text) for ref, _, _, text in stored]
    try:
        count, records = run._worker_chunk(chunk)
    finally:
        import gc

        gc.unfreeze()
        run._WORKER = None
    expected = Replayer(base, head).compare_chunk(chunk)
    assert (count, records) == expected and records


def test_the_typed_settings_reads_are_watched_by_key() -> None:
    """The features and the planner read the typed settings; a replay must still see which
    changed setting they read, or it would reuse the base's facts when the head's differ."""
    from engine.ruletools.replay.shortcuts import WatchedSettings

    ruleset = get_evaluator().ruleset
    watched = WatchedSettings(ruleset.settings, frozenset({"hiit.work_s", "run.long_run_note"}))
    typed = watched.typed(ruleset.engine_settings)
    assert typed.hiit.rounds == ruleset.engine_settings.hiit.rounds
    assert watched.read == set()  # hiit.rounds is not a changed setting
    assert typed.hiit.work_s == ruleset.engine_settings.hiit.work_s
    assert watched.read == {"hiit.work_s"}
    # A group's method reads its fields out of sight: all of them count as read.
    assert typed.run.session("easy_run") == ruleset.engine_settings.run.session("easy_run")
    assert watched.read == {"hiit.work_s", "run.long_run_note"}
    # A group holding no changed setting is the settings' own (reading it notes nothing).
    assert typed.load is ruleset.engine_settings.load
    assert typed.hiit is not ruleset.engine_settings.hiit
