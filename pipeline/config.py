"""Settings from the environment and the knobs users tune in a config file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.engines.capabilities import ModelPrice, default_prices
from pipeline.errors import ConfigError
from pipeline.paths import unwritable

APP_DIR_NAME = "code-factory"
"""The per-user data directory's name (`~/.local/share/code-factory` on Linux)."""
DATABASE_FILE = "factory.db"
ENGINE_NAME = r"^[a-z][a-z0-9_-]{0,39}$"
"""An engine (`anthropic`, `openai`, ...) or a named OpenAI-compatible provider (`local`)."""
ROLES = ("critic", "planner", "executor", "file_reviewer", "judge")
"""The roles with one model each; the panel's reviewers name theirs one by one."""


class ReviewerConfig(BaseModel):
    """One member of the plan review panel: its own model and its own focus."""

    model_config = ConfigDict(extra="forbid")

    name: str
    model: str
    focus: str
    temperature: float = Field(default=0.0, ge=0, le=1)
    engine: str | None = Field(default=None, pattern=ENGINE_NAME)
    """The engine or provider that serves `model`; None: the run's engine."""


def _default_panel() -> list[ReviewerConfig]:
    return [
        ReviewerConfig(name="architect", model="claude-sonnet-4-6",
                       focus="layering, dependency direction and file granularity"),
        ReviewerConfig(name="product", model="claude-opus-4-6",
                       focus="coverage of every feature the idea asks for"),
        ReviewerConfig(name="tester", model="claude-haiku-4-5",
                       focus="testability: a test for each model and state class"),
        ReviewerConfig(name="skeptic", model="claude-sonnet-4-6", temperature=0.7,
                       focus="missing links: unimported files, unrouted screens"),
    ]


class ModelsConfig(BaseModel):
    """Which model answers for which role."""

    model_config = ConfigDict(extra="forbid")

    critic: str = "claude-sonnet-4-6"
    planner: str = "claude-opus-4-6"
    executor: str = "claude-sonnet-4-6"
    file_reviewer: str = "claude-haiku-4-5"
    judge: str = "claude-opus-4-6"


class EnginesConfig(BaseModel):
    """Which engine (or named OpenAI-compatible provider) serves each role's model; a role left
    out is served by the run's engine (`--engine`)."""

    model_config = ConfigDict(extra="forbid")

    critic: str | None = Field(default=None, pattern=ENGINE_NAME)
    planner: str | None = Field(default=None, pattern=ENGINE_NAME)
    executor: str | None = Field(default=None, pattern=ENGINE_NAME)
    file_reviewer: str | None = Field(default=None, pattern=ENGINE_NAME)
    judge: str | None = Field(default=None, pattern=ENGINE_NAME)


@dataclass(frozen=True)
class Seat:
    """One role of a run (a panel reviewer is a role of its own), its engine and its model."""

    role: str
    """`critic`, `planner`, `executor`, `file_reviewer`, `judge`, or `reviewer <name>`."""
    engine: str
    model: str

    def label(self) -> str:
        """How the report and the check run name who answers: `openai · gpt-4.1`."""
        return f"{self.engine} · {self.model}"


