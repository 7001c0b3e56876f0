"""One test module per module: tests/<folder>/test_<module>.py for zendesk_escalator/<folder>/<module>.py (root
modules: tests/test_<module>.py); the modules left without one, and the test modules that mirror none, are listed
below with the reason, so the layout stays as it is."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "zendesk_escalator"
# Not unit tests of one module: fakes and helpers, end-to-end features, benchmarks.
OWN_FOLDERS = {"support", "scenarios", "bench"}

# Package modules without a mirrored test module, each with why. A module that gets one must leave this list.
UNTESTED = {
    # Pure data: dataclasses and constants, read through the tests of the modules that use them.
    "core/sla_policy.py": "the [sla] section's dataclasses",
    "core/reporting/dashboard_facts.py": "the dashboard's input dataclasses (tests/core/reporting/)",
    "core/backtest/replayed.py": "the replay's dataclasses (tests/core/backtest/)",
    "core/backtest/recurring_runs.py": "recurring runs in a replay (tests/core/backtest/test_period.py)",
    "core/lifecycle/review.py": "the review note at close (tests/scenarios/test_escalation_lifecycle.py)",
    "core/lifecycle/request_checks.py": "a request's checklist (tests/core/lifecycle/test_transitions.py)",
    "errors.py": "the error types: classes with a message",
    "observability/decision.py": "a Protocol (types only): what metrics and logs read of an outcome",
    "ops/web_services.py": "a Protocol (types only): the endpoints' view of the service's parts",
    "store/schema.py": "the tables (tests/store/test_migrate.py checks the migrations make exactly them)",
    "observability/gunicorn_hooks.py": "gunicorn's hooks, run by gunicorn (tests/test_gunicorn_conf.py)",
    # The policy file's sections: each schema is tested through parse_policy in tests/schemas/ (test_policy_file,
    # test_phone, test_schemas_notify, test_schemas_report, test_schemas_schedules, test_policy_fuzz).
    "schemas/across_sections.py": "checks across sections (tests/schemas/test_policy_file.py)",
    "schemas/base.py": "the schemas' base and first_error (tests/schemas/test_schemas_schedules.py)",
    "schemas/escalation.py": "[escalation] (tests/schemas/test_policy_file.py)",
    "schemas/lifecycle.py": "[lifecycle] (tests/schemas/test_policy_file.py)",
    "schemas/policy.py": "the whole file's schema (tests/schemas/test_policy_file.py)",
    "schemas/recurring.py": "[recurring] (tests/core/escalation/test_recurring.py)",
    "schemas/requests.py": "[requests] (tests/schemas/test_policy_file.py)",
    "schemas/ticket_fields.py": "[fields] (tests/schemas/test_policy_file.py)",
    "schemas/triggers.py": "[cc], [manual], [[impact]] (tests/schemas/test_policy_file.py, test_when.py)",
    "schemas/values.py": "value fields (tests/schemas/test_policy_file.py)",
    "schemas/webhook_bodies.py": "the webhook bodies' schemas (tests/schemas/test_schemas_webhooks.py)",
    # Entry points and wiring: started by the command line and the web server, tested end to end.
    "app.py": "the web app's factory (tests/test_webhooks.py, tests/ops/test_dashboard.py)",
    "wiring.py": "composition of the service (tests/scenarios/)",
    "ops/embedded_server.py": "`escalator run` under gunicorn (tests/scenarios/test_make_run.py)",
    "ops/worker_process.py": "`escalator worker`, started by tests/support/processes.py for tests/scenarios/",
    # Parts of a command, tested through the command's own test module.
    "ops/dashboard_data.py": "one dashboard view's data (tests/ops/test_dashboard.py)",
}

# Test modules that mirror no module, each with why.
UNMIRRORED = {
    "test_examples.py": "the shipped examples load and work",
    "test_folder_graph.py": "the folders import one way",
    "test_isolation.py": "each test starts without the caller's environment",
    "test_readme.py": "the README's commands and keys exist",
    "test_test_layout.py": "this check",
    "test_module_size.py": "every module stays under 250 lines",
    "ops/test_report_reading.py": "`escalator report` reading the store with its progress bar (ops/report.py)",
    "worker/test_pool_wakeups.py": "worker/pool.py with store/wakeup.py and listen.py: idle workers woken, not polled",
    "worker/test_worker_start.py": "what a worker process reads and says at start (wiring.build_pool, worker/)",
    "core/test_purity.py": "core/ does no I/O",
    "schemas/test_policy_fuzz.py": "mutated copies of the example policy (hypothesis), across every section",
}


def package_modules() -> list[str]:
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    )


def mirroring_tests() -> list[str]:
    return sorted(
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("test_*.py")
        if not OWN_FOLDERS & set(path.relative_to(TESTS).parts[:-1])
    )


def mirrors(module: str) -> list[str]:
    """The test module names that may mirror a package module: test_<name>.py, or test_<folder>_<name>.py where
    another folder's test_<name>.py forces the prefix (test basenames are unique across tests/)."""
    path = Path(module)
    folder = path.parent.as_posix()
    plain = (Path(folder) / f"test_{path.stem}.py").as_posix().removeprefix("./")
    prefixed = (Path(folder) / f"test_{path.parent.name}_{path.stem}.py").as_posix()
    return [plain, prefixed] if folder != "." else [plain]


def test_every_module_has_its_test_module_or_a_reason():
    tests = set(mirroring_tests())
    missing = [m for m in package_modules() if not tests & set(mirrors(m)) and m not in UNTESTED]
    assert missing == [], "add tests/<folder>/test_<module>.py (or a reason to UNTESTED) for these"


def test_the_reasons_are_not_stale():
    tests, modules = set(mirroring_tests()), set(package_modules())
    stale = sorted(m for m in UNTESTED if m not in modules or tests & set(mirrors(m)))
    assert stale == [], "these modules have a test module now (or are gone): take them off UNTESTED"
    gone = sorted(t for t in UNMIRRORED if t not in tests)
    assert gone == [], "these test modules are gone: take them off UNMIRRORED"


def test_every_test_module_mirrors_a_module_or_says_why():
    mirrored = {t for m in package_modules() for t in mirrors(m)}
    strays = [t for t in mirroring_tests() if t not in mirrored and t not in UNMIRRORED]
    assert strays == [], "name these after the module they test (tests/<folder>/test_<module>.py)"


def test_a_folder_prefix_only_where_a_name_clash_forces_it():
    names = [Path(t).name for t in TESTS.rglob("test_*.py")]
    for module in package_modules():
        path = Path(module)
        if path.parent.as_posix() == ".":
            continue
        prefixed = TESTS / path.parent / f"test_{path.parent.name}_{path.stem}.py"
        if prefixed.exists():
            assert names.count(f"test_{path.stem}.py") >= 1, f"{prefixed.name}: call it test_{path.stem}.py"
    assert len(names) == len(set(names)), "test basenames are unique across tests/"
