"""The typed answers agents get back from an engine, one pydantic model per role."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

CRITERIA = ("clarity", "user_value", "feasibility", "scope", "differentiation")
"""The five criteria the Critic scores, 0-10 each."""

DART_PACKAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Answer(BaseModel):
    """Each decision field (score, level, approve, passed) comes after its rationale, so a
    model writing the answer in order reasons before it decides."""

    model_config = ConfigDict(extra="forbid")


class CriterionScore(_Answer):
    """One criterion's score with the reason for it."""

    name: str
    reason: str = Field(min_length=1)
    score: int = Field(ge=0, le=10)


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ComplianceRisk(_Answer):
    """Whether the idea touches a regulated or harmful area."""

    reason: str
    category: str = Field(description="e.g. none, gambling, medical, weapons, finance, minors")
    level: RiskLevel


class CriticReport(_Answer):
    """The Critic's verdict on an idea."""

    criteria: list[CriterionScore] = Field(min_length=len(CRITERIA), max_length=len(CRITERIA))
    compliance: ComplianceRisk
    summary: str
    features: list[str] = Field(default_factory=list, description=(
        "every feature and action the idea names, one short verb phrase each, e.g. "
        "'export invoice as PDF'; the Judge fails the app when one is not built"))

    @field_validator("criteria")
    @classmethod
    def _all_criteria_once(cls, value: list[CriterionScore]) -> list[CriterionScore]:
        names = sorted(c.name for c in value)
        if names != sorted(CRITERIA):
            raise ValueError(f"criteria must be exactly {', '.join(CRITERIA)}")
        return value

    @property
    def score(self) -> float:
        """Mean of the five criteria, 0-10."""
        return round(sum(c.score for c in self.criteria) / len(self.criteria), 2)


class FileSpec(_Answer):
    """One file of the plan."""

    path: str = Field(description="relative to the project root, e.g. lib/models/recipe.dart")
    purpose: str = Field(min_length=1)
    exports: list[str] = Field(default_factory=list, description="public top-level symbols")
    depends_on: list[str] = Field(default_factory=list, description="paths of planned files")


class PlannedFeature(_Answer):
    """One feature the idea names, and the planned files that implement it."""

    feature: str
    files: list[str] = Field(default_factory=list, description="planned paths; [] if not built")
    note: str = ""


class Plan(_Answer):
    """The Planner's file plan."""

    app_name: str = Field(description="Dart package name, snake_case")
    title: str
    summary: str
    entities: list[str] = Field(default_factory=list)
    packages: list[str] = Field(default_factory=list, description="pub packages the app uses")
    files: list[FileSpec] = Field(min_length=1)
    features: list[PlannedFeature] = Field(
        default_factory=list, description="each feature of the request, mapped to its files")

    @field_validator("app_name")
    @classmethod
    def _dart_name(cls, value: str) -> str:
        if not DART_PACKAGE_NAME.match(value):
            raise ValueError("app_name must be a Dart package name (lower_snake_case)")
        return value

    def spec(self, path: str) -> FileSpec:
        """The spec of one planned file; KeyError when the path is not planned."""
        for spec in self.files:
            if spec.path == path:
                return spec
        raise KeyError(path)

    @property
    def dart_files(self) -> list[FileSpec]:
        return [f for f in self.files if f.path.endswith(".dart")]


class PlanReview(_Answer):
    """One panel reviewer's vote on a plan."""

    feedback: list[str] = Field(default_factory=list, description="what to change, one per item")
    approve: bool


class FileBody(_Answer):
    """The content the executor wrote for one file."""

    content: str
    truncated: bool = False


class FileReview(_Answer):
    """The file reviewer's verdict on one attempt."""

    feedback: str = ""
    approve: bool


class CheckpointVerdict(_Answer):
    """A judgement on one checkpoint that needs a model's judgement."""

    id: str
    evidence: str
    passed: bool


class FeatureEvidence(_Answer):
    """Where the code performs one named feature, or why it does not."""

    feature: str
    built: bool
    file: str = Field("", description="the file that performs it, e.g. lib/screens/x.dart")
    line: int = Field(0, description="1-based line of that file")
    symbol: str = Field("", description="the identifier on that line that performs it")
    note: str = ""


class JudgeOpinion(_Answer):
    """The engine's verdicts on the judgement checkpoints it was asked about."""

    verdicts: list[CheckpointVerdict]
    summary: str
    features: list[FeatureEvidence] = Field(
        default_factory=list, description="one entry per feature of the request")