class FactoryConfig(BaseModel):
    """The knobs a user tunes; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid")

    critic_min_score: float = Field(default=6.0, ge=0, le=10)
    cannibalization_threshold: float = Field(default=0.8, gt=0, le=1)
    allow_duplicate: bool = False
    """Build an idea even when it duplicates an earlier run's (the gate only reports it)."""
    panel_quorum: int = Field(default=3, ge=1)
    revision_rounds: int = Field(default=3, ge=0)
    retries_per_file: int = Field(default=3, ge=0, le=10)
    concurrency: int = Field(default=8, ge=1, le=256)
    min_files: int = Field(default=25, ge=1)
    max_files: int = Field(default=40, ge=1)
    budget_usd: float = Field(default=5.0, ge=0)
    judge_pass_score: int = Field(default=80, ge=0, le=100)
    models: ModelsConfig = Field(default_factory=ModelsConfig)
    engines: EnginesConfig = Field(default_factory=EnginesConfig)
    panel: list[ReviewerConfig] = Field(default_factory=_default_panel)
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    """The user's prices; they extend (and for a listed model, replace) the default table."""
    ci_repair_rounds: int = Field(default=2, ge=0, le=10)
    """Repair rounds the repository's CI may drive on a GitHub run (one commit each)."""
    ci_timeout_s: float = Field(default=1800.0, gt=0)
    """How long a GitHub run waits for the other checks on a head it pushed to complete."""
    ci_grace_s: float = Field(default=20.0, ge=0)
    """How long a head without any other check waits before the repository counts as CI-less."""
    ci_poll_s: float = Field(default=10.0, gt=0)
    """Seconds between two looks at the checks while waiting (CI events end a wait early)."""
    fault_rate: float = Field(default=0.0, ge=0, le=1)
    requests_per_minute: int = Field(default=1000, ge=1)
    """Model API requests per minute per model class, shared by every process on the key."""
    tokens_per_minute: int = Field(default=400_000, ge=1)
    """Model API input tokens per minute per model class, shared likewise."""
    output_tokens_per_minute: int = Field(default=80_000, ge=1)
    """Model API output tokens per minute per model class (charged from max_tokens)."""
    seed: int = 0

    @model_validator(mode="after")
    def _consistent(self) -> FactoryConfig:
        if self.min_files > self.max_files:
            raise ValueError("min_files must not exceed max_files")
        if self.panel_quorum > len(self.panel):
            raise ValueError(
                f"panel_quorum {self.panel_quorum} exceeds the panel's {len(self.panel)} reviewers"
            )
        return self

    def price(self, model: str) -> ModelPrice:
        """The price of a model, or an error naming the models that have one."""
        price = self.price_or_none(model)
        if price is None:
            known = ", ".join(sorted(self.all_prices()))
            raise ConfigError(
                f"no price for model {model!r}: add it under `prices:` in the config file "
                f"(USD per million tokens: input, output, cache_write, cache_read; "
                f"prices known for: {known})"
            )
        return price

    def price_or_none(self, model: str) -> ModelPrice | None:
        """The user's price of a model, else the default table's, else None."""
        return self.all_prices().get(model)

    def all_prices(self) -> dict[str, ModelPrice]:
        """The default prices extended by the user's."""
        return {**default_prices(), **self.prices}

    def models_in_use(self) -> list[str]:
        """Every model a run of this config may call: the roles' and the panel's."""
        names = [*self.models.model_dump().values(), *(r.model for r in self.panel)]
        return sorted(set(names))

    def seats(self, default_engine: str) -> list[Seat]:
        """Every role of a run with the engine and model that answer it, in pipeline order."""
        def seat(role: str) -> Seat:
            engine = getattr(self.engines, role) or default_engine
            return Seat(role, engine, getattr(self.models, role))

        reviewers = [Seat(f"reviewer {r.name}", r.engine or default_engine, r.model)
                     for r in self.panel]
        return [seat("critic"), seat("planner"), *reviewers, seat("executor"),
                seat("file_reviewer"), seat("judge")]

    def check_prices(self) -> None:
        """Refuse, before any call, a config that names a model nobody priced."""
        for model in self.models_in_use():
            self.price(model)

    def merged(
        self, overrides: dict[str, Any], flags: dict[str, str] | None = None
    ) -> FactoryConfig:
        """A copy with some knobs replaced, validated again; `flags` names each knob's flag
        (`budget_usd` -> `--budget`) in an error, since that is what the user typed."""
        source = "the command line" if flags else "overrides"
        return load_config_dict({**self.model_dump(), **overrides}, source=source, names=flags)


def load_config_dict(
    data: dict[str, Any], source: str, names: dict[str, str] | None = None
) -> FactoryConfig:
    """Validate a config mapping, turning pydantic's errors into one readable ConfigError."""
    try:
        return FactoryConfig.model_validate(data)
    except ValidationError as exc:
        problems = format_validation_errors(exc, names)
        raise ConfigError(f"invalid config in {source}: {problems}") from None


def format_validation_errors(exc: ValidationError, names: dict[str, str] | None = None) -> str:
    """One line per problem: `field.path: message`, a top-level field renamed by `names`."""
    names = names or {}
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if loc and loc[0] in names:
            loc[0] = names[loc[0]]
        parts.append(f"{'.'.join(loc) or '(top level)'}: {err['msg']}")
    return "; ".join(parts)


def load_config_file(path: Path) -> FactoryConfig:
    """Read a YAML (.yml/.yaml) or TOML (.toml) config file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {byte:#04x} at offset "
                          f"{exc.start}): give a YAML or TOML file") from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        else:
            data = yaml.safe_load(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"config file {path} is not valid: {first_line}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings")
    return load_config_dict(data, source=str(path))


class Settings(BaseSettings):
    """Process settings read once from the environment (FACTORY_* and a few standard names)."""

    model_config = SettingsConfigDict(env_prefix="FACTORY_", extra="ignore")

    database_url: str = ""
    redis_url: str = ""
    config_file: str = ""
    engine: str = ""
    data_dir: str = ""
    """Where the default SQLite store lives; empty: the per-user data directory."""
    payload_retention_days: float | None = Field(default=None, gt=0)
    """How long `serve` keeps handled webhook payloads; None: the App's default."""

    def data_directory(self) -> Path:
        """FACTORY_DATA_DIR or the per-user data directory, created and checked writable."""
        if self.data_dir:
            path, name = Path(self.data_dir).expanduser().absolute(), "FACTORY_DATA_DIR"
        else:
            path, name = Path(user_data_dir(APP_DIR_NAME, appauthor=False)), "the data directory"
        if (why := unwritable(path)) is not None:
            raise ConfigError(f"{name} {path} cannot hold the run store: {why}; "
                              "set FACTORY_DATA_DIR to a directory you can write")
        return path

    def database(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_directory() / DATABASE_FILE}"
